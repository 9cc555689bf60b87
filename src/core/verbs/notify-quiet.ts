/**
 * `notify quiet <HH:MM-HH:MM> <Zone>` and `notify quiet off`, in the channel they apply to
 * (core/incidents/quiet-hours.ts). Quiet hours hold the posts of every installation routed to the
 * channel, so the caller needs the `notify` right over each route to it, and everywhere when the
 * channel gets the `all` route, is the default channel, or (to set them) gets no route yet: what
 * `notify here` would need to send those incidents there. `off` during quiet hours answers with the summary of what was held.
 */
import { MatteropsError, usageError } from '../errors.ts';
import { everyInstallation, routesDocument } from '../incidents/routes.ts';
import { hoursText, quietDocument, quietUntil, type QuietHours, type QuietPeriod } from '../incidents/quiet-hours.ts';
import { quietSummary } from '../incidents/quiet-summary.ts';
import { reply, text, type Reply } from '../reply.ts';
import { checkTimeZone } from '../schedule/check-schedule.ts';
import { quoted } from '../text/excerpt.ts';
import type { VerbContext } from '../verb-context.ts';

const example = 'notify quiet 22:00-07:00 Europe/Berlin';

/** `22:00-07:00` as its two clock times, or a usage error that shows the form. */
export function quietWindow(words: string | undefined): { start: string; end: string } {
  if (words === undefined) throw usageError('notify quiet needs the hours and a time zone, or off', `example: ${example}`);
  const match = /^([01]?\d|2[0-3]):([0-5]\d)-([01]?\d|2[0-3]):([0-5]\d)$/.exec(words);
  if (!match) throw usageError(`quiet hours are two 24-hour times, start-end, like 22:00-07:00, got ${quoted(words)}`, `example: ${example}`);
  const [, sh = '', sm = '', eh = '', em = ''] = match;
  const start = `${sh.padStart(2, '0')}:${sm}`;
  const end = `${eh.padStart(2, '0')}:${em}`;
  if (start === end)
    throw usageError(`quiet hours start and end at different times, got ${start}-${end}`, 'to stop incident posts in this channel, type notify off');
  return { start, end };
}

/**
 * Who may quiet a channel: the notify right over each route to it (see above). Quiet hours set on a
 * channel with no route yet would hold whatever is routed there later, by anyone, unseen: setting
 * them there needs the notify right on every installation (turning them off does not).
 */
async function checkMayQuiet(ctx: VerbContext, channel: string, mayRoute: (target: string) => boolean, setting: boolean): Promise<void> {
  const routes = (await ctx.incidents.store.read(routesDocument)).value.routes.filter((r) => r.channel === channel);
  const targets = routes.map((r) => r.target);
  if (channel === ctx.incidents.defaultChannel) targets.push(everyInstallation);
  if (setting && !targets.length && !mayRoute(everyInstallation))
    throw new MatteropsError(
      'forbidden',
      'this channel gets no incidents yet, so quiet hours here would hold those of any installation routed to it later, and you lack the notify right on every installation',
      'route your installations here first (notify here <name>), then set the quiet hours',
    );
  const refused = targets.filter((t) => !mayRoute(t));
  if (!refused.length) return;
  const names = [...new Set(refused.map((t) => (t === everyInstallation ? 'every installation' : t)))];
  throw new MatteropsError(
    'forbidden',
    `quiet hours here would hold the incidents of ${names.join(', ')}, and you lack the notify right on ${names.length > 1 ? 'them' : 'it'}`,
    'ask someone with the notify right on them, or route your installations to a channel of their own (notify here <name>)',
  );
}

function setReply(q: QuietHours, now: Date, ctx: VerbContext): Reply {
  const until = quietUntil(q, ctx.schedules.calendar, now);
  const when = until ? 'They hold now.' : `They begin at ${q.start} ${q.timeZone}.`;
  return reply(
    'good',
    text(
      `Quiet hours for this channel: ${hoursText(q)}. ${when} During them this channel gets no warning roots and no thread updates ` +
        '(they are tracked and held); critical roots and resolutions of critical incidents still post. ' +
        'When they end, one summary of what happened is posted. notify quiet off ends them.',
    ),
  );
}

/** When quiet hours were set, as the routes list shows its times (UTC, to the minute). */
const setAt = (q: QuietHours): string => `${q.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** `22:00-07:00 Europe/Berlin, set by @bob on 2026-11-27 09:00 UTC` (notify list). */
export const quietSetText = (q: QuietHours): string => `${hoursText(q)}, set by ${q.by} on ${setAt(q)}`;

/**
 * What `notify here` adds when the channel it routes to has quiet hours: someone else may have
 * set them before any route came (they needed no right then), and they would hold the routed
 * installation's warnings unseen.
 */
export function quietInForceText(q: QuietHours, now: Date, ctx: VerbContext): string {
  const when = quietUntil(q, ctx.schedules.calendar, now) ? 'they hold now' : `they begin at ${q.start} ${q.timeZone}`;
  return (
    `This channel has quiet hours ${quietSetText(q)}: ${when}. During them its warning roots and thread updates are held ` +
    '(critical roots and resolutions of critical incidents still post), one summary when they end. notify quiet off ends them.'
  );
}

/** `notify quiet ...`: sets or removes this channel's quiet hours. */
export async function quietAction(
  ctx: VerbContext,
  op: { target?: string | undefined; zone?: string | undefined },
  here: { id: string; name?: string | undefined },
  mayRoute: (target: string) => boolean,
): Promise<Reply> {
  const store = ctx.incidents.store;
  const now = ctx.clock.now();
  if (op.target === 'off') {
    if (op.zone !== undefined) throw usageError(`notify quiet off takes nothing more, got ${quoted(op.zone)}`);
    await checkMayQuiet(ctx, here.id, mayRoute, false);
    let removed: QuietHours | undefined;
    await store.update(quietDocument, (doc) => {
      removed = doc.channels.find((q) => q.channel === here.id);
      return { ...doc, channels: doc.channels.filter((q) => q.channel !== here.id) };
    });
    if (!removed) return reply('neutral', text('This channel has no quiet hours.'));
    const period: QuietPeriod | undefined = removed.period;
    if (period) return quietSummary(period, hoursText(removed), 'turned off');
    return reply('good', text(`Quiet hours ${hoursText(removed)} are off: this channel gets every incident post again.`));
  }
  const { start, end } = quietWindow(op.target);
  if (op.zone === undefined) throw usageError('notify quiet needs a time zone after the hours', `example: ${example}, or UTC`);
  const timeZone = checkTimeZone(op.zone);
  await checkMayQuiet(ctx, here.id, mayRoute, true);
  const next: QuietHours = { channel: here.id, ...(here.name ? { channelName: here.name } : {}), start, end, timeZone, by: ctx.caller.name, at: now };
  // A period going on keeps what it held, and ends when the new hours end (or at the leader's next check if they exclude now).
  const until = quietUntil(next, ctx.schedules.calendar, now);
  await store.update(quietDocument, (doc) => {
    const before = doc.channels.find((q) => q.channel === here.id);
    const kept = before?.period ? { ...next, period: { ...before.period, ...(until ? { until } : {}) } } : next;
    return { ...doc, channels: [...doc.channels.filter((q) => q.channel !== here.id), kept] };
  });
  return setReply(next, now, ctx);
}
