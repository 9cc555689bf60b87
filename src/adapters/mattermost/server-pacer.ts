/**
 * When the bot's next send to Mattermost may start (issue 16, item 2): paced by what the server
 * says, not by a constant. Without rate limiting on the server, answers carry no X-RateLimit-*
 * headers and nothing is waited for here (the outbox bounds the requests in flight). With it, a
 * token bucket mirrors the server's: every answer sets its level (`Remaining`, less the sends
 * started since that request went out, which the server may not have counted yet), its size
 * (`Limit`) and its refill rate: the best of what `Reset` implies and what Remaining gained over a
 * span of answers (both err slow, never fast). A 429's Retry-After stops every send until it has
 * passed, and the rate is learnt afresh from that answer on. `ceilingPerSecond` (MM_POSTS_PER_SECOND) is an optional
 * cap on top, for a server whose limit is shared with other clients.
 */
import type { Clock } from '../../core/ports/clock.ts';
import type { RateLimits, ServerAnswer } from './rate-limits.ts';

/** What the outbox needs: a turn to send, and a way to stop everyone after a 429. */
export interface Pacer {
  /** Resolves when one more send may start (and counts it); rejects when `signal` aborts. */
  take(signal: AbortSignal): Promise<void>;
  /** A 429 asked to wait `ms` before anything more is sent. */
  pause(ms: number): void;
}

export interface ServerPacerOptions {
  clock: Clock;
  /** At most this many sends per second whatever the server allows. */
  ceilingPerSecond?: number;
}

interface Bucket {
  size: number;
  level: number;
  at: number;
  /** Tokens per millisecond; 0 until an answer showed some used. */
  refillPerMs: number;
}

/** Sends remembered for the level estimate: longer ago than any request lasts (15 s). */
const rememberSendsMs = 20_000;
/** A refill span shorter than this is mostly rounding; longer than the other, it moves on. */
const minSpanMs = 1_000;
const maxSpanMs = 5_000;
/** How long to wait when the bucket is empty and its rate is not known yet. */
const unknownRateWaitMs = 100;

export class ServerPacer implements Pacer {
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private bucket: Bucket | undefined;
  /** The sentAt of the answer the bucket was last set from: older answers know less. */
  private syncedFrom = Number.NEGATIVE_INFINITY;
  /** When the outbox's recent sends started, ascending. */
  private readonly sends: number[] = [];
  /** Recent answers that carried limits, in the order they came. */
  private readonly answers: ServerAnswer[] = [];
  /** The answer a span of refill is measured from. */
  private reference: (ServerAnswer & { limits: RateLimits }) | undefined;
  private nextByCeiling = 0;
  private pausedUntil = 0;

  constructor(options: ServerPacerOptions) {
    this.clock = options.clock;
    this.intervalMs = options.ceilingPerSecond ? 1000 / options.ceilingPerSecond : 0;
  }

  /** The server's limit as last learnt, for logs and tests (undefined: the server limits nothing). */
  get serverLimit(): { size: number; perSecond: number } | undefined {
    return this.bucket ? { size: this.bucket.size, perSecond: this.bucket.refillPerMs * 1000 } : undefined;
  }

  async take(signal: AbortSignal): Promise<void> {
    for (;;) {
      if (signal.aborted) throw signal.reason as Error;
      const now = this.now();
      const wait = Math.max(this.pausedUntil - now, this.nextByCeiling - now, this.bucketWait(now));
      if (wait <= 0) {
        this.count(now);
        return;
      }
      await this.clock.sleep(wait, signal);
    }
  }

  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** Learns from one answer of any request the bot made (mattermost-api.ts calls it). */
  answered(answer: ServerAnswer): void {
    const limits = answer.limits;
    if (!limits) {
      // Rate limiting is off (or was switched off on a restart): nothing to mirror.
      if (!answer.refused) [this.bucket, this.reference] = [undefined, undefined];
      return;
    }
    this.answers.push(answer);
    while ((this.answers[0]?.answeredAt ?? answer.answeredAt) < answer.answeredAt - rememberSendsMs) this.answers.shift();
    if (answer.sentAt < this.syncedFrom) return;
    this.syncedFrom = answer.sentAt;
    const known = this.bucket?.size === limits.limit && !answer.refused ? this.bucket.refillPerMs : 0;
    const refillPerMs = Math.max(known, resetRate(limits), this.spanRate(answer, limits));
    const sentSince = this.sends.length - firstAtOrAfter(this.sends, answer.sentAt);
    this.bucket = { size: limits.limit, level: limits.remaining - sentSince, at: this.now(), refillPerMs };
  }

  /**
   * The refill rate over the span since the reference answer, at least: what Remaining gained,
   * plus the requests surely counted in between (sent after the reference was answered, answered
   * before this one was sent), less one for Remaining's rounding down, over the longest the span
   * can have been. Reset alone cannot tell a small bucket's rate (20 per second with a burst of 5
   * is full again within the second it rounds up to); this can. A bucket that filled up meanwhile,
   * or other clients on the same limit, only make it err slow.
   */
  private spanRate(answer: ServerAnswer, limits: RateLimits): number {
    const ref = this.reference;
    if (!ref || ref.limits.limit !== limits.limit || answer.refused) {
      this.reference = { ...answer, limits };
      return 0;
    }
    const spanMs = answer.answeredAt - ref.sentAt;
    if (answer.sentAt - ref.answeredAt < minSpanMs) return 0;
    const counted = this.answers.filter((a) => a.sentAt > ref.answeredAt && a.answeredAt < answer.sentAt).length;
    if (spanMs >= maxSpanMs) this.reference = { ...answer, limits }; // follow a limit that changes
    return Math.max(0, limits.remaining - ref.limits.remaining + counted - 1) / spanMs;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** How long until the bucket holds a token (0: it does now). */
  private bucketWait(now: number): number {
    const b = this.bucket;
    if (!b) return 0;
    b.level = Math.min(b.size, b.level + (now - b.at) * b.refillPerMs);
    b.at = now;
    if (b.level >= 1) return 0;
    return b.refillPerMs > 0 ? (1 - b.level) / b.refillPerMs : unknownRateWaitMs;
  }

  private count(now: number): void {
    if (this.bucket) this.bucket.level -= 1;
    this.nextByCeiling = now + this.intervalMs;
    this.sends.push(now);
    const old = firstAtOrAfter(this.sends, now - rememberSendsMs);
    if (old > 256) this.sends.splice(0, old); // in batches: a send costs O(1) on average
  }
}

/**
 * The rate Reset implies: throttled's GCRA answers `Limit - 1 - Remaining` requests' worth of
 * emission intervals as Reset, rounded up to whole seconds, so this never overestimates.
 */
function resetRate(limits: RateLimits): number {
  const used = limits.limit - 1 - limits.remaining;
  return used > 0 && limits.resetSeconds > 0 ? used / (limits.resetSeconds * 1000) : 0;
}

/** The index of the first time in ascending `times` at or after `t` (binary search). */
function firstAtOrAfter(times: readonly number[], t: number): number {
  let [lo, hi] = [0, times.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] ?? t) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
