/** `can-i <verb> [name]`: whether the policy lets you, on which role, with which limits. */
import { z } from 'zod';
import { isMatteropsError, usageError } from '../errors.ts';
import { InstallationNameSchema, PlaceFlagsSchema, VerbWordSchema } from '../grammar/common-schemas.ts';
import type { Installation } from '../model/installation.ts';
import type { Decision } from '../policy/authorize.ts';
import { fields, reply, text, type Reply } from '../reply.ts';
import { isMissingInstallation, resolveInstallation } from '../resolve-installation.ts';
import { suggest } from '../text/did-you-mean.ts';
import { defineVerb, type Verb } from '../verb.ts';
import type { VerbContext } from '../verb-context.ts';

export const CanISchema = PlaceFlagsSchema.extend({
  verb: z.literal('can-i'),
  action: VerbWordSchema('can-i needs a command, like can-i scale mattermost'),
  name: InstallationNameSchema.optional(),
});
export type CanIOperation = z.infer<typeof CanISchema>;

/**
 * The installation as the asked verb finds it (its scope decides what exists), or undefined when it
 * is missing or hidden from that verb: can-i must not tell those two apart (issue 9, item 4).
 */
async function findAs(ctx: VerbContext, verb: string, name: string): Promise<Installation | undefined> {
  try {
    return await resolveInstallation({ ...ctx, verb }, name);
  } catch (error) {
    if (isMissingInstallation(error) || (isMatteropsError(error) && error.code === 'forbidden')) return undefined;
    throw error;
  }
}

function answer(ctx: VerbContext, verb: Verb, decision: Decision, where: string): Reply {
  if (!decision.allowed) return reply('warning', text(`no: ${decision.reason}`));
  const limits = Object.entries(decision.limits)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  return reply(
    'good',
    text(`yes: you may ${verb.name} ${where} on cluster ${ctx.scope.cluster} (${verb.risk})`),
    fields([
      { label: 'roles', value: decision.roles.join(', ') || 'anyone' },
      { label: 'limits', value: limits || 'none' },
    ]),
  );
}

export const canI = defineVerb<CanIOperation>({
  name: 'can-i',
  summary: 'whether you may run a command on an installation, and with which limits',
  usage: 'can-i <command> [name]',
  examples: ['can-i scale mattermost', 'can-i delete mattermost-staging -n staging'],
  risk: 'read',
  positionals: [
    { name: 'action', description: 'a command', required: true, complete: 'verb' },
    { name: 'name', description: 'installation', required: false, complete: 'installation' },
  ],
  flags: [],
  schema: CanISchema,
  async run(ctx, op) {
    const verb = ctx.registry.find(op.action);
    if (!verb)
      throw usageError(
        `there is no command "${op.action}"`,
        `did you mean ${
          suggest(
            op.action,
            ctx.registry.verbs.map((v) => v.name),
          )[0] ?? 'help'
        }?`,
      );
    if (!op.name) {
      const namespace = ctx.scope.namespace ?? ctx.scope.defaultNamespace;
      return answer(ctx, verb, ctx.access.decide(verb.name, namespace), `namespace ${namespace}`);
    }
    const installation = await findAs(ctx, verb.name, op.name);
    if (!installation) {
      const where = ctx.scope.namespace ? `in namespace ${ctx.scope.namespace} of cluster ${ctx.scope.cluster}` : `in cluster ${ctx.scope.cluster}`;
      return reply('warning', text(`no: there is no installation "${op.name}" you may ${verb.name} ${where}`));
    }
    return answer(ctx, verb, ctx.access.decide(verb.name, installation.namespace, installation.name), `${installation.namespace}/${installation.name}`);
  },
});
