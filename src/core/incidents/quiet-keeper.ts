/**
 * The leader's side of quiet hours (quiet-hours.ts): for each batch of incident changes, which
 * ones a channel's quiet hours hold (the thread keeper keeps those quietly, as for a mute), with
 * every change of a quiet channel noted in its period; and, on the leader's 30-second timer, the
 * summary of each period that ended. A summary is saved before it is posted and removed once
 * delivered, so a leader that stopped in between leaves it to the next (posted twice at worst,
 * never lost), and a new leader that finds a period ended with no summary makes it once.
 */
import type { Clock } from '../ports/clock.ts';
import type { CronCalendar } from '../ports/cron-calendar.ts';
import type { Logger } from '../ports/logger.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { StateStore } from '../ports/state-store.ts';
import type { IncidentChange } from './incident-change.ts';
import type { Incident } from './incident.ts';
import { hoursText, postsWhileQuiet, quietDocument, quietUntil, withChange, type QuietDocument, type QuietHours, type QuietSummary } from './quiet-hours.ts';
import { quietSummary } from './quiet-summary.ts';

export interface QuietKeeperDeps {
  notifier: Notifier;
  store: StateStore;
  clock: Clock;
  logger: Logger;
  calendar: CronCalendar;
  /** The summaries this process posted: given, it outlives this keeper (a later leader term of this replica does not post them again). */
  posted?: Set<string>;
}

/** Where a change would post, and the incident as last kept (undefined: new). */
export type WhereTo = (incident: Incident) => Promise<{ channel: string | undefined; before: Incident | undefined }>;

export class QuietKeeper {
  private readonly d: QuietKeeperDeps;
  /** Summaries this process posted (their removal waits for the delivery). */
  private readonly posted: Set<string>;

  constructor(deps: QuietKeeperDeps) {
    this.d = deps;
    this.posted = deps.posted ?? new Set();
  }

  /**
   * The changes held by quiet hours; notes every change of a channel in quiet hours in its period.
   * One read of the quiet document per batch; the channels are looked up only when one is quiet.
   */
  async held(changes: readonly IncidentChange[], whereTo: WhereTo): Promise<Set<IncidentChange>> {
    const held = new Set<IncidentChange>();
    if (!changes.length) return held;
    const now = this.d.clock.now();
    const { value } = await this.d.store.read(quietDocument);
    const quiet = new Map<string, Date>();
    for (const q of value.channels) {
      const until = quietUntil(q, this.d.calendar, now);
      if (until) quiet.set(q.channel, until);
    }
    if (!quiet.size) return held;
    const seen: { channel: string; change: IncidentChange }[] = [];
    for (const change of changes) {
      const { channel, before } = await whereTo(change.incident);
      if (!channel || !quiet.has(channel)) continue;
      seen.push({ channel, change });
      if (!postsWhileQuiet(change, before)) held.add(change);
    }
    if (seen.length) await this.d.store.update(quietDocument, (doc) => noted(doc, seen, quiet, now));
    return held;
  }

  /** Summarises each period that ended (the hours passed, or were changed to exclude now), once. */
  async endQuietHours(): Promise<void> {
    const now = this.d.clock.now();
    const doc = await this.d.store.update(quietDocument, (current) => {
      const due: QuietSummary[] = [];
      const channels = current.channels.map((q) => {
        if (!q.period) return q;
        const until = quietUntil(q, this.d.calendar, now);
        if (until && now.getTime() < q.period.until.getTime()) return q;
        due.push({ id: `${q.channel}:${q.period.from.toISOString()}`, channel: q.channel, hours: hoursText(q), period: q.period });
        return withoutPeriod(q);
      });
      return due.length ? { channels, summaries: [...current.summaries, ...due] } : current;
    });
    for (const s of doc.summaries) if (!this.posted.has(s.id)) this.post(s);
  }

  private post(s: QuietSummary): void {
    this.posted.add(s.id);
    const made = this.d.notifier.post({ channel: s.channel }, quietSummary(s.period, s.hours, 'ended'));
    void made.delivery.then(async (outcome) => {
      if (!outcome.ok) return this.d.logger.warn({ channel: s.channel, reason: outcome.reason }, 'a quiet hours summary could not be posted');
      await this.d.store
        .update(quietDocument, (doc) => ({ ...doc, summaries: doc.summaries.filter((x) => x.id !== s.id) }))
        .catch((e: unknown) => this.d.logger.error({ channel: s.channel, err: (e as Error).message }, 'a posted quiet hours summary could not be removed'));
    });
  }
}

const withoutPeriod = (q: QuietHours): QuietHours => {
  const copy = { ...q };
  delete copy.period;
  return copy;
};

/** The document with each seen change in its channel's period (begun now if none is). */
function noted(doc: QuietDocument, seen: readonly { channel: string; change: IncidentChange }[], quiet: Map<string, Date>, now: Date): QuietDocument {
  return {
    ...doc,
    channels: doc.channels.map((q) => {
      const mine = seen.filter((s) => s.channel === q.channel);
      const until = quiet.get(q.channel);
      if (!mine.length || !until) return q;
      let period = q.period ?? { from: now, until, items: [], more: [] };
      for (const { change } of mine) period = withChange(period, change);
      return { ...q, period };
    }),
  };
}
