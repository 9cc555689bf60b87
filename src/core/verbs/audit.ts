/** `audit [name] [--since 24h] [--user alice]`: who did what, from where, with what result. */
import { z } from 'zod';
import { quoted } from '../text/excerpt.ts';
import { MatteropsError } from '../errors.ts';
import { DurationTextSchema, InstallationNameSchema, PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import { reply, table, text } from '../reply.ts';
import { resolveInstallation } from '../resolve-installation.ts';
import { parseDuration } from '../text/duration.ts';
import { defineVerb } from '../verb.ts';

const userError = (i: { input: unknown }): string => `--user is a user name like alice, got ${quoted(i.input)}`;

export const AuditSchema = PlaceFlagsSchema.extend({
  verb: z.literal('audit'),
  name: InstallationNameSchema.optional(),
  since: DurationTextSchema.default('24h'),
  user: z
    .string()
    .max(64, { error: userError })
    .regex(/^@?[a-z0-9._-]+$/i, { error: userError })
    .optional(),
});
export type AuditOperation = z.infer<typeof AuditSchema>;

export const audit = defineVerb<AuditOperation>({
  name: 'audit',
  summary: 'who requested, confirmed, applied or was denied what, and how it ended',
  usage: 'audit [name] [--since 24h] [--user alice]',
  examples: ['audit', 'audit mattermost --since 1h', 'audit --user alice'],
  risk: 'read',
  positionals: [{ name: 'name', description: 'installation', required: false, complete: 'installation' }],
  flags: [
    { name: 'since', kind: 'string', placeholder: 'duration', description: 'how far back (default 24h)' },
    { name: 'user', kind: 'string', placeholder: 'name', description: 'only this requester' },
  ],
  schema: AuditSchema,
  async run(ctx, op) {
    const installation = op.name ? await resolveInstallation(ctx, op.name) : undefined;
    const namespace = installation?.namespace ?? ctx.scope.namespace;
    if (!installation && namespace && !ctx.access.decide('audit', namespace).allowed) {
      throw new MatteropsError('forbidden', `${ctx.caller.name} may not audit namespace ${namespace}`);
    }
    const since = new Date(ctx.clock.now().getTime() - parseDuration(op.since, '--since'));
    const entries = (await ctx.audit.query({ ...(namespace ? { namespace } : {}), ...(installation ? { installation: installation.name } : {}), since }))
      .filter((e) => !op.user || e.requester.replace(/^@/, '') === op.user.replace(/^@/, ''))
      .filter((e) => ctx.access.decide('audit', e.namespace, e.installation).allowed);
    if (!entries.length)
      return reply(
        'neutral',
        text(`No matterops operations ${installation ? `on ${installation.namespace}/${installation.name} ` : ''}in the last ${op.since}.`),
      );
    return reply(
      'info',
      table(
        ['time (UTC)', 'op', 'phase', 'who', 'via', 'installation', 'what'],
        entries.map((e) => [
          e.at.toISOString().slice(0, 19).replace('T', ' '),
          e.operationId,
          e.phase,
          // Not presented as the bot's record: someone else wrote this Event.
          e.unverified ? `${e.requester} (unsigned)` : e.requester,
          e.via,
          `${e.namespace}/${e.installation}`,
          e.detail,
        ]),
      ),
    );
  },
});
