/**
 * Where every post and edit waits until Mattermost has it (issue 10, item 4; issue 16). One lane
 * per channel, delivered in order: an edit waits behind the create it edits, a reply behind its
 * root. Lanes are served in turn (round robin), each one send at a time, at most `maxInFlight`
 * sends at once for all of them, so one busy channel cannot starve the others and a lane whose
 * sends keep failing holds up only itself. When each send may start is the pacer's say
 * (server-pacer.ts: what the server's rate limit headers allow); a 429's Retry-After pauses every
 * lane. An edit queued while an earlier edit of the same post still waits unsent replaces it
 * (`coalesce`): a post that changes faster than it can be sent sends only its latest state.
 *
 * A send that fails for a passing reason (no answer, 429, 5xx) is retried with backoff for as long
 * as Mattermost is down, with two bounds: a message still failing `maxAgeMs` after it was queued is
 * dropped at that failure, and at most `maxDepth` messages wait (more are refused). Both are logged
 * with the message's key and channel, never its text. Kept in this process only: a restart loses
 * what waits. Entries are plain data (key, lane, op, times) so that a later outbox kept in the
 * cluster is a journal of them beside this, not a rewrite.
 */
import type { Clock } from '../../core/ports/clock.ts';
import type { Logger } from '../../core/ports/logger.ts';
import type { Delivery } from '../../core/ports/notifier.ts';
import { MattermostApiError } from './mattermost-api.ts';
import type { Pacer } from './server-pacer.ts';

export interface OutboxEntry<Op> {
  /** One per logical message, for logs and look-ups (a create's is its pending_post_id). */
  key: string;
  /** Messages of one lane are delivered in the order they were queued. */
  lane: string;
  op: Op;
  queuedAt: number;
  /** When the first attempt was made (undefined before it). */
  firstTriedAt?: number;
  attempts: number;
}

/** Refuses a message for good: no retry can help (its post was never made, say). */
export class Undeliverable extends Error {
  override readonly name = 'Undeliverable';
}

export interface OutboxOptions<Op> {
  clock: Clock;
  logger: Logger;
  /** Sends one entry; resolves with the post id it made or edited. */
  deliver: (entry: OutboxEntry<Op>) => Promise<string>;
  /** When the next send may start. */
  pacer: Pacer;
  /** At most this many sends at once, all lanes together. */
  maxInFlight?: number;
  /** A message still failing this long after it was queued is dropped at that failure. */
  maxAgeMs?: number;
  /** At most this many messages wait; one more is refused. */
  maxDepth?: number;
}

export const defaultMaxAgeMs = 60 * 60_000;
export const defaultMaxDepth = 10_000;
/** Enough to keep a server on loopback busy without queueing inside it (measured in bench/load.bench.ts). */
export const defaultMaxInFlight = 8;
/** Backoff between retries of one message grows to this. */
const maxBackoffMs = 30_000;

interface Waiting<Op> {
  entry: OutboxEntry<Op>;
  /** Everyone waiting for this send: more than one when later edits were coalesced into it. */
  settles: ((outcome: Delivery) => void)[];
  coalesce: string | undefined;
}

const isTransient = (e: unknown): boolean =>
  !(e instanceof Undeliverable) && (!(e instanceof MattermostApiError) || e.status === 0 || e.status === 429 || e.status >= 500);
const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const closed: Delivery = { ok: false, reason: 'the outbox is closed' };

export class Outbox<Op> {
  private readonly lanes = new Map<string, Waiting<Op>[]>();
  /** Lanes whose head may be sent now, in the order they get their turn. */
  private readonly turns: string[] = [];
  /** Edits not sent yet, by lane and coalesce key: a later one replaces what they send. */
  private readonly unsent = new Map<string, Waiting<Op>>();
  /** Lanes whose head is being sent right now. */
  private readonly sendingIn = new Set<string>();
  private waiting = 0;
  private inFlight = 0;
  private pumping = false;
  private readonly closing = new AbortController();
  private readonly options: OutboxOptions<Op>;
  /** Sends retried after a 429, for tests and metrics. */
  rateLimited = 0;
  /** Edits that replaced an earlier one before it was sent. */
  coalesced = 0;

  constructor(options: OutboxOptions<Op>) {
    this.options = options;
  }

  /** Messages queued and not yet delivered or given up. */
  get depth(): number {
    return this.waiting;
  }

  /**
   * Queues `op` at the end of `lane`; settles when it is delivered or given up (never rejects).
   * With `coalesce`, an unsent message of the lane with the same key sends `op` instead, in its place.
   */
  enqueue(key: string, lane: string, op: Op, coalesce?: string): Promise<Delivery> {
    if (this.closing.signal.aborted) return Promise.resolve(closed);
    const same = coalesce === undefined ? undefined : this.unsent.get(`${lane}\0${coalesce}`);
    if (same) {
      same.entry.op = op;
      this.coalesced++;
      return new Promise((settle) => same.settles.push(settle));
    }
    const maxDepth = this.options.maxDepth ?? defaultMaxDepth;
    if (this.waiting >= maxDepth) {
      this.options.logger.error(
        { message: key, channel: lane, depth: this.waiting },
        `the Mattermost outbox is full (${maxDepth} messages wait): a message was dropped`,
      );
      return Promise.resolve({ ok: false, reason: 'the outbox is full' });
    }
    return new Promise((settle) => {
      const waiting: Waiting<Op> = { entry: { key, lane, op, queuedAt: this.now(), attempts: 0 }, settles: [settle], coalesce };
      if (coalesce !== undefined) this.unsent.set(`${lane}\0${coalesce}`, waiting);
      this.waiting++;
      const lined = this.lanes.get(lane);
      if (lined) lined.push(waiting);
      else {
        this.lanes.set(lane, [waiting]);
        this.turns.push(lane);
        void this.pump();
      }
    });
  }

