/**
 * Every post and edit goes through one queue: in order, spaced to stay under the server's rate
 * limit, waiting out a 429's Retry-After, retrying transient failures with backoff. A message that
 * outlives its retries is logged with its id, never dropped silently.
 */
import type { Logger } from '../../core/ports/logger.ts';
import { MattermostApiError } from './mattermost-api.ts';

export interface PostQueueOptions {
  /** At least this long between two sends (1000 / per-second limit). */
  minIntervalMs: number;
  maxRetries: number;
  logger: Logger;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const isTransient = (e: unknown): boolean => !(e instanceof MattermostApiError) || e.status === 0 || e.status === 429 || e.status >= 500;

export class PostQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private lastSend = 0;
  private readonly options: PostQueueOptions;
  /** Sends retried after a 429, for tests and metrics. */
  rateLimited = 0;

  constructor(options: PostQueueOptions) {
    this.options = options;
  }

  /** Runs `send` after everything queued before it; resolves with its result. */
  enqueue<T>(id: string, send: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.attempt(id, send));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async attempt<T>(id: string, send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const wait = this.lastSend + this.options.minIntervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      this.lastSend = Date.now();
      try {
        return await send();
      } catch (error) {
        if (!isTransient(error) || attempt >= this.options.maxRetries) {
          this.options.logger.error({ message: id, attempts: attempt + 1, err: (error as Error).message }, 'a Mattermost message could not be delivered');
          throw error;
        }
        const retryAfter = error instanceof MattermostApiError ? error.retryAfterMs : undefined;
        if (error instanceof MattermostApiError && error.status === 429) this.rateLimited++;
        await sleep(retryAfter ?? Math.min(30_000, 250 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }
}
