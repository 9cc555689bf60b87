/**
 * `backup <name> [--note "..."] [--drill]`: a runner Job in the installation's namespace dumps its
 * database to the backup store (docs/backups.md), followed like any change and locked per
 * installation; the outcome names the backup id, size, sha256, duration and where it is. With
 * `--drill`, the Job instead restores the latest good backup into a scratch database, verifies
 * it, drops it and marks the backup verified.
 */
import { z } from 'zod';
import type { ChangeDraft } from '../model/draft.ts';
import { derivedDatabaseName, runJob } from '../change/runner-job.ts';
import { MatteropsError } from '../errors.ts';
import { ChangeVerbFlagsSchema } from '../grammar/change-flags.ts';
import { InstallationNameSchema } from '../grammar/common-schemas.ts';
import { backupIdTime, newBackupId, runnerEnv } from '../model/backup.ts';
import type { CatalogRow } from '../model/backup-catalog.ts';
import { planPrune } from '../model/backup-prune-plan.ts';
import type { BackupSettings } from '../model/backup-settings.ts';
import type { Installation } from '../model/installation.ts';
import { isRetentionOn } from '../model/retention.ts';
import type { Step } from '../model/step.ts';
import type { VerbContext } from '../verb-context.ts';
import { pruneSteps, retentionShown } from './prune-steps.ts';
import { usernameOf } from '../model/caller.ts';
import { resolveInstallation, targetOf } from '../resolve-installation.ts';
import { defineChange } from '../verb.ts';
import { enabledBackups, latestGoodBackup, readCatalog } from './backup-access.ts';

export const BackupSchema = ChangeVerbFlagsSchema.extend({
  verb: z.literal('backup'),
  name: InstallationNameSchema,
  note: z
    .string()
    .max(200, { error: 'a note is at most 200 characters' })
    .regex(/^[^\n\r]*$/, { error: 'a note is one line' })
    .optional(),
  drill: z.boolean().optional(),
});
export type BackupOperation = z.infer<typeof BackupSchema>;

/**
 * Retention is applied after every good backup: the prune the rules make once this backup is in
 * the catalog, planned now (so the plan shows it) and run only if the backup succeeded.
 */
async function retentionAfter(
  ctx: VerbContext,
  settings: BackupSettings,
  installation: Installation,
  runId: string,
): Promise<{ steps: Step[]; notes: string[] }> {
  if (!isRetentionOn(settings.retention)) return { steps: [], notes: [] };
  const rows = await readCatalog(ctx, installation);
  const made: CatalogRow = {
    id: runId,
    time: backupIdTime(runId),
    sizeBytes: undefined,
    requestedBy: undefined,
    note: undefined,
    state: 'ok',
    reason: undefined,
    verifiedAt: undefined,
    stored: true,
    leftover: false,
  };
  const plan = planPrune([made, ...rows], settings.retention);
  if (!plan.remove.length) return { steps: [], notes: [`Retention (${retentionShown(settings.retention)}) deletes nothing after it.`] };
  const ids = plan.remove.map((r) => r.id);
  return {
    steps: pruneSteps(ctx, settings, { installation, runId: newBackupId(new Date(ctx.clock.now().getTime() + 1000)), ids }),
    notes: [`If it succeeds, retention (${retentionShown(settings.retention)}) then deletes ${ids.join(', ')}.`],
  };
}

export const backup = defineChange<BackupOperation>({
  name: 'backup',
  summary: "dump the installation's database to the backup store (or, with --drill, prove the latest backup restores)",
  usage: 'backup <name> [--note "text"] [--drill]',
  examples: ['backup mattermost --note "before upgrade"', 'backup mattermost --drill'],
  risk: 'change',
  positionals: [{ name: 'name', description: 'installation', required: true, complete: 'installation' }],
  flags: [
    { name: 'note', kind: 'string', placeholder: 'text', description: 'why: kept with the backup and shown in the catalog' },
    { name: 'drill', kind: 'boolean', description: 'restore the latest backup into a scratch database, verify it, drop it' },
  ],
  schema: BackupSchema,
  async plan(ctx, op): Promise<ChangeDraft> {
    const { settings, store } = enabledBackups(ctx);
    const before = await resolveInstallation(ctx, op.name);
    const target = targetOf(ctx, before);
    const runId = newBackupId(ctx.clock.now());
    const requestedBy = usernameOf(ctx.caller);
    const where = `${store.location.replace(/\/?$/, '/')}${before.namespace}/${before.name}/`;
    if (op.drill) {
      const latest = await latestGoodBackup(store, before);
      if (!latest) {
        throw new MatteropsError('not_found', `${before.namespace}/${before.name} has no good backup to drill`, `make one first: backup ${before.name}`);
      }
      const database = derivedDatabaseName(before.name, 'drill', runId);
      return {
        kind: 'change',
        target,
        before,
        steps: runJob(settings, {
          operation: 'drill',
          runId,
          backupId: latest,
          installation: before,
          requestedBy,
          ...(op.note ? { note: op.note } : {}),
          env: { [runnerEnv.targetDatabase]: database },
          admin: true,
        }),
        risk: 'change',
        summary: `drill ${before.namespace}/${before.name}: restore backup ${latest} into scratch database ${database}`,
        notes: [
          `A Job restores backup ${latest} from ${where} into a new scratch database ${database} on the same server, checks it, drops it and marks the backup verified. The installation keeps running on its own database.`,
        ],
      };
    }
    const retention = await retentionAfter(ctx, settings, before, runId);
    return {
      kind: 'change',
      target,
      before,
      steps: [
        ...runJob(settings, {
          operation: 'backup',
          runId,
          backupId: runId,
          installation: before,
          requestedBy,
          ...(op.note ? { note: op.note } : {}),
        }),
        ...retention.steps,
      ],
      risk: 'change',
      summary: `backup ${before.namespace}/${before.name} as ${runId}${op.note ? ` (${op.note})` : ''}`,
      notes: [
        `A Job runs pg_dump of the database in Secret ${before.spec.databaseSecret ?? '?'} and streams it to ${where}${runId}/; Mattermost keeps running.`,
        ...retention.notes,
      ],
    };
  },
});
