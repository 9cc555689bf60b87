/**
 * A drill schedule's run as the command it types, through the pipeline on fakes (issue 11): the
 * text is a drill the owner could have typed, and the root post's headline says how it ended:
 * the backup verified, a failure's reason, a refusal of an owner who lost the right.
 */
import { describe, expect, it } from 'vitest';
import type { BackupMetadata } from '../../../src/core/model/backup.ts';
import type { BackupSettings } from '../../../src/core/model/backup-settings.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { commandOutcome, scheduledCommand } from '../../../src/core/schedule/scheduled-command.ts';
import { FakeBackupStore } from '../../fakes/fake-backup-store.ts';
import { chatUser, createHarness, type Harness } from '../../support/core-harness.ts';

const settings: BackupSettings = {
  store: { endpoint: 'http://127.0.0.1:8333', bucket: 'fake', region: 'us-east-1', prefix: 'backups/' },
  storeSecret: 'matterops-backup-store',
  adminSecret: 'matterops-db-admin',
  runnerImage: 'matterops:0.1.0',
  serviceAccount: 'matterops-runner',
  retention: {},
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
const policy = PolicySchema.parse({
  roles: { backer: { verbs: ['schedule', 'backup', 'status'] }, scheduler: { verbs: ['schedule', 'status'] } },
  bindings: [
    { role: 'backer', subjects: [{ user: 'alice' }], scope: { namespaces: ['chat'] } },
    { role: 'scheduler', subjects: [{ user: 'bob' }], scope: { namespaces: ['chat'] } },
  ],
});
const drill = { id: 's4', kind: 'drill' as const, scope: { namespace: 'chat', name: 'mattermost' }, cluster: 'sandbox-bot' };

/** The fake kubelet: the drill Job ends as `ok` says, reporting the backup it drilled. */
function harness(ok: boolean): Harness {
  const store = new FakeBackupStore('backups/');
  store.putBackup(metadata('20261127-080000-aaaa'));
  const h = createHarness({ policy, backups: { settings, store } });
  h.gateway.seed('chat', 'mattermost', { replicas: 2 });
  h.gateway.jobRunner = () => ({
    succeeded: ok,
    message: JSON.stringify(
      ok
        ? {
            ok: true,
            operation: 'drill',
            backupId: '20261127-080000-aaaa',
            sizeBytes: 64,
            sha256: 'cd'.repeat(32),
            durationMs: 900,
            location: 's3://fake/x',
            database: 'mattermost_drill_x',
            rowCounts: {},
          }
        : { ok: false, operation: 'drill', stage: 'verify', error: 'posts has 2 rows, the backup 3' },
    ),
  });
  return h;
}

describe('a drill schedule run', () => {
  it('types backup --drill --yes of its installation, on its cluster, noted with the schedule', () => {
    expect(scheduledCommand(drill)).toBe('backup mattermost -n chat --cluster sandbox-bot --drill --yes --note "schedule s4"');
    expect(scheduledCommand({ ...drill, kind: 'status' })).toBeUndefined();
  });

  it('run as its owner, a drill that verifies the backup is "done, backup <id> verified"', async () => {
    const h = harness(true);
    const { reply } = await h.run(scheduledCommand(drill)!, chatUser('alice'));
    expect(commandOutcome(reply)).toEqual({ ok: true, headline: 'done, backup 20261127-080000-aaaa verified', detail: 'backup 20261127-080000-aaaa verified' });
    // The drill Job carries the schedule as its note (the catalog and the Job's annotations show who asked).
    const job = [...h.gateway.others.entries()].find(([k]) => k.startsWith('batch/v1/jobs/'))?.[1] as { metadata: { annotations: Record<string, string> } };
    expect(job.metadata.annotations['matterops.io/note']).toBe('schedule s4');
  });

  it('a drill that fails is "failed: <the stage and reason>"', async () => {
    const { reply } = await harness(false).run(scheduledCommand(drill)!, chatUser('alice'));
    expect(commandOutcome(reply)).toEqual({
      ok: false,
      headline: 'failed: drill failed at verify: posts has 2 rows, the backup 3',
      detail: 'drill failed at verify: posts has 2 rows, the backup 3',
    });
  });

  it('an owner without the backup right (the policy changed since) is refused at the run, and the headline says why', async () => {
    const { reply } = await harness(true).run(scheduledCommand(drill)!, chatUser('bob'));
    expect(commandOutcome(reply).ok).toBe(false);
    expect(commandOutcome(reply).headline).toMatch(/^failed: @bob may not use backup: no role in the matterops policy grants it/);
  });

  it('a command that never answered (it crashed) says so', () => {
    expect(commandOutcome(undefined)).toMatchObject({ ok: false, headline: "failed: the drill did not answer (the bot's log says why)" });
  });
});
