/**
 * `scale <name> <replicas>`: merge-patches `spec.replicas` only. Never `size`, which the operator
 * turns into replicas and erases; the CRD has no scale subresource (reference/mattermost.md A.2).
 * Scaling to 0 or down by more than half is a danger operation.
 */
import { z } from 'zod';
import { ChangeVerbFlagsSchema } from '../grammar/change-flags.ts';
import { InstallationNameSchema, WholeNumberSchema } from '../grammar/common-schemas.ts';
import type { ChangeDraft } from '../model/draft.ts';
import { undoOf } from '../model/undo.ts';
import { resolveInstallation, targetOf } from '../resolve-installation.ts';
import { defineChange } from '../verb.ts';
import { writeThenWait } from '../change/installation-steps.ts';

export const ReplicasSchema = WholeNumberSchema('replicas', { min: 0, max: 1000, example: '3' });

export const ScaleSchema = ChangeVerbFlagsSchema.extend({ verb: z.literal('scale'), name: InstallationNameSchema, replicas: ReplicasSchema });
export type ScaleOperation = z.infer<typeof ScaleSchema>;

/** Danger when it stops the installation or removes more than half of its pods at once. */
export function scaleRisk(from: number, to: number): 'change' | 'danger' {
  return to === 0 || to < from / 2 ? 'danger' : 'change';
}

export const scale = defineChange<ScaleOperation>({
  name: 'scale',
  summary: 'set the number of Mattermost pods and follow the rollout to stable',
  usage: 'scale <name> <replicas>',
  examples: ['scale mattermost 5', 'scale mattermost 2 --dry-run'],
  risk: 'change',
  positionals: [
    { name: 'name', description: 'installation', required: true, complete: 'installation' },
    { name: 'replicas', description: 'number of pods', required: true },
  ],
  flags: [],
  schema: ScaleSchema,
  async plan(ctx, op): Promise<ChangeDraft> {
    const before = await resolveInstallation(ctx, op.name);
    const from = before.spec.replicas ?? 1;
    // Back to the replicas written before; none when the CR had none (its size preset decided).
    const undo = before.spec.replicas !== undefined ? undoOf('scale', [before.name, String(from)]) : undefined;
    return {
      kind: 'change',
      target: targetOf(ctx, before),
      before,
      steps: writeThenWait(targetOf(ctx, before), { kind: 'patch', patch: { spec: { replicas: op.replicas } } }, before, 'stable'),
      risk: scaleRisk(from, op.replicas),
      summary: `scale ${before.namespace}/${before.name}: replicas ${from} -> ${op.replicas}`,
      notes: op.replicas === 0 ? ['Scaling to 0 stops Mattermost: nobody can use it until it is scaled up again.'] : [],
      limits: { replicas: op.replicas },
      ...(undo ? { undo } : {}),
    };
  },
});
