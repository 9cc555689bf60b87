/**
 * Quiet hours per channel (issue 12, Quiet by design): `notify quiet 22:00-07:00 Europe/Berlin`
 * in a channel holds its warning roots and its thread updates during those hours (critical roots
 * and resolutions of critical incidents still post), and one summary of what happened is posted
 * when they end. Kept in the cluster (StateStore document `notify/quiet`, docs/state.md, in the
 * routes' group) with what happened during the current quiet period, so a new leader summarises
 * a period its predecessor did not. Times are local to the zone the user named: the hours are
 * judged with the CronCalendar port (croner), never by arithmetic on offsets.
 */
import { z } from 'zod';
import type { CronCalendar } from '../ports/cron-calendar.ts';
import type { StateDocument } from '../ports/state-store.ts';
import type { IncidentChange } from './incident-change.ts';
import { severities, type Incident } from './incident.ts';

/** How many incidents a period keeps by name; the rest are counted (the document stays small). */
export const heldShown = 50;
/** How many more a period counts by key; past that the summary says "more than". */
export const heldCounted = 1_000;

/** One incident as it was last seen during a quiet period. */
export const QuietItemSchema = z.object({
  key: z.string(),
  /** `namespace/name`, or `Alertmanager`. */
  where: z.string(),
  title: z.string(),
  severity: z.enum(severities),
  state: z.enum(['open', 'resolved']),
  since: z.coerce.date(),
  resolvedAt: z.coerce.date().optional(),
  /** It opened (or relapsed) while quiet; else it was open before and changed. */
  opened: z.boolean(),
});
export type QuietItem = z.infer<typeof QuietItemSchema>;

/** What happened in a channel during one quiet period, from its first incident change on. */
export const QuietPeriodSchema = z.object({
  from: z.coerce.date(),
  /** When the quiet hours end (as they were when the period began, or were last set). */
  until: z.coerce.date(),
  items: z.array(QuietItemSchema),
  /** The keys of incidents beyond `heldShown`, only counted (at most `heldCounted`). */
  more: z.array(z.string()).default([]),
});
export type QuietPeriod = z.infer<typeof QuietPeriodSchema>;

const ClockTimeSchema = z.string().regex(/^\d\d:\d\d$/);

export const QuietHoursSchema = z.object({
  channel: z.string(),
  channelName: z.string().optional(),
  /** `22:00`, local to `timeZone`. */
  start: ClockTimeSchema,
  end: ClockTimeSchema,
  timeZone: z.string(),
  by: z.string(),
  at: z.coerce.date(),
  period: QuietPeriodSchema.optional(),
});
export type QuietHours = z.infer<typeof QuietHoursSchema>;

/** A summary due in a channel, saved before it is posted and removed once delivered. */
export const QuietSummarySchema = z.object({
  id: z.string(),
  channel: z.string(),
  hours: z.string(),
  period: QuietPeriodSchema,
});
export type QuietSummary = z.infer<typeof QuietSummarySchema>;

export const QuietDocumentSchema = z.object({
  channels: z.array(QuietHoursSchema),
  summaries: z.array(QuietSummarySchema).default([]),
});
export type QuietDocument = z.infer<typeof QuietDocumentSchema>;

export const quietDocument: StateDocument<QuietDocument> = {
  name: 'notify/quiet',
  schema: QuietDocumentSchema,
  initial: () => ({ channels: [], summaries: [] }),
};

/** `22:00-07:00 Europe/Berlin` as the answer and the list show it. */
export const hoursText = (q: Pick<QuietHours, 'start' | 'end' | 'timeZone'>): string => `${q.start}-${q.end} ${q.timeZone}`;

const cronAt = (clock: string): string => {
  const [h = '0', m = '0'] = clock.split(':');
  return `${Number(m)} ${Number(h)} * * *`;
};

/**
 * When the quiet hours that hold at `now` end; undefined when `now` is outside them. Quiet from
 * the start's minute (included) to the end's (excluded): it is quiet when the next end comes
 * before the next start. Across a daylight-saving change croner moves a time that does not exist
 * to the first minute after the gap (cron-calendar.ts).
 */
export function quietUntil(q: Pick<QuietHours, 'start' | 'end' | 'timeZone'>, calendar: CronCalendar, now: Date): Date | undefined {
  const [nextStart] = calendar.next(cronAt(q.start), q.timeZone, now, 1);
  const [nextEnd] = calendar.next(cronAt(q.end), q.timeZone, now, 1);
  if (!nextEnd) return undefined;
  return !nextStart || nextEnd.getTime() < nextStart.getTime() ? nextEnd : undefined;
}

/**
 * Whether a change still posts during quiet hours: a critical root (an opening, a relapse, or a
 * held warning that became critical) and the resolution of a critical incident do; warnings and
 * every other update are held. `before` is the incident as last kept.
 */
export function postsWhileQuiet(change: IncidentChange, before: Incident | undefined): boolean {
  if (change.incident.severity !== 'critical') return false;
  if (change.kind !== 'updated') return true;
  return before?.severity !== 'critical';
}

const whereOf = (i: Incident): string =>
  i.installation ? `${i.installation.namespace}/${i.installation.name}` : i.source === 'alertmanager' ? 'Alertmanager' : i.key;

/** The period with the incident of this change as it is now (one line per incident). */
export function withChange(period: QuietPeriod, change: IncidentChange): QuietPeriod {
  const { incident } = change;
  const had = period.items.find((i) => i.key === incident.key);
  const opened = (had?.opened ?? false) || change.kind === 'opened' || change.kind === 'reopened';
  const item: QuietItem = {
    key: incident.key,
    where: whereOf(incident),
    title: incident.title,
    severity: incident.severity,
    state: incident.state,
    since: incident.since,
    ...(incident.resolvedAt ? { resolvedAt: incident.resolvedAt } : {}),
    opened,
  };
  if (had) return { ...period, items: period.items.map((i) => (i.key === incident.key ? item : i)) };
  if (period.items.length >= heldShown) {
    if (period.more.includes(incident.key) || period.more.length >= heldCounted) return period;
    return { ...period, more: [...period.more, incident.key] };
  }
  return { ...period, items: [...period.items, item] };
}
