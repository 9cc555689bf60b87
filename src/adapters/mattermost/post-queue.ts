/**
 * Every post and edit goes through one queue with a lane per channel (issue 9, item 13): in order
 * within a lane, so a channel whose sends keep failing (retried with backoff) holds up only itself.
 * The spacing between two sends stays global, to stay under the server's rate limit, and a 429's
 * Retry-After pauses every lane: Mattermost limits the bot (or its address), not one channel.
 * A message that outlives its retries is logged with its id, never dropped silently.
 */
import type { Logger } from '../../core/ports/logger.ts';
import { MattermostApiError } from './mattermost-api.ts';
import { sleep } from '../../core/sleep.ts';

export interface PostQueueOptions {
  /** At least this long between two sends of any lane (1000 / per-second limit). */
  minIntervalMs: number;
  maxRetries: number;
  logger: Logger;
}

const isTransient = (e: unknown): boolean => !(e instanceof MattermostApiError) || e.status === 0 || e.status === 429 || e.status >= 500;

export class PostQueue {
  /** The last send queued in each lane; a lane is forgotten once it is idle. */
  private readonly tails = new Map<string, Promise<unknown>>();
  /** When the next send of any lane may start. */
  private nextSlot = 0;
  /** Until when a 429 asked everyone to wait. */
  private pausedUntil = 0;
  private readonly options: PostQueueOptions;
  /** Sends retried after a 429, for tests and metrics. */
  rateLimited = 0;

  constructor(options: PostQueueOptions) {
    this.options = options;
  }

  /**
   * Runs `send` after everything queued before it in `lane` (a channel id; edits of a post use
   * their post's channel when known); resolves with its result.
   */
  enqueue<T>(id: string, send: () => Promise<T>, lane = ''): Promise<T> {
    const run = (this.tails.get(lane) ?? Promise.resolve()).then(() => this.attempt(id, send));
    const tail = run.catch(() => undefined);
    this.tails.set(lane, tail);
    void tail.then(() => { if (this.tails.get(lane) === tail) this.tails.delete(lane); });
    return run;
  }

  /** Waits for this send's turn in the global stream. */
  private async slot(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const at = Math.max(now, this.nextSlot, this.pausedUntil);
      this.nextSlot = at + this.options.minIntervalMs;
      if (at > now) await sleep(at - now);
      if (Date.now() >= this.pausedUntil) return; // else a 429 came in meanwhile: queue again
    }
  }

  private async attempt<T>(id: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.slot();
      try {
        return await send();
      } catch (error) {
        if (!isTransient(error) || attempt >= this.options.maxRetries) {
          this.options.logger.error({ message: id, attempts: attempt + 1, err: (error as Error).message }, 'a Mattermost message could not be delivered');
          throw error;
        }
        await sleep(this.backoff(error, attempt));
      }
    }
  }

  private backoff(error: unknown, attempt: number): number {
    if (error instanceof MattermostApiError && error.status === 429) {
      this.rateLimited++;
      const wait = error.retryAfterMs ?? 1_000;
      this.pausedUntil = Math.max(this.pausedUntil, Date.now() + wait);
      return wait;
    }
    return (error instanceof MattermostApiError ? error.retryAfterMs : undefined) ?? Math.min(30_000, 250 * 2 ** attempt) * (0.5 + Math.random());
  }
}
