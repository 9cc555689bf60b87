/** `restore` and `backups` on fakes: the plan's steps in order, undo, refusals, and the resumed step. */
import { describe, expect, it } from 'vitest';
import type { BackupMetadata } from '../../../src/core/model/backup.ts';
import type { BackupSettings } from '../../../src/core/model/backup-settings.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { FakeBackupStore } from '../../fakes/fake-backup-store.ts';
import { alice, chatUser, createHarness, type Harness } from '../../support/core-harness.ts';

const settings: BackupSettings = {
  store: { endpoint: 'http://127.0.0.1:8333', bucket: 'fake', region: 'us-east-1', prefix: 'backups/' },
  storeSecret: 'matterops-backup-store',
  adminSecret: 'matterops-db-admin',
  runnerImage: 'matterops:0.1.0',
  serviceAccount: 'matterops-runner',
  retention: { keepLast: 2 },
  jobTtlSeconds: 3600,
};

const metadata = (id: string): BackupMetadata => ({
  format: 'matterops-backup/v1',
  id,
  installation: { namespace: 'chat', name: 'mattermost' },
  dumpKey: `backups/chat/mattermost/${id}/dump.pgcustom`,
  startedAt: '2026-11-27T08:00:00.000Z',
  finishedAt: '2026-11-27T08:00:05.000Z',
  sizeBytes: 64,
  sha256: 'cd'.repeat(32),
  pgVersion: '15.14',
  rowCounts: { posts: 3, users: 2, channels: 2, teams: 1 },
  requestedBy: 'alice',
});

/** The fake kubelet: every runner Job succeeds with the result its operation reports. */
function succeedingRunner(h: Harness): void {
  h.gateway.jobRunner = (job) => {
    const labels = (job.metadata as unknown as { labels: Record<string, string> }).labels;
    const operation = labels['matterops.io/operation'] as 'backup' | 'restore' | 'drill' | 'prune';
    if (operation === 'prune') return { succeeded: true, message: '' };
    return {
      succeeded: true,
      message: JSON.stringify({
        ok: true,
        operation,
        backupId: labels['matterops.io/backup-id'],
        sizeBytes: 64,
        sha256: 'cd'.repeat(32),
        durationMs: 900,
        location: 's3://fake/x',
        rowCounts: {},
      }),
    };
  };
}

function harness(options: Parameters<typeof createHarness>[0] = {}): { h: Harness; store: FakeBackupStore } {
  const store = new FakeBackupStore('backups/');
  const h = createHarness({ ...options, backups: { settings, store } });
  h.gateway.seed('chat', 'mattermost', { replicas: 2 });
  return { h, store };
}

const jobNames = (h: Harness): string[] => [...h.gateway.others.keys()].filter((k) => k.startsWith('batch/v1/jobs/')).map((k) => k.split('/').at(-1)!);

