/** `whoami`: who matterops thinks you are, which cluster identity acts for you, and your defaults. */
import { z } from 'zod';
import { PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import { alwaysAllowed } from '../policy/policy-schema.ts';
import { fields, reply, text } from '../reply.ts';
import { defineVerb } from '../verb.ts';

export const WhoamiSchema = PlaceFlagsSchema.extend({ verb: z.literal('whoami') });
export type WhoamiOperation = z.infer<typeof WhoamiSchema>;

export const whoami = defineVerb<WhoamiOperation>({
  name: 'whoami',
  summary: 'your identity, the cluster identity acting for you, and your defaults',
  usage: 'whoami',
  examples: ['whoami'],
  risk: 'read',
  positionals: [],
  flags: [],
  schema: WhoamiSchema,
  async run(ctx) {
    const mayUse = ctx.registry.verbs.filter((v) => ctx.access.mayUse(v.name)).map((v) => v.name);
    // Someone no role names learns who they are and nothing about the cluster behind the bot.
    if (mayUse.every((verb) => alwaysAllowed.has(verb))) {
      return reply(
        'info',
        fields([
          { label: 'you', value: `${ctx.caller.name} (via ${ctx.caller.via})` },
          { label: 'may use', value: mayUse.join(', ') },
        ]),
        text('No role in the matterops policy names you: ask an admin to bind you to one.'),
      );
    }
    const identity = await ctx.gateway.whoAmI();
    return reply(
      'info',
      fields([
        { label: 'you', value: `${ctx.caller.name} (via ${ctx.caller.via})` },
        { label: 'cluster', value: `${ctx.scope.cluster} (${ctx.gateway.server})` },
        { label: 'acting as', value: `${identity.username}${identity.groups.length ? ` (groups ${identity.groups.join(', ')})` : ''}` },
        { label: 'namespace', value: ctx.scope.namespace ?? `${ctx.scope.defaultNamespace} (default)` },
        // Only the clusters this caller may use: the others are nobody else's business either.
        { label: 'clusters', value: ctx.access.clusters.join(', ') },
        { label: 'may use', value: mayUse.join(', ') },
      ]),
    );
  },
});
