/** `version`: matterops and the cluster's Kubernetes version. */
import { z } from 'zod';
import { PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import { fields, reply } from '../reply.ts';
import { defineVerb } from '../verb.ts';

export const VersionSchema = PlaceFlagsSchema.extend({ verb: z.literal('version') });
export type VersionOperation = z.infer<typeof VersionSchema>;

export const version = defineVerb<VersionOperation>({
  name: 'version',
  summary: 'matterops and Kubernetes versions',
  usage: 'version',
  examples: ['version'],
  risk: 'read',
  positionals: [],
  flags: [],
  schema: VersionSchema,
  async run(ctx) {
    return reply(
      'info',
      fields([
        { label: 'matterops', value: ctx.version },
        { label: `kubernetes (${ctx.scope.cluster})`, value: await ctx.gateway.serverVersion() },
      ]),
    );
  },
});