describe('restore', () => {
  it('plans backup, restore into a new database, scale to 0, switch and scale back, and asks for the name', async () => {
    const { h, store } = harness();
    store.putBackup(metadata('20261127-080000-aaaa'));
    const { reply, text } = await h.run('restore mattermost 20261127-080000-aaaa', alice);
    expect(reply.tone).toBe('danger');
    expect(reply.pending?.confirmWord).toBe('mattermost');
    expect(text).toMatch(/1\. back up the current database/);
    expect(text).toMatch(/into a new database mattermost_restore_\d{8}_\d{6}_[0-9a-f]{4}/);
    expect(text).toContain('restore mattermost --undo switches back');
    expect(jobNames(h)).toEqual([]); // nothing before the confirmation
  });

  it('confirmed, runs every step in order and leaves the installation on the restored Secret, annotated for undo', async () => {
    const { h, store } = harness();
    succeedingRunner(h);
    store.putBackup(metadata('20261127-080000-aaaa'));
    const { reply, text } = await h.run('restore mattermost 20261127-080000-aaaa --confirm mattermost', alice);
    expect(text).toContain('done');
    expect(reply.tone).toBe('good');
    const names = jobNames(h);
    expect(names[0]).toMatch(/^matterops-backup-/);
    expect(names[1]).toMatch(/^matterops-restore-/);
    const cr = h.gateway.objects.get('chat/mattermost')!;
    const secret = (cr.spec as { database: { external: { secret: string } } }).database.external.secret;
    expect(secret).toMatch(/^mattermost-db-restored-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(cr.spec.replicas).toBe(2);
    expect((cr.metadata as { annotations?: Record<string, string> }).annotations?.['matterops.io/previous-database-secret']).toBe('mattermost-db');
    // The operator mounts the DataSource from the Secret: matterops writes no env, and checks the pods.
    expect(cr.spec.mattermostEnv).toBeUndefined();
    expect(text).toContain('The operator mounts MM_SQLSETTINGS_DATASOURCE from the database Secret');
    expect(text).toContain(`MM_SQLSETTINGS_DATASOURCE comes from Secret ${secret} on all 2 pods`);
    // ... and --undo puts the old Secret back and clears the annotations.
    const undo = await h.run('restore mattermost --undo --confirm mattermost', alice);
    expect(undo.reply.tone).toBe('good');
    const after = h.gateway.objects.get('chat/mattermost')!;
    expect((after.spec as { database: { external: { secret: string } } }).database.external.secret).toBe('mattermost-db');
    expect((after.metadata as { annotations?: Record<string, string> }).annotations?.['matterops.io/previous-database-secret']).toBeUndefined();
  });

  it('where the operator does not mount the DataSource, sets it from the new Secret while no pod runs, and --undo removes it', async () => {
    const { h, store } = harness();
    succeedingRunner(h);
    h.gateway.mountsDataSource = false;
    h.gateway.settle('chat', 'mattermost');
    store.putBackup(metadata('20261127-080000-aaaa'));
    const { reply, text } = await h.run('restore mattermost 20261127-080000-aaaa --confirm mattermost', alice);
    expect(reply.tone).toBe('good');
    const cr = h.gateway.objects.get('chat/mattermost')!;
    const secret = (cr.spec as { database: { external: { secret: string } } }).database.external.secret;
    expect(cr.spec.mattermostEnv).toEqual([{ name: 'MM_SQLSETTINGS_DATASOURCE', valueFrom: { secretKeyRef: { name: secret, key: 'DB_CONNECTION_STRING' } } }]);
    expect((cr.metadata as { annotations?: Record<string, string> }).annotations?.['matterops.io/restored-datasource-env']).toBe('added');
    expect(text).toContain(`matterops sets it in spec.mattermostEnv from Secret ${secret}`);
    expect(text).toContain(`MM_SQLSETTINGS_DATASOURCE comes from Secret ${secret} on all 2 pods`);
    const undo = await h.run('restore mattermost --undo --confirm mattermost', alice);
    expect(undo.reply.tone).toBe('good');
    expect(h.gateway.objects.get('chat/mattermost')!.spec.mattermostEnv).toEqual([]);
  }, 15_000);

  it("replaces the installation's own DataSource entry (it wins over the operator's), keeps the other entries, and --undo points it at the old Secret", async () => {
    const { h, store } = harness();
    succeedingRunner(h);
    h.gateway.objects.get('chat/mattermost')!.spec.mattermostEnv = [
      { name: 'MM_LOGSETTINGS_CONSOLELEVEL', value: 'DEBUG' },
      { name: 'MM_SQLSETTINGS_DATASOURCE', value: 'postgres://mmuser:old-password@old-host:5432/mattermost' },
    ];
    h.gateway.settle('chat', 'mattermost');
    store.putBackup(metadata('20261127-080000-aaaa'));
    const { reply, text } = await h.run('restore mattermost 20261127-080000-aaaa --confirm mattermost', alice);
    expect(reply.tone).toBe('good');
    expect(text).not.toContain('old-password');
    const cr = h.gateway.objects.get('chat/mattermost')!;
    const secret = (cr.spec as { database: { external: { secret: string } } }).database.external.secret;
    expect(cr.spec.mattermostEnv).toEqual([
      { name: 'MM_LOGSETTINGS_CONSOLELEVEL', value: 'DEBUG' },
      { name: 'MM_SQLSETTINGS_DATASOURCE', valueFrom: { secretKeyRef: { name: secret, key: 'DB_CONNECTION_STRING' } } },
    ]);
    expect(text).toContain("The installation's own MM_SQLSETTINGS_DATASOURCE (in spec.mattermostEnv) wins over the operator's");
    await h.run('restore mattermost --undo --confirm mattermost', alice);
    expect(h.gateway.objects.get('chat/mattermost')!.spec.mattermostEnv).toEqual([
      { name: 'MM_LOGSETTINGS_CONSOLELEVEL', value: 'DEBUG' },
      { name: 'MM_SQLSETTINGS_DATASOURCE', valueFrom: { secretKeyRef: { name: 'mattermost-db', key: 'DB_CONNECTION_STRING' } } },
    ]);
  }, 15_000);

  it('fails the restore at the check when the pods still do not take the DataSource from the new Secret, saying what to run', async () => {
    const { h, store } = harness();
    succeedingRunner(h);
    store.putBackup(metadata('20261127-080000-aaaa'));
    const planned = await h.run('restore mattermost 20261127-080000-aaaa', alice); // planned while the operator mounts it
    expect(planned.text).toContain('The operator mounts MM_SQLSETTINGS_DATASOURCE');
    h.gateway.mountsDataSource = false; // ... and an operator that does not starts the pods
    // "now" moves only by hand here: move it on while the check polls, so its deadline comes.
    const ticking = setInterval(() => h.clock.advance(1_000), 100);
    const { reply, text } = await h.run(`confirm ${planned.reply.pending!.code} mattermost`, alice).finally(() => clearInterval(ticking));
    expect(text).toContain('not done by the deadline'); // the check never saw the pods take it from the Secret
    expect(reply.tone).toBe('danger');
    expect(text).toContain('2 of 2 pods take MM_SQLSETTINGS_DATASOURCE from nowhere (not set)');
    expect(text).toContain('restore mattermost --undo to switch back');
  }, 15_000);

  it('a failed restore Job stops before anything is switched and says where things stand', async () => {
    const { h, store } = harness();
    store.putBackup(metadata('20261127-080000-aaaa'));
    h.gateway.jobRunner = (job) => {
      const op = (job.metadata as unknown as { labels: Record<string, string> }).labels['matterops.io/operation'];
      if (op === 'backup') return { succeeded: true, message: '' };
      return { succeeded: false, message: JSON.stringify({ ok: false, operation: 'restore', stage: 'checksum', error: 'the dump does not match its sha256' }) };
    };
    const { text } = await h.run('restore mattermost 20261127-080000-aaaa --confirm mattermost', alice);
    expect(text).toContain('restore failed at checksum: the dump does not match its sha256');
    expect(text).toContain('Nothing was switched: the installation runs on its own database (Secret mattermost-db).');
    const cr = h.gateway.objects.get('chat/mattermost')!;
    expect(cr.spec.replicas).toBe(2);
    expect((cr.spec as { database: { external: { secret: string } } }).database.external.secret).toBe('mattermost-db');
  });

  it('refuses a backup that is not in the store, or incomplete, naming the command that lists them', async () => {
    const { h, store } = harness();
    store.plant('backups/chat/mattermost/20261127-080000-bbbb/dump.pgcustom', 'half');
    const missing = await h.run('restore mattermost 20261127-080000-aaaa --confirm mattermost', alice);
    expect(missing.text).toContain('there is no backup 20261127-080000-aaaa of chat/mattermost');
    expect(missing.text).toContain('backups mattermost');
    const incomplete = await h.run('restore mattermost 20261127-080000-bbbb --confirm mattermost', alice);
    expect(incomplete.text).toContain('the backup is incomplete');
    expect(jobNames(h)).toEqual([]);
  });

  it('needs a backup id or --undo, and --undo needs an earlier restore', async () => {
    const { h } = harness();
    expect((await h.run('restore mattermost', alice)).text).toContain('restore needs either a backup id or --undo');
    expect((await h.run('restore mattermost --undo --confirm mattermost', alice)).text).toContain('was not restored by matterops');
  });

  it('without approval by a second person under the two-person rule, changes nothing', async () => {
    const policy = PolicySchema.parse({
      roles: { admin: { verbs: ['*'], limits: { maxReplicas: 20, minReplicas: 0 } } },
      bindings: [{ role: 'admin', subjects: [{ user: 'alice' }, { user: 'bob' }] }],
      twoPersonRule: { namespaces: ['chat'] },
    });
    const { h, store } = harness({ policy });
    store.putBackup(metadata('20261127-080000-aaaa'));
    const { reply } = await h.run('restore mattermost 20261127-080000-aaaa --confirm mattermost', chatUser('alice'));
    expect(reply.pending?.needsApprover).toBe(true);
    const self = await h.run(`confirm ${reply.pending!.code} mattermost`, chatUser('alice'));
    expect(self.text).toMatch(/second person|someone else|not .*alice/i);
    expect(jobNames(h)).toEqual([]);
  });
});

describe('backups', () => {
  it('lists the catalog newest first and prunes exactly what its dry run listed', async () => {
    const { h, store } = harness();
    for (const id of ['20261120-080000-0001', '20261121-080000-0002', '20261122-080000-0003', '20261123-080000-0004']) store.putBackup(metadata(id));
    const list = await h.run('backups mattermost', alice);
    const ids = [...list.text.matchAll(/2026\d{4}-\d{6}-\d{4}/g)].map((m) => m[0]);
    expect(ids).toEqual(['20261123-080000-0004', '20261122-080000-0003', '20261121-080000-0002', '20261120-080000-0001']);
    const dry = await h.run('backups mattermost --prune --dry-run', alice);
    expect(dry.text).toContain('- 20261121-080000-0002');
    expect(dry.text).toContain('- 20261120-080000-0001');
    expect(dry.text).not.toContain('- 20261122-080000-0003');
    let pruned = '';
    h.gateway.jobRunner = (job) => {
      pruned = (
        job.spec as unknown as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }
      ).template.spec.containers[0]!.env.find((e) => e.name === 'MATTEROPS_PRUNE_IDS')!.value!;
      return { succeeded: true, message: '' };
    };
    const done = await h.run('backups mattermost --prune --confirm mattermost', alice);
    expect(done.reply.tone).toBe('good');
    expect(pruned).toBe('20261121-080000-0002,20261120-080000-0001');
  });

  it('pruning needs the prune-backups right, listing only backups', async () => {
    const policy = PolicySchema.parse({
      roles: { reader: { verbs: ['backups'] } },
      bindings: [{ role: 'reader', subjects: [{ terminal: '*' }] }],
    });
    const { h, store } = harness({ policy });
    for (const id of ['20261120-080000-0001', '20261121-080000-0002', '20261122-080000-0003']) store.putBackup(metadata(id));
    expect((await h.run('backups mattermost', alice)).reply.tone).toBe('info');
    const prune = await h.run('backups mattermost --prune --confirm mattermost', alice);
    expect(prune.reply.error).toBe('forbidden');
    expect(prune.text).toContain('prune-backups');
    expect(jobNames(h)).toEqual([]);
  });
});

describe('approving a prune', () => {
  it('under the two-person rule, someone with only the backups right cannot approve a prune', async () => {
    const policy = PolicySchema.parse({
      roles: { pruner: { verbs: ['backups', 'prune-backups'] }, reader: { verbs: ['backups'] } },
      bindings: [
        { role: 'pruner', subjects: [{ user: 'alice' }] },
        { role: 'reader', subjects: [{ user: 'bob' }] },
      ],
      twoPersonRule: { namespaces: ['chat'] },
    });
    const { h, store } = harness({ policy });
    for (const id of ['20261120-080000-0001', '20261121-080000-0002', '20261122-080000-0003']) store.putBackup(metadata(id));
    const { reply } = await h.run('backups mattermost --prune --confirm mattermost', chatUser('alice'));
    expect(reply.pending?.needsApprover).toBe(true);
    const bob = await h.run(`confirm ${reply.pending!.code} mattermost`, chatUser('bob'));
    expect(bob.reply.error).toBe('forbidden');
    expect(jobNames(h)).toEqual([]);
  });
});
