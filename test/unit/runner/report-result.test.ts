/** How a runner ends: JSON in the termination log, one line for a person, the exit code; the error sanitised in both. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportResult } from '../../../src/runner/report-result.ts';
import { createSanitiser } from '../../../src/runner/sanitise-error.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, output: { stdout: (t: string) => (out.stdout += t), stderr: (t: string) => (out.stderr += t) } };
}

function logPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  dirs.push(dir);
  return join(dir, 'termination-log');
}

describe('reportResult', () => {
  it('writes a success as JSON and a line, exit 0', () => {
    const path = logPath();
    const { out, output } = capture();
    const result = {
      ok: true as const,
      operation: 'restore' as const,
      backupId: '20261201-231800-a1b2',
      sizeBytes: 12_582_912,
      sha256: 'ab'.repeat(32),
      durationMs: 4200,
      location: 's3://backups/chat/mattermost/20261201-231800-a1b2/dump.pgcustom',
      rowCounts: { posts: 3 },
      database: 'mattermost_r',
      secret: 'mattermost-restored',
    };
    expect(reportResult(result, path, output, createSanitiser([]))).toBe(0);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(result);
    expect(out.stdout).toBe(
      'restore 20261201-231800-a1b2 done: 12.0 MB, sha256 abababababab…, 4.2 s, s3://backups/chat/mattermost/20261201-231800-a1b2/dump.pgcustom, into database mattermost_r, Secret mattermost-restored written\n',
    );
  });

  it('sanitises a failure in the log and the line, exit 1', () => {
    const path = logPath();
    const { out, output } = capture();
    const code = reportResult(
      { ok: false, operation: 'backup', stage: 'connect', error: 'bad postgres://mm:hunter22@db/mm\nand hunter22' },
      path,
      output,
      createSanitiser(['hunter22']),
    );
    expect(code).toBe(1);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ ok: false, operation: 'backup', stage: 'connect', error: 'bad postgres://*** and ***' });
    expect(out.stdout).toBe('backup failed at connect: bad postgres://*** and ***\n');
  });

  it('still prints the line when the termination log cannot be written', () => {
    const { out, output } = capture();
    expect(reportResult({ ok: false, operation: 'drill', stage: 'verify', error: 'x' }, '/nonexistent/dir/log', output, createSanitiser([]))).toBe(1);
    expect(out.stderr).toBe('could not write the result to /nonexistent/dir/log: ENOENT\n');
    expect(out.stdout).toBe('drill failed at verify: x\n');
  });
});
