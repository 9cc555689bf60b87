/**
 * Splits the end-to-end files into shards that `scripts/test-tiers.sh` runs side by side, each on
 * a sandbox of its own (the files of one shard run one at a time, as they restart its Mattermost
 * and share its `/k8s` command and leader Lease). Most of an e2e file's time is waiting (a cron
 * minute, a Lease, a hold-down), not CPU, so shards on a 2-core machine finish in about the time of
 * the longest one. Files are dealt longest first to the shard with the least so far; the weights
 * are seconds a warm CI run measured (2026-12-03, `bash .ci/run`), and a file not listed counts as
 * `unknownSeconds` until it is measured.
 *
 * `node test/support/e2e-shards.ts <shards> <index>` prints the files of shard `index` (1-based),
 * one per line.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../sandbox/paths.ts';

const measuredSeconds: Record<string, number> = {
  // digests.test.ts was 486 s in one file; split in three by its tests' times.
  'digests-restart.test.ts': 185,
  'digests-replicas.test.ts': 185,
  'digests.test.ts': 130,
  'incidents.test.ts': 90,
  // Measured on a private sandbox (117-179 s, four runs), not yet in CI.
  'incident-faults.test.ts': 170,
  'drills.test.ts': 67,
  'set-up.test.ts': 31,
  'leader-step-down.test.ts': 30,
  'incident-storm.test.ts': 22,
  'rate-limit.test.ts': 20,
  'resilience.test.ts': 18,
  'two-replicas.test.ts': 17,
  'image.test.ts': 16,
  'quiet-hours.test.ts': 16,
  'metrics.test.ts': 15,
  'catch-up.test.ts': 15,
  'alertmanager.test.ts': 14,
  'change-note.test.ts': 13,
  'confirm-after-restart.test.ts': 13,
  'chat.test.ts': 12,
  'buttons.test.ts': 9,
  'load.test.ts': 7,
  'secrets-never-leave.test.ts': 7,
  'user-text-escaped.test.ts': 6,
  'policy-subjects.test.ts': 5,
};
const unknownSeconds = 60;

export function e2eShards(files: readonly string[], count: number): string[][] {
  const shards = Array.from({ length: count }, () => ({ seconds: 0, files: [] as string[] }));
  const weight = (f: string): number => measuredSeconds[f] ?? unknownSeconds;
  for (const file of [...files].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b))) {
    const lightest = shards.reduce((min, s) => (s.seconds < min.seconds ? s : min));
    lightest.seconds += weight(file);
    lightest.files.push(file);
  }
  return shards.map((s) => s.files.sort());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [count, index] = process.argv.slice(2).map(Number);
  if (!count || !index || index > count) {
    console.error('usage: node test/support/e2e-shards.ts <shards> <index 1..shards>');
    process.exit(2);
  }
  const dir = join(repoRoot, 'test', 'e2e');
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts'));
  for (const file of e2eShards(files, count)[index - 1] ?? []) console.log(join('test', 'e2e', file));
}
