/**
 * `backups <name>`: the catalog, newest first, from the store's objects and the runner Jobs.
 * `backups <name> --prune [--dry-run]`: deletes what the retention rules do not keep (and leftovers
 * of failed backups), exactly the list the plan shows, through a runner Job (the bot only reads
 * the store). Deleting backups cannot be undone: danger, confirmed by typing the name, and it
 * needs the policy right `prune-backups` besides `backups`.
 */
import { z } from 'zod';
import type { Draft } from '../model/draft.ts';
import { ChangeVerbFlagsSchema } from '../grammar/change-flags.ts';
import { InstallationNameSchema } from '../grammar/common-schemas.ts';
import { planPrune, type PrunePlan } from '../model/backup-prune-plan.ts';
import { newBackupId } from '../model/backup.ts';
import { reply, text } from '../reply.ts';
import { resolveInstallation, targetOf } from '../resolve-installation.ts';
import { defineChange } from '../verb.ts';
import { enabledBackups, readCatalog } from './backup-access.ts';
import { catalogReply } from './backup-catalog-reply.ts';
import { pruneSteps, retentionShown } from './prune-steps.ts';

export const BackupsSchema = ChangeVerbFlagsSchema.extend({ verb: z.literal('backups'), name: InstallationNameSchema, prune: z.boolean().optional() });
export type BackupsOperation = z.infer<typeof BackupsSchema>;

const pruneNotes = (plan: PrunePlan): string[] => [
  `Deletes ${plan.remove.length} backup${plan.remove.length === 1 ? '' : 's'} (dump, metadata, verification), which cannot be undone:`,
  ...plan.remove.map((r) => `- ${r.id}: ${r.reason}`),
  `Keeps ${plan.keep.length}: ${plan.keep.map((k) => `${k.id} (${k.reasons.join(', ')})`).join('; ') || 'none'}.`,
];

export const backups = defineChange<BackupsOperation>({
  name: 'backups',
  summary: 'the backups of an installation, newest first; --prune deletes what retention does not keep',
  usage: 'backups <name> [--prune [--dry-run]]',
  examples: ['backups mattermost', 'backups mattermost --prune --dry-run'],
  risk: 'read',
  positionals: [{ name: 'name', description: 'installation', required: true, complete: 'installation' }],
  flags: [{ name: 'prune', kind: 'boolean', description: 'delete the backups the retention rules do not keep (with --dry-run: only show them)' }],
  schema: BackupsSchema,
  async plan(ctx, op): Promise<Draft> {
    const { settings, store } = enabledBackups(ctx);
    const before = await resolveInstallation(ctx, op.name);
    const target = targetOf(ctx, before);
    const rows = await readCatalog(ctx, before);
    if (!op.prune) return { kind: 'no-change', reply: catalogReply(before, store.location, rows, ctx.clock.now()), authorizeAs: 'backups', target };
    const plan = planPrune(rows, settings.retention);
    if (!plan.remove.length) {
      return {
        kind: 'no-change',
        reply: reply('info', text(`nothing to prune: ${retentionShown(settings.retention)} keeps all ${plan.keep.length}`)),
        authorizeAs: 'backups',
        target,
      };
    }
    const runId = newBackupId(ctx.clock.now());
    return {
      kind: 'change',
      target,
      before,
      steps: pruneSteps(ctx, settings, { installation: before, runId, ids: plan.remove.map((r) => r.id) }),
      risk: 'danger',
      confirmWord: before.name,
      authorizeAs: 'prune-backups',
      summary: `prune backups of ${before.namespace}/${before.name}: ${plan.remove.map((r) => r.id).join(', ')}`,
      notes: [`Retention: ${retentionShown(settings.retention)}.`, ...pruneNotes(plan)],
    };
  },
});
