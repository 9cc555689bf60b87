/**
 * `mute <name> <duration> [--reason text]`, `unmute <name>`, `mutes`: silence one installation's
 * incident posts for a while (core/incidents/mutes.ts). Its incidents are still tracked; `unmute`
 * answers with the one summary of what is open. Each needs its own right on the installation.
 */
import { z } from 'zod';
import { usageError } from '../errors.ts';
import { InstallationNameSchema, PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import { spoken, utcTime } from '../incidents/incident-replies.ts';
import { muteOf, mutesDocument, openThreadsOf } from '../incidents/mutes.ts';
import { threadsDocument } from '../incidents/thread-document.ts';
import { unmuteSummary } from '../incidents/unmute-summary.ts';
import { reply, table, text } from '../reply.ts';
import { resolveInstallation } from '../resolve-installation.ts';
import { parseDuration } from '../text/duration.ts';
import { defineVerb } from '../verb.ts';

/** The longest mute: a forgotten one must not hide a week of incidents. */
const longestMuteMs = 7 * 24 * 3_600_000;

export const MuteSchema = PlaceFlagsSchema.extend({
  verb: z.literal('mute'),
  name: InstallationNameSchema,
  duration: z.string({ error: 'mute needs a duration after the name, like mute mattermost 2h' }),
  reason: z
    .string()
    .max(200, { error: 'a reason is at most 200 characters' })
    .regex(/^[^\n\r]*$/, { error: 'a reason is one line' })
    .optional(),
});
export type MuteOperation = z.infer<typeof MuteSchema>;

export const mute = defineVerb<MuteOperation>({
  name: 'mute',
  summary: 'no incident posts for an installation for a while; still tracked, summarised at unmute',
  usage: 'mute <name> <duration> [--reason text]',
  examples: ['mute mattermost 2h --reason "database migration"', 'mute mattermost-staging 30m -n staging'],
  risk: 'read',
  positionals: [
    { name: 'name', description: 'installation', required: true, complete: 'installation' },
    { name: 'duration', description: 'how long (30m, 2h, 1d; at most 7d)', required: true },
  ],
  flags: [{ name: 'reason', kind: 'string', placeholder: 'text', description: 'why: shown by mutes' }],
  schema: MuteSchema,
  async run(ctx, op) {
    const ms = parseDuration(op.duration, 'the mute duration');
    if (ms < 60_000 || ms > longestMuteMs) throw usageError(`a mute lasts 1m to 7d, got ${op.duration}`);
    const i = await resolveInstallation(ctx, op.name);
    const installation = `${i.namespace}/${i.name}`;
    const now = ctx.clock.now();
    const entry = { installation, until: new Date(now.getTime() + ms), by: ctx.caller.name, at: now, ...(op.reason ? { reason: op.reason } : {}) };
    await ctx.incidents.store.update(mutesDocument, (m) => ({ mutes: [...m.mutes.filter((x) => x.installation !== installation), entry] }));
    return reply(
      'good',
      text(`${installation} is muted until ${utcTime(entry.until)} (${spoken(ms)}): its incidents are tracked, not posted; unmute ${i.name} to see them.`),
    );
  },
});

export const UnmuteSchema = PlaceFlagsSchema.extend({ verb: z.literal('unmute'), name: InstallationNameSchema });
export type UnmuteOperation = z.infer<typeof UnmuteSchema>;

export const unmute = defineVerb<UnmuteOperation>({
  name: 'unmute',
  summary: 'incident posts again for an installation, with one summary of what is open',
  usage: 'unmute <name>',
  examples: ['unmute mattermost'],
  risk: 'read',
  positionals: [{ name: 'name', description: 'installation', required: true, complete: 'installation' }],
  flags: [],
  schema: UnmuteSchema,
  async run(ctx, op) {
    const i = await resolveInstallation(ctx, op.name);
    const installation = `${i.namespace}/${i.name}`;
    const now = ctx.clock.now();
    let was = false;
    await ctx.incidents.store.update(mutesDocument, (m) => {
      was = muteOf(m, installation, now) !== undefined;
      return { mutes: m.mutes.filter((x) => x.installation !== installation) };
    });
    if (!was) return reply('neutral', text(`${installation} was not muted.`));
    const { value } = await ctx.incidents.store.read(threadsDocument);
    return unmuteSummary(installation, openThreadsOf(value.threads, installation), now, 'unmuted');
  },
});

export const MutesListSchema = PlaceFlagsSchema.extend({ verb: z.literal('mutes') });
export type MutesListOperation = z.infer<typeof MutesListSchema>;

export const mutes = defineVerb<MutesListOperation>({
  name: 'mutes',
  summary: 'the muted installations, until when, by whom and why',
  usage: 'mutes',
  examples: ['mutes'],
  risk: 'read',
  positionals: [],
  flags: [],
  schema: MutesListSchema,
  async run(ctx) {
    const now = ctx.clock.now();
    const active = (await ctx.incidents.store.read(mutesDocument)).value.mutes
      .filter((m) => m.until.getTime() > now.getTime())
      .filter((m) => {
        const [namespace = '', installation = ''] = m.installation.split('/');
        return ctx.access.decide('mutes', namespace, installation).allowed;
      });
    if (!active.length) return reply('neutral', text('No installation is muted.'));
    return reply(
      'info',
      table(
        ['installation', 'until (UTC)', 'left', 'by', 'reason'],
        active.map((m) => [m.installation, utcTime(m.until), spoken(m.until.getTime() - now.getTime()), m.by, m.reason ?? '-']),
      ),
    );
  },
});
