/** `can-i <verb> [name]`: whether the policy lets you, on which role, with which limits. */
import { z } from 'zod';
import { usageError } from '../errors.ts';
import { InstallationNameSchema, ScopeSchema } from '../grammar/common-schemas.ts';
import { fields, reply, text } from '../reply.ts';
import { resolveInstallation } from '../resolve-installation.ts';
import { suggest } from '../text/did-you-mean.ts';
import { defineVerb } from '../verb.ts';

export const CanISchema = ScopeSchema.extend({ verb: z.literal('can-i'), action: z.string({ error: 'can-i needs a command, like can-i scale mattermost' }), name: InstallationNameSchema.optional() });
export type CanIOperation = z.infer<typeof CanISchema>;

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
    if (!verb) throw usageError(`there is no command "${op.action}"`, `did you mean ${suggest(op.action, ctx.registry.verbs.map((v) => v.name))[0] ?? 'help'}?`);
    // Find the installation as the caller would, without letting can-i's own right decide.
    const installation = op.name ? await resolveInstallation({ ...ctx, verb: 'can-i' }, op.name) : undefined;
    const namespace = installation?.namespace ?? ctx.scope.namespace ?? ctx.scope.defaultNamespace;
    const decision = ctx.access.decide(verb.name, namespace, installation?.name);
    const where = installation ? `${installation.namespace}/${installation.name}` : `namespace ${namespace}`;
    if (!decision.allowed) return reply('warning', text(`no: ${decision.reason}`));
    const limits = Object.entries(decision.limits).map(([k, v]) => `${k} ${String(v)}`).join(', ');
    return reply('good', text(`yes: you may ${verb.name} ${where} on cluster ${ctx.scope.cluster} (${verb.risk})`),
      fields([{ label: 'roles', value: decision.roles.join(', ') || 'anyone' }, { label: 'limits', value: limits || 'none' }]));
  },
});
