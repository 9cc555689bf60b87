/**
 * `notify here [name|all]`, `notify off`, `notify list`: where incident threads are posted (issue 12,
 * Threads), and `notify quiet <hours> <zone>|off` (notify-quiet.ts). Routes are kept in the cluster (core/incidents/routes.ts); `here` routes to the chat
 * channel the command was typed in. One installation needs the `notify` right on it; `all` needs it
 * everywhere (a binding whose scope is `*`); `off` removes the routes to this channel the caller
 * holds that right over, and keeps (and names) any other.
 */
import { z } from 'zod';
import { usageError } from '../errors.ts';
import { InstallationNameSchema, PlaceFlagsSchema } from '../grammar/common-schemas.ts';
import { quietDocument, type QuietDocument } from '../incidents/quiet-hours.ts';
import { channelFor, everyInstallation, routesDocument, withRoute, type Routes } from '../incidents/routes.ts';
import { quoted } from '../text/excerpt.ts';
import { reply, table, text, type Reply } from '../reply.ts';
import { resolveInstallation } from '../resolve-installation.ts';
import type { VerbContext } from '../verb-context.ts';
import { defineVerb } from '../verb.ts';
import { quietAction, quietInForceText, quietSetText } from './notify-quiet.ts';

export const NotifySchema = PlaceFlagsSchema.extend({
  verb: z.literal('notify'),
  action: z.enum(['here', 'off', 'list', 'quiet'], { error: (i) => `notify needs here, off, list or quiet, got ${quoted(i.input)}` }),
  /** An installation or all (here), the hours or off (quiet). */
  target: z.string().optional(),
  /** The time zone of quiet hours. */
  zone: z.string().optional(),
});
export type NotifyOperation = z.infer<typeof NotifySchema>;

/** The chat channel the command came from; notify here and off mean nothing in a terminal. */
function channelOf(ctx: VerbContext, action: string): string {
  if (!ctx.channelHere) throw usageError(`notify ${action} works in a chat channel: type it in the channel that should get the incidents`);
  return ctx.channelHere.id;
}

async function targetOf(ctx: VerbContext, target: string | undefined): Promise<{ key: string; shown: string }> {
  if (target === undefined || target === 'all') {
    if (!ctx.access.decide('notify', '*', '*').allowed) {
      throw usageError('notify here all needs the notify right everywhere; name an installation instead (notify here mattermost)');
    }
    return { key: everyInstallation, shown: 'every installation' };
  }
  const name = InstallationNameSchema.safeParse(target);
  if (!name.success) throw usageError(name.error.issues[0]?.message ?? 'notify here takes an installation name or all', 'example: notify here mattermost');
  const installation = await resolveInstallation(ctx, name.data);
  return { key: `${installation.namespace}/${installation.name}`, shown: `${installation.namespace}/${installation.name}` };
}

/** Whether the caller holds `notify` over what a route is for (everywhere, for the all route). */
function mayRoute(ctx: VerbContext, target: string): boolean {
  if (target === everyInstallation) return ctx.access.decide('notify', '*', '*').allowed;
  const [namespace = '', name = ''] = target.split('/');
  return ctx.access.decide('notify', namespace, name).allowed;
}

const usage = 'notify here [name|all] | notify off | notify list | notify quiet <HH:MM-HH:MM> <zone> | notify quiet off';

function quietLines(quiet: QuietDocument): string[] {
  return [...quiet.channels]
    .sort((a, b) => (a.channelName ?? a.channel).localeCompare(b.channelName ?? b.channel))
    .map((q) => `Quiet hours in ${q.channelName ?? q.channel}: ${quietSetText(q)}.`);
}

