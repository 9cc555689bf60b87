/** `backup` on fakes: the runner Job it plans, what it reports, and every refusal (nothing created then). */
import { describe, expect, it } from 'vitest';
import type { BackupSettings } from '../../../src/core/model/backup-settings.ts';
import { FakeBackupStore } from '../../fakes/fake-backup-store.ts';
import { alice, createHarness, type Harness } from '../../support/core-harness.ts';

const settings: BackupSettings = {
  store: { endpoint: 'http://127.0.0.1:8333', bucket: 'matterops-backups', region: 'us-east-1', prefix: '' },
  storeSecret: 'matterops-backup-store',
  adminSecret: 'matterops-db-admin',
  runnerImage: 'matterops:0.1.0',
  serviceAccount: 'matterops-runner',
  retention: {},
  jobTtlSeconds: 3600,
};

const okResult = (id: string) =>
  JSON.stringify({
    ok: true,
    operation: 'backup',
    backupId: id,
    sizeBytes: 12_345_678,
    sha256: 'ab'.repeat(32),
    durationMs: 4_200,
    location: `s3://matterops-backups/chat/mattermost/${id}/dump.pgcustom`,
    rowCounts: { posts: 3 },
  });

interface JobBody {
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    backoffLimit: number;
    template: { spec: { serviceAccountName: string; containers: { command: string[]; env: { name: string; value?: string; valueFrom?: unknown }[] }[] } };
  };
}
const jobs = (h: Harness): JobBody[] => [...h.gateway.others.entries()].filter(([k]) => k.startsWith('batch/v1/jobs/')).map(([, v]) => v as unknown as JobBody);

function harness(): Harness {
  const h = createHarness({ backups: { settings, store: new FakeBackupStore() } });
  h.gateway.seed('chat', 'mattermost', { replicas: 2 });
  return h;
}

describe('backup', () => {
  it('runs the runner Job with every credential by secretKeyRef and reports id, size, sha256, duration and place', async () => {
    const h = harness();
    h.gateway.jobRunner = (job) => ({ succeeded: true, message: okResult((job as unknown as JobBody).metadata.labels['matterops.io/backup-id']!) });
    const { reply, text } = await h.run('backup mattermost --note "before upgrade" --yes', alice);
    expect(reply.tone).toBe('good');
    const [job] = jobs(h);
    expect(job).toBeDefined();
    const id = job!.metadata.labels['matterops.io/backup-id']!;
    expect(id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(job!.metadata.name).toBe(`matterops-backup-${id}`);
    expect(job!.metadata.labels).toMatchObject({ 'matterops.io/runner': 'job', 'matterops.io/operation': 'backup', 'matterops.io/installation': 'mattermost' });
    expect(job!.metadata.annotations).toMatchObject({ 'matterops.io/requested-by': 'alice', 'matterops.io/note': 'before upgrade' });
    expect(job!.spec.backoffLimit).toBe(0);
    const pod = job!.spec.template.spec;
    expect(pod.serviceAccountName).toBe('matterops-runner');
    expect(pod.containers[0]!.command).toEqual(['matterops', 'backup', 'run']);
    const env = Object.fromEntries(pod.containers[0]!.env.map((e) => [e.name, e]));
    expect(env.DB_CONNECTION_STRING?.valueFrom).toEqual({ secretKeyRef: { name: 'mattermost-db', key: 'DB_CONNECTION_STRING' } });
    expect(env.AWS_SECRET_ACCESS_KEY?.valueFrom).toEqual({ secretKeyRef: { name: 'matterops-backup-store', key: 'AWS_SECRET_ACCESS_KEY' } });
    expect(env.AWS_ACCESS_KEY_ID?.value).toBeUndefined();
    expect(env.MATTEROPS_BACKUP_ID?.value).toBe(id);
    expect(env.MATTEROPS_INSTALLATION?.value).toBe('chat/mattermost');
    // Restores need the admin Secret; a backup never gets it.
    expect(env.DB_ADMIN_CONNECTION_STRING).toBeUndefined();
    expect(text.split('\n')[0]).toBe(
      `backup chat/mattermost: done, backup ${id}: 12.3 MB, sha256 abababababababab…, 4.2 s, s3://matterops-backups/chat/mattermost/${id}/dump.pgcustom`,
    );
    expect(h.audit.entries.map((e) => e.phase)).toEqual(['requested', 'applied', 'succeeded']);
    expect(h.locks.entries.size).toBe(0);
  });

  it('reports a failed runner in its own words, audited as failed', async () => {
    const h = harness();
    h.gateway.jobRunner = () => ({
      succeeded: false,
      message: JSON.stringify({
        ok: false,
        operation: 'backup',
        stage: 'connect',
        error: 'cannot connect to the database: password authentication failed for user "mmuser"',
      }),
    });
    const { reply, text } = await h.run('backup mattermost --yes', alice);
    expect(reply.error).toBe('unavailable');
    expect(text).toContain('backup chat/mattermost: failed');
    expect(text).toContain('backup failed at connect: cannot connect to the database: password authentication failed for user "mmuser"');
    expect(h.audit.entries.at(-1)?.phase).toBe('failed');
  });

  it('a dry run shows the Job it would create and creates nothing', async () => {
    const h = harness();
    const { text } = await h.run('backup mattermost --dry-run', alice);
    expect(text).toMatch(/create Job chat\/matterops-backup-\d{8}-\d{6}-[0-9a-f]{4}/);
    expect(text).toContain('Dry run');
    expect(jobs(h)).toEqual([]);
  });

  it('a second backup, or any other change, is refused by the lock while one runs, naming who holds it', async () => {
    const h = harness();
    h.gateway.jobRunner = () => undefined; // the first backup's Job keeps running
    const first = h.run('backup mattermost --yes', alice);
    await expect.poll(() => h.locks.entries.size).toBe(1);
    const second = await h.run('backup mattermost --yes', alice);
    expect(second.text).toContain('backup in progress on mattermost by alice');
    const scale = await h.run('scale mattermost 3 --yes', alice);
    expect(scale.text).toContain('backup in progress on mattermost by alice');
    expect(jobs(h)).toHaveLength(1);
    const [job] = jobs(h);
    h.gateway.finishJob('chat', job!.metadata.name, { succeeded: true, message: okResult(job!.metadata.labels['matterops.io/backup-id']!) });
    expect((await first).reply.tone).toBe('good');
  });

  it('without a configured store says how to set backups up, and plans nothing', async () => {
    const h = createHarness();
    h.gateway.seed('chat', 'mattermost', { replicas: 2 });
    const { reply, text } = await h.run('backup mattermost --yes', alice);
    expect(reply.error).toBe('invalid');
    expect(text).toContain('backups are not set up here');
    expect(text).toContain('docs/backups.md');
    expect(jobs(h)).toEqual([]);
  });

  it('refuses a note on two lines, saying what to type', async () => {
    const h = harness();
    const { reply, text } = await h.run('backup mattermost --note "a\nb" --yes', alice);
    expect(reply.error).toBe('usage');
    expect(text).toContain('a note is one line');
    expect(jobs(h)).toEqual([]);
  });
});
