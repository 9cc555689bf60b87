/**
 * `restart <name>`: a rolling restart through `spec.podTemplate.extraAnnotations` (a timestamp), the
 * only way that survives the operator, which reverts edits of its Deployment.
 */
import { z } from 'zod';
import { ChangeVerbFlagsSchema } from '../grammar/change-flags.ts';
import { InstallationNameSchema } from '../grammar/common-schemas.ts';
import type { ChangeDraft } from '../model/draft.ts';
import { resolveInstallation, targetOf } from '../resolve-installation.ts';
import { defineChange } from '../verb.ts';
import { writeThenWait } from '../change/installation-steps.ts';

export const restartAnnotation = 'matterops.io/restarted-at';

export const RestartSchema = ChangeVerbFlagsSchema.extend({ verb: z.literal('restart'), name: InstallationNameSchema });
export type RestartOperation = z.infer<typeof RestartSchema>;

export const restart = defineChange<RestartOperation>({
  name: 'restart',
  summary: 'rolling restart of every pod, one at a time',
  usage: 'restart <name>',
  examples: ['restart mattermost'],
  risk: 'change',
  positionals: [{ name: 'name', description: 'installation', required: true, complete: 'installation' }],
  flags: [],
  schema: RestartSchema,
  async plan(ctx, op): Promise<ChangeDraft> {
    const before = await resolveInstallation(ctx, op.name);
    const stamp = ctx.clock.now().toISOString();
    return {
      kind: 'change',
      target: targetOf(ctx, before),
      before,
      steps: writeThenWait(
        targetOf(ctx, before),
        { kind: 'patch', patch: { spec: { podTemplate: { extraAnnotations: { [restartAnnotation]: stamp } } } } },
        before,
        'stable',
      ),
      risk: 'change',
      summary: `restart ${before.namespace}/${before.name}`,
      notes: [`Pods are replaced one at a time (maxSurge 1, maxUnavailable 0): ${before.spec.replicas ?? 1} stay serving throughout.`],
    };
  },
});
