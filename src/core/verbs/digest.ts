/**
 * `digest [name|all]`: the status digest a schedule would post, now, for the caller only (issue 13).
 * It shows the installations the caller may `status`; "changed" covers the last 24 h, as a
 * preview has no last digest to compare with.
 */
import { z } from 'zod';
import { gatherDigest, incidentStoreFor } from '../digest/gather-digest.ts';
import { digestReply } from '../digest/digest-reply.ts';
import { InstallationNameSchema, PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import type { ScheduleScope } from '../model/schedule.ts';
import { resolveInstallation } from '../resolve-installation.ts';
import type { VerbContext } from '../verb-context.ts';
import { defineVerb } from '../verb.ts';

export const DigestSchema = PlaceFlagsSchema.extend({ verb: z.literal('digest'), name: z.union([z.literal('all'), InstallationNameSchema]).optional() });
export type DigestOperation = z.infer<typeof DigestSchema>;

async function scopeOf(ctx: VerbContext, name: string | undefined): Promise<ScheduleScope> {
  if (name === undefined || name === 'all') return { all: true };
  const i = await resolveInstallation(ctx, name);
  return { namespace: i.namespace, name: i.name };
}

export const digest = defineVerb<DigestOperation>({
  name: 'digest',
  summary: 'the status digest a schedule posts, now and only for you: worst first, healthy ones one line each',
  usage: 'digest [name|all]',
  examples: ['digest', 'digest mattermost'],
  risk: 'read',
  positionals: [{ name: 'name', description: 'installation, or all (the default)', required: false, complete: 'installation' }],
  flags: [],
  schema: DigestSchema,
  async run(ctx, op) {
    const d = await gatherDigest(
      {
        gateway: ctx.gateway,
        cluster: ctx.scope.cluster,
        mayView: (namespace, name) => ctx.access.decide('status', namespace, name).allowed,
        backups: ctx.backups,
        audit: ctx.audit,
        ...incidentStoreFor(ctx.incidents, ctx.scope.cluster),
      },
      { scope: await scopeOf(ctx, op.name), at: ctx.clock.now() },
    );
    return { ...digestReply(d, { timeZone: 'UTC', title: 'Digest preview' }), privately: true };
  },
});
