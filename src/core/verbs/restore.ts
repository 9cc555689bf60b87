/**
 * `restore <name> <backup-id>` and `restore <name> --undo` (danger, typed confirmation; the policy
 * may demand a second approver). Never in place: the current database is backed up first, the
 * backup is restored into a new database beside it and verified (runner Jobs), and only then is
 * the installation stopped, switched to a new Secret pointing at the restored database, and
 * started again. The old database and its Secret stay for `--undo`, which switches back. Every step
 * is data in the plan and resumable, so a restarted matterops continues at the step it had reached;
 * a failure stops at its step and says where things stand.
 */
import { z } from 'zod';
import type { ChangeDraft } from '../model/draft.ts';
import { derivedDatabaseName, runJob, type RunnerJobRequest } from '../change/runner-job.ts';
import { MatteropsError, usageError } from '../errors.ts';
import { ChangeVerbFlagsSchema } from '../grammar/change-flags.ts';
import { InstallationNameSchema } from '../grammar/common-schemas.ts';
import { BackupIdSchema, newBackupId, runnerEnv } from '../model/backup.ts';
import type { BackupSettings } from '../model/backup-settings.ts';
import { usernameOf } from '../model/caller.ts';
import { restoreAnnotations, type Installation } from '../model/installation.ts';
import type { InstallationRef } from '../model/installation-ref.ts';
import { kinds } from '../model/resource.ts';
import type { Step } from '../model/step.ts';
import { resolveInstallation, targetOf } from '../resolve-installation.ts';
import { defineChange } from '../verb.ts';
import type { VerbContext } from '../verb-context.ts';
import { enabledBackups } from './backup-access.ts';
import { dataSourceCheck, dataSourceEnv, planDataSource, undoDataSource } from './restore-datasource.ts';

export const RestoreSchema = ChangeVerbFlagsSchema.extend({
  verb: z.literal('restore'),
  name: InstallationNameSchema,
  backupId: BackupIdSchema.optional(),
  undo: z.boolean().optional(),
});
export type RestoreOperation = z.infer<typeof RestoreSchema>;

/** A resumable merge patch of the installation's CR (no precondition: the operator writes status meanwhile). */
const patchInstallation = (target: InstallationRef, patch: Record<string, unknown>): Step => ({
  kind: 'write',
  resource: kinds.mattermost,
  namespace: target.namespace,
  name: target.name,
  action: { kind: 'patch', patch },
  resumable: true,
});

const wait = (target: InstallationRef, until: 'replicas-gone' | 'stable', ifFailed: string): Step => ({
  kind: 'wait',
  until,
  namespace: target.namespace,
  name: target.name,
  ifFailed,
});

interface Switch {
  replicas: number;
  /** The Secret switched to, and the one switched from. */
  secret: string;
  from: string;
  /** What the CR's annotations record of the switch (null removes one). */
  annotations: Record<string, string | null>;
  /** Where things stand when the installation does not become stable on the new Secret. */
  ifNotStable: string;
  /** The env write for the DataSource, made while no pod runs (restore-datasource.ts). */
  envWrite: Step | undefined;
  /** Whether the pods must take the DataSource from the Secret switched to. */
  checked: boolean;
}

/**
 * Stop every pod, set the DataSource where the operator would not, switch the database Secret (and
 * the annotations that say from what), start again, and check that the pods take the DataSource
 * from the Secret switched to.
 */
function switchSteps(target: InstallationRef, { replicas, secret, from, annotations, ifNotStable, envWrite, checked }: Switch): Step[] {
  const stopped = `The installation is scaled to 0 on its database (Secret ${from}), not switched yet: to start it again as it was, type scale ${target.name} ${replicas}.`;
  return [
    patchInstallation(target, { spec: { replicas: 0 } }),
    wait(target, 'replicas-gone', stopped),
    ...(envWrite ? [envWrite] : []),
    patchInstallation(target, { metadata: { annotations }, spec: { replicas, database: { external: { secret } } } }),
    wait(target, 'stable', ifNotStable),
    ...dataSourceCheck(
      target,
      secret,
      { replicas, checked },
      `The installation runs on Secret ${secret}, but its pods do not take ${dataSourceEnv} from it, so Mattermost may use the DataSource of its stored configuration: type env ${target.name} list, and restore ${target.name} --undo to switch back.`,
    ),
  ];
}

