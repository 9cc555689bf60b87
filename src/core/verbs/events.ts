/** `events <name> [--since 1h] [--all]`: warning events (or all) of the installation and its pods. */
import { z } from 'zod';
import { DurationTextSchema, InstallationNameSchema, PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import { seenSince } from '../model/workload.ts';
import { reply, table, text } from '../reply.ts';
import { resolveInstallation } from '../resolve-installation.ts';
import { ageSince, parseDuration } from '../text/duration.ts';
import { defineVerb } from '../verb.ts';

export const EventsSchema = PlaceFlagsSchema.extend({
  verb: z.literal('events'),
  name: InstallationNameSchema,
  since: DurationTextSchema.default('1h'),
  all: z.boolean().optional(),
});
export type EventsOperation = z.infer<typeof EventsSchema>;

export const events = defineVerb<EventsOperation>({
  name: 'events',
  summary: 'warning events of an installation and its pods',
  usage: 'events <name> [--since 1h] [--all]',
  examples: ['events mattermost', 'events mattermost --since 24h --all'],
  risk: 'read',
  positionals: [{ name: 'name', description: 'installation', required: true, complete: 'installation' }],
  flags: [
    { name: 'since', kind: 'string', placeholder: 'duration', description: 'how far back (default 1h)' },
    { name: 'all', kind: 'boolean', description: 'normal events too, not only warnings' },
  ],
  schema: EventsSchema,
  async run(ctx, op) {
    const installation = await resolveInstallation(ctx, op.name);
    const now = ctx.clock.now();
    const since = new Date(now.getTime() - parseDuration(op.since, '--since'));
    const { namespace, name } = installation;
    // Warnings only: the read `status` makes, which `serve` answers from its events cache for the last hour.
    const found = op.all ? (await ctx.gateway.listEvents(namespace, name)).filter(seenSince(since)) : await ctx.gateway.listWarnings(namespace, name, since);
    found.sort((a, b) => (b.lastSeen?.getTime() ?? 0) - (a.lastSeen?.getTime() ?? 0));
    const kind = op.all ? 'events' : 'warning events';
    const where = `${installation.namespace}/${installation.name}`;
    if (!found.length) return reply('good', text(`No ${kind} for ${where} in the last ${op.since}.`));
    return reply(
      op.all ? 'info' : 'warning',
      text(`${found.length} ${kind} for ${where} in the last ${op.since}:`),
      table(
        ['age', 'type', 'object', 'reason', 'count', 'message'],
        found.map((e) => [ageSince(e.lastSeen, now), e.type, `${e.objectKind}/${e.objectName}`, e.reason, String(e.count), e.message]),
      ),
    );
  },
});
