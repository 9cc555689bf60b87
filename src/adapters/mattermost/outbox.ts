/**
 * Where every post and edit waits until Mattermost has it (issue 10, item 4; the post queue of
 * issue 9, item 13 moved here). One lane per channel, delivered in order: an edit waits behind the
 * create it edits, a reply behind its root. A lane whose sends keep failing holds up only itself;
 * the spacing between two sends is global (the server limits the bot, not a channel), and a 429's
 * Retry-After pauses every lane.
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
  /** At least this long between two sends of any lane (1000 / the server's per-second limit). */
  minIntervalMs: number;
  /** A message still failing this long after it was queued is dropped at that failure. */
  maxAgeMs?: number;
  /** At most this many messages wait; one more is refused. */
  maxDepth?: number;
}

export const defaultMaxAgeMs = 60 * 60_000;
export const defaultMaxDepth = 10_000;
/** Backoff between retries of one message grows to this. */
const maxBackoffMs = 30_000;

interface Waiting<Op> {
  entry: OutboxEntry<Op>;
  settle: (outcome: Delivery) => void;
}

const isTransient = (e: unknown): boolean =>
  !(e instanceof Undeliverable) && (!(e instanceof MattermostApiError) || e.status === 0 || e.status === 429 || e.status >= 500);
const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class Outbox<Op> {
  private readonly lanes = new Map<string, Waiting<Op>[]>();
  private waiting = 0;
  /** When the next send of any lane may start. */
  private nextSlot = 0;
  /** Until when a 429 asked everyone to wait. */
  private pausedUntil = 0;
  private readonly closing = new AbortController();
  private readonly options: OutboxOptions<Op>;
  /** Sends retried after a 429, for tests and metrics. */
  rateLimited = 0;

  constructor(options: OutboxOptions<Op>) {
    this.options = options;
  }

  /** Messages queued and not yet delivered or given up. */
  get depth(): number {
    return this.waiting;
  }

  /** Queues `op` at the end of `lane`; settles when it is delivered or given up (never rejects). */
  enqueue(key: string, lane: string, op: Op): Promise<Delivery> {
    const entry: OutboxEntry<Op> = { key, lane, op, queuedAt: this.now(), attempts: 0 };
    const maxDepth = this.options.maxDepth ?? defaultMaxDepth;
    if (this.closing.signal.aborted) return Promise.resolve({ ok: false, reason: 'the outbox is closed' });
    if (this.waiting >= maxDepth) {
      this.options.logger.error(
        { message: key, channel: lane, depth: this.waiting },
        `the Mattermost outbox is full (${maxDepth} messages wait): a message was dropped`,
      );
      return Promise.resolve({ ok: false, reason: 'the outbox is full' });
    }
    return new Promise((settle) => {
      this.waiting++;
      const lined = this.lanes.get(lane);
      if (lined) lined.push({ entry, settle });
      else {
        this.lanes.set(lane, [{ entry, settle }]);
        void this.drain(lane);
      }
    });
  }

  /** Stops retrying: what still waits is given up and logged (an in-memory outbox loses it). */
  close(): void {
    if (this.waiting > 0) this.options.logger.warn({ undelivered: this.waiting }, 'the Mattermost outbox closed with messages undelivered');
    this.closing.abort(new Error('the outbox is closed'));
  }

  private now(): number {
    return this.options.clock.now().getTime();
  }

  private async drain(lane: string): Promise<void> {
    const lined = this.lanes.get(lane) ?? [];
    for (let head = lined[0]; head; head = lined[0]) {
      const outcome = await this.deliverOne(head.entry);
      lined.shift();
      this.waiting--;
      head.settle(outcome);
    }
    this.lanes.delete(lane);
  }

  private async deliverOne(entry: OutboxEntry<Op>): Promise<Delivery> {
    for (;;) {
      try {
        await this.slot();
        entry.firstTriedAt ??= this.now();
        entry.attempts++;
        return { ok: true, postId: await this.options.deliver(entry) };
      } catch (error) {
        if (this.closing.signal.aborted) return { ok: false, reason: 'the outbox is closed' };
        const wait = this.retryIn(entry, error);
        if (wait === undefined) return { ok: false, reason: reasonOf(error) };
        await this.options.clock.sleep(wait, this.closing.signal).catch(() => undefined);
      }
    }
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
      const wait = retryAfterMs ?? 1_000;
      this.pausedUntil = Math.max(this.pausedUntil, this.now() + wait);
      return wait;
    }
    return retryAfterMs ?? Math.min(maxBackoffMs, 250 * 2 ** Math.min(attempt, 10)) * (0.5 + Math.random());
  }

  /** Waits for this send's turn in the global stream. */
  private async slot(): Promise<void> {
    for (;;) {
      const now = this.now();
      const at = Math.max(now, this.nextSlot, this.pausedUntil);
      this.nextSlot = at + this.options.minIntervalMs;
      if (at > now) await this.options.clock.sleep(at - now, this.closing.signal);
      if (this.now() >= this.pausedUntil) return; // else a 429 came in meanwhile: queue again
    }
  }
}
