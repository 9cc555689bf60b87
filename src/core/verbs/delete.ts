/**
 * `delete <name>`: danger; confirmed by typing the installation's name. Says what the operator
 * removes and what stays, since the database and the filestore outlive the installation.
 */
import { z } from 'zod';
import { ChangeVerbFlagsSchema } from '../grammar/change-flags.ts';
import { InstallationNameSchema } from '../grammar/common-schemas.ts';
import type { ChangeDraft } from '../model/draft.ts';
import { resolveInstallation, targetOf } from '../resolve-installation.ts';
import { defineChange } from '../verb.ts';
import { writeThenWait } from '../change/installation-steps.ts';

export const DeleteSchema = ChangeVerbFlagsSchema.extend({ verb: z.literal('delete'), name: InstallationNameSchema });
export type DeleteOperation = z.infer<typeof DeleteSchema>;

export const remove = defineChange<DeleteOperation>({
  name: 'delete',
  summary: 'delete an installation (its database and files stay)',
  usage: 'delete <name>',
  examples: ['delete mattermost-staging', 'delete mattermost-staging --confirm mattermost-staging'],
  risk: 'danger',
  positionals: [{ name: 'name', description: 'installation', required: true, complete: 'installation' }],
  flags: [],
  schema: DeleteSchema,
  async plan(ctx, op): Promise<ChangeDraft> {
    const before = await resolveInstallation(ctx, op.name);
    return {
      kind: 'change',
      target: targetOf(ctx, before),
      before,
      steps: writeThenWait(targetOf(ctx, before), { kind: 'delete' }, before, 'deleted'),
      risk: 'danger',
      summary: `delete ${before.namespace}/${before.name}`,
      notes: [
        `The operator removes the Deployment, pods, Service, Ingress and RBAC of ${before.name}: Mattermost stops for everyone using it.`,
        `It keeps the database (${before.spec.database}) and the filestore (${before.spec.fileStore}); delete them yourself if you mean to.`,
      ],
      confirmWord: before.name,
    };
  },
});