async function restorePlan(ctx: VerbContext, settings: BackupSettings, before: Installation, backupId: string): Promise<ChangeDraft> {
  const { store } = enabledBackups(ctx);
  const found = (await store.list(before)).find((b) => b.id === backupId);
  if (!found?.metadata || !found.dump) {
    const why = !found
      ? 'there is no backup'
      : !found.metadata
        ? 'the backup is incomplete (it has no metadata)'
        : 'the dump of the backup is gone from the store';
    throw new MatteropsError('not_found', `${why} ${backupId} of ${before.namespace}/${before.name}`, `type backups ${before.name} for the ones there are`);
  }
  const target = targetOf(ctx, before);
  const now = ctx.clock.now();
  const safety = newBackupId(now);
  const run = newBackupId(new Date(now.getTime() + 1000));
  const database = derivedDatabaseName(before.name, 'restore', run);
  const secret = `${before.name}-db-restored-${run}`;
  const previous = before.spec.databaseSecret ?? '?';
  const replicas = before.spec.replicas ?? 1;
  const common: Omit<RunnerJobRequest, 'operation' | 'runId' | 'backupId'> = {
    installation: before,
    requestedBy: usernameOf(ctx.caller),
  };
  const untouched = `Nothing was switched: the installation runs on its own database (Secret ${previous}).`;
  const dataSource = await planDataSource(ctx, target, before, secret);
  return {
    kind: 'change',
    target,
    before,
    steps: [
      ...runJob(
        settings,
        { ...common, operation: 'backup', runId: safety, backupId: safety, note: `before restore of ${backupId}` },
        { resumable: true, ifFailed: untouched },
      ),
      ...runJob(
        settings,
        { ...common, operation: 'restore', runId: run, backupId, admin: true, env: { [runnerEnv.targetDatabase]: database, [runnerEnv.targetSecret]: secret } },
        {
          resumable: true,
          ifFailed: `${untouched} The runner drops a half-restored database ${database}; backup ${safety} of the current database is in the store.`,
        },
      ),
      ...switchSteps(target, {
        replicas,
        secret,
        from: previous,
        ifNotStable: `The installation is switched to Secret ${secret} but not stable: type status ${before.name} to see why; restore ${before.name} --undo switches back.`,
        annotations: {
          [restoreAnnotations.previousSecret]: previous,
          [restoreAnnotations.backupId]: backupId,
          [restoreAnnotations.restoredAt]: now.toISOString(),
          [restoreAnnotations.dataSourceEnv]: dataSource.annotation,
        },
        envWrite: dataSource.write,
        checked: true,
      }),
    ],
    risk: 'danger',
    confirmWord: before.name,
    summary: `restore ${before.namespace}/${before.name} from backup ${backupId} into database ${database}`,
    notes: [
      `1. back up the current database (backup ${safety});`,
      `2. restore backup ${backupId} (${found.metadata.finishedAt}, sha256 ${found.metadata.sha256.slice(0, 16)}…) into a new database ${database} on the same server, check its sha256, row counts and schema, and write Secret ${secret} for it;`,
      `3. scale to 0 (Mattermost is down from here), wait until no pod serves;`,
      `4. switch the installation to Secret ${secret}, scale back to ${replicas}, wait for stable${replicas ? `, check that the pods take ${dataSourceEnv} from it` : ''}.`,
      dataSource.note,
      `The old database stays, in Secret ${previous}: restore ${before.name} --undo switches back.`,
    ],
    doneNotes: [
      `Restored backup ${backupId} into database ${database}; the installation runs on it through Secret ${secret}. Backup ${safety} holds the database as it was.`,
      dataSource.note,
      `The old database stays, in Secret ${previous}: restore ${before.name} --undo switches back.`,
    ],
  };
}

function undoPlan(ctx: VerbContext, before: Installation): ChangeDraft {
  const from = before.spec.restoredFrom;
  if (!from) {
    throw new MatteropsError(
      'invalid',
      `${before.namespace}/${before.name} was not restored by matterops, so there is nothing to undo`,
      `restore ${before.name} <backup-id> restores a backup`,
    );
  }
  const target = targetOf(ctx, before);
  const current = before.spec.databaseSecret ?? '?';
  const cleared = {
    [restoreAnnotations.previousSecret]: null,
    [restoreAnnotations.backupId]: null,
    [restoreAnnotations.restoredAt]: null,
    [restoreAnnotations.dataSourceEnv]: null,
  };
  const dataSource = undoDataSource(target, before, from.previousSecret);
  return {
    kind: 'change',
    target,
    before,
    steps: switchSteps(target, {
      replicas: before.spec.replicas ?? 1,
      secret: from.previousSecret,
      from: current,
      annotations: cleared,
      envWrite: dataSource.write,
      checked: dataSource.checked,
      // The undo has cleared what a second --undo would read: the way back is a restore, or by hand.
      ifNotStable: `The installation is switched back to Secret ${from.previousSecret} but not stable: type status ${before.name} to see why; the restored database stays in Secret ${current}.`,
    }),
    risk: 'danger',
    confirmWord: before.name,
    summary: `restore ${before.namespace}/${before.name} --undo: back to Secret ${from.previousSecret} (undoing backup ${from.backupId}, restored ${from.restoredAt})`,
    notes: [
      `Scale to 0, switch the installation back to Secret ${from.previousSecret}, scale back to ${before.spec.replicas ?? 1}, wait for stable.`,
      dataSource.note,
      `The restored database stays, in Secret ${current}; what was written to it since the restore is not in the old one.`,
    ],
    doneNotes: [`Back on Secret ${from.previousSecret}; the restored database stays, in Secret ${current}.`],
  };
}

export const restore = defineChange<RestoreOperation>({
  name: 'restore',
  summary: 'restore a backup into a new database and switch the installation to it (never in place); --undo switches back',
  usage: 'restore <name> <backup-id> | restore <name> --undo',
  examples: ['restore mattermost-staging 20261201-231800-a1b2', 'restore mattermost-staging --undo'],
  risk: 'danger',
  positionals: [
    { name: 'name', description: 'installation', required: true, complete: 'installation' },
    { name: 'backupId', description: 'backup id (see backups <name>)', required: false },
  ],
  flags: [{ name: 'undo', kind: 'boolean', description: 'switch back to the database the last restore replaced' }],
  schema: RestoreSchema,
  async plan(ctx, op): Promise<ChangeDraft> {
    if (Boolean(op.undo) === Boolean(op.backupId)) {
      throw usageError(
        'restore needs either a backup id or --undo',
        `type restore ${op.name} <backup-id> (backups ${op.name} lists them), or restore ${op.name} --undo`,
      );
    }
    const { settings } = enabledBackups(ctx);
    const before = await resolveInstallation(ctx, op.name);
    return op.backupId ? await restorePlan(ctx, settings, before, op.backupId) : undoPlan(ctx, before);
  },
});