function listReply(routes: Routes, defaultChannel: string | undefined, quiet: QuietDocument): Reply {
  const name = (r: Routes['routes'][number]): string => r.channelName ?? r.channel;
  const rows = [...routes.routes]
    .sort((a, b) => a.target.localeCompare(b.target))
    .map((r) => [r.target === everyInstallation ? 'all' : r.target, name(r), r.by, r.at.toISOString().slice(0, 16).replace('T', ' ')]);
  const fallback = channelFor(routes, undefined, defaultChannel);
  const footer = fallback
    ? `Installations without a route of their own go to ${routes.routes.some((r) => r.target === everyInstallation) ? 'the all route' : `the default channel (${fallback})`}.`
    : 'Installations without a route get no incident posts (no default channel is set).';
  return reply(
    'info',
    ...(rows.length ? [table(['installation', 'channel', 'by', 'since (UTC)'], rows)] : [text('No routes yet: type notify here in a channel.')]),
    text(footer),
    ...quietLines(quiet).map((line) => text(line)),
  );
}

/** `notify off`: removes the routes to this channel the caller holds the notify right over. */
async function offAction(ctx: VerbContext, target: string | undefined): Promise<Reply> {
  const store = ctx.incidents.store;
  if (target) throw usageError('notify off takes nothing more: it stops the routes to this channel');
  const channel = channelOf(ctx, 'off');
  const ours = (r: Routes['routes'][number]): boolean => r.channel === channel && mayRoute(ctx, r.target);
  let removed = 0;
  let kept: string[] = [];
  await store.update(routesDocument, (routes) => {
    removed = routes.routes.filter(ours).length;
    kept = routes.routes.filter((r) => r.channel === channel && !ours(r)).map((r) => r.target);
    return { routes: routes.routes.filter((r) => !ours(r)) };
  });
  const keptText = kept.length ? ` Kept, as you lack the notify right on them: ${kept.map((t) => (t === everyInstallation ? 'all' : t)).join(', ')}.` : '';
  return reply(
    removed ? 'good' : 'neutral',
    text(
      removed
        ? `This channel gets no more incident threads of ${removed} route${removed > 1 ? 's' : ''}.${keptText}`
        : `No route to this channel was removed.${keptText || ' No route pointed to it.'}`,
    ),
  );
}

export const notify = defineVerb<NotifyOperation>({
  name: 'notify',
  summary: 'route incident threads to this channel (here), stop them (off), list the routes, or set quiet hours here',
  usage,
  examples: ['notify here', 'notify here mattermost', 'notify off', 'notify list', 'notify quiet 22:00-07:00 Europe/Berlin', 'notify quiet off'],
  risk: 'read',
  positionals: [
    { name: 'action', description: 'here, off, list or quiet', required: true, complete: ['here', 'off', 'list', 'quiet'] },
    {
      name: 'target',
      description:
        'installation, or all (with here); the hours or off (with quiet: no warning roots and no thread updates then, critical roots and critical resolutions still post, one summary at the end)',
      required: false,
      complete: 'installation',
    },
    { name: 'zone', description: 'the time zone of the quiet hours (Europe/Berlin, UTC)', required: false },
  ],
  flags: [],
  schema: NotifySchema,
  async run(ctx, op) {
    const store = ctx.incidents.store;
    if (op.action !== 'quiet' && op.zone !== undefined) throw usageError(`notify ${op.action} does not take ${quoted(op.zone)}`, `usage: ${usage}`);
    if (op.action === 'list') return listReply((await store.read(routesDocument)).value, ctx.incidents.defaultChannel, (await store.read(quietDocument)).value);
    if (op.action === 'quiet') {
      if (!ctx.channelHere) throw usageError('notify quiet works in a chat channel: type it in the channel that should be quiet');
      return quietAction(ctx, op, ctx.channelHere, (target) => mayRoute(ctx, target));
    }
    if (op.action === 'off') return offAction(ctx, op.target);
    const channel = channelOf(ctx, 'here');
    const target = await targetOf(ctx, op.target);
    const route = {
      target: target.key,
      channel,
      ...(ctx.channelHere?.name ? { channelName: ctx.channelHere.name } : {}),
      by: ctx.caller.name,
      at: ctx.clock.now(),
    };
    await store.update(routesDocument, (routes) => withRoute(routes, route));
    const quiet = (await store.read(quietDocument)).value.channels.find((q) => q.channel === channel);
    return reply(
      'good',
      text(`Incident threads for ${target.shown} go to this channel now.`),
      ...(quiet ? [text(quietInForceText(quiet, route.at, ctx))] : []),
    );
  },
});