  /** Stops retrying: what still waits is given up and logged (an in-memory outbox loses it). */
  close(): void {
    if (this.closing.signal.aborted) return;
    if (this.waiting > 0) this.options.logger.warn({ undelivered: this.waiting }, 'the Mattermost outbox closed with messages undelivered');
    this.closing.abort(new Error('the outbox is closed'));
    // What is being sent settles when its answer comes; everything else is given up now.
    for (const [lane, lined] of this.lanes) {
      for (const w of lined.splice(this.sendingIn.has(lane) ? 1 : 0)) this.finish(w, closed);
      if (lined.length === 0) this.lanes.delete(lane);
    }
    this.turns.length = 0;
    this.unsent.clear();
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }

  /** Starts sends, lanes in turn, while the pacer allows and fewer than maxInFlight are under way. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    const maxInFlight = this.options.maxInFlight ?? defaultMaxInFlight;
    try {
      while (this.turns.length > 0 && this.inFlight < maxInFlight) {
        await this.options.pacer.take(this.closing.signal);
        const lane = this.turns.shift();
        if (lane !== undefined) void this.send(lane);
      }
    } catch {
      // Closed while waiting for a turn: close() gave up what waits.
    } finally {
      this.pumping = false;
    }
  }

  private async send(lane: string): Promise<void> {
    const lined = this.lanes.get(lane);
    const head = lined?.[0];
    if (!lined || !head) return;
    const entry = head.entry;
    if (head.coalesce !== undefined && this.unsent.get(`${lane}\0${head.coalesce}`) === head) this.unsent.delete(`${lane}\0${head.coalesce}`);
    this.inFlight++;
    this.sendingIn.add(lane);
    entry.firstTriedAt ??= this.now();
    entry.attempts++;
    const outcome = await this.attempt(entry);
    this.inFlight--;
    this.sendingIn.delete(lane);
    if (typeof outcome === 'number') {
      // A passing failure: try again after the backoff (a 429 paused the pacer instead).
      if (outcome > 0) await this.options.clock.sleep(outcome, this.closing.signal).catch(() => undefined);
      if (this.closing.signal.aborted) this.giveUpLane(lane, lined);
      else this.turns.push(lane);
    } else {
      lined.shift();
      this.finish(head, outcome);
      if (lined.length === 0 || this.closing.signal.aborted) this.giveUpLane(lane, lined);
      else this.turns.push(lane);
    }
    void this.pump();
  }

  /** Sends once: the outcome, or how long to wait before the next attempt. */
  private async attempt(entry: OutboxEntry<Op>): Promise<Delivery | number> {
    try {
      return { ok: true, postId: await this.options.deliver(entry) };
    } catch (error) {
      if (this.closing.signal.aborted) return closed;
      return this.retryIn(entry, error) ?? { ok: false, reason: reasonOf(error) };
    }
  }

  private finish(w: Waiting<Op>, outcome: Delivery): void {
    this.waiting--;
    for (const settle of w.settles) settle(outcome);
  }

  private giveUpLane(lane: string, lined: Waiting<Op>[]): void {
    for (const w of lined.splice(0)) this.finish(w, closed);
    if (this.lanes.get(lane) === lined) this.lanes.delete(lane);
  }

  /** How long to wait before the next attempt; undefined (and logged) when the message is given up. */
  private retryIn(entry: OutboxEntry<Op>, error: unknown): number | undefined {
    const fields = { message: entry.key, channel: entry.lane, attempts: entry.attempts, err: reasonOf(error) };
    if (!isTransient(error)) {
      this.options.logger.error(fields, 'a Mattermost message could not be delivered');
      return undefined;
    }
    const maxAgeMs = this.options.maxAgeMs ?? defaultMaxAgeMs;
    if (this.now() - entry.queuedAt >= maxAgeMs) {
      this.options.logger.error(
        { ...fields, queuedForSeconds: Math.round((this.now() - entry.queuedAt) / 1000) },
        `a Mattermost message was dropped: still undelivered ${Math.round(maxAgeMs / 60_000)} min after it was queued`,
      );
      return undefined;
    }
    return this.backoff(error, entry.attempts - 1);
  }

  private backoff(error: unknown, attempt: number): number {
    const retryAfterMs = error instanceof MattermostApiError ? error.retryAfterMs : undefined;
    if (error instanceof MattermostApiError && error.status === 429) {
      this.rateLimited++;
      this.options.pacer.pause(retryAfterMs ?? 1_000);
      return 0; // every lane waits in the pacer, this one too
    }
    return retryAfterMs ?? Math.min(maxBackoffMs, 250 * 2 ** Math.min(attempt, 10)) * (0.5 + Math.random());
  }
}
