/**
 * The Mattermost REST calls the bot makes, over fetch. Not @mattermost/client's Client4: its
 * ClientError loses the status of a 429 (reference/mattermost.md), and the outbox needs it and
 * Retry-After to stay under the server's rate limit; every answer's X-RateLimit-* headers go to
 * `onAnswer` (the pacer, server-pacer.ts).
 */
import { systemClock, type Clock } from '../../core/ports/clock.ts';
import { rateLimitsOf, type ServerAnswer } from './rate-limits.ts';

export interface Post {
  id: string;
  channel_id: string;
  user_id: string;
  root_id: string;
  message: string;
  create_at: number;
  type?: string;
  props?: Record<string, unknown>;
}

export interface NewPost {
  channel_id: string;
  message: string;
  root_id?: string;
  /** `custom_matterops_<kind>` for a card (render-post.ts); the server keeps it, and a patch leaves it. */
  type?: string;
  props?: Record<string, unknown>;
  /** Made once per logical post: the server answers a repeat within 30 s with the post it made. */
  pending_post_id?: string;
}

export class MattermostApiError extends Error {
  readonly status: number;
  /** From Retry-After on a 429, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'MattermostApiError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface MattermostApiOptions {
  /** The deadline of one call (15 s); tests shorten it. */
  timeoutMs?: number;
  /** Told of every answer: when its request went out (by `clock`) and what its rate limit headers say. */
  onAnswer?: (answer: ServerAnswer) => void;
  /** What times the calls and waits out a 429 (the system clock; serve passes the composition root's). */
  clock?: Clock;
}

export class MattermostApi {
  readonly url: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly onAnswer: ((answer: ServerAnswer) => void) | undefined;
  private readonly clock: Clock;

  constructor(url: string, token: string, options: MattermostApiOptions = {}) {
    this.url = url.replace(/\/$/, '');
    this.token = token;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.onAnswer = options.onAnswer;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * One REST call. A GET refused with 429 is waited out (Retry-After, at most three times): reads
   * such as the catch-up after a restart come in bursts too, and repeating them changes nothing.
   * Writes are not retried here; the outbox (outbox.ts) owns their order and retries.
   */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.callOnce<T>(method, path, body);
      } catch (error) {
        const limited = error instanceof MattermostApiError && error.status === 429;
        if (!limited || method !== 'GET' || attempt >= 3) throw error;
        await this.clock.sleep(Math.min(error.retryAfterMs ?? 1000, 10_000));
      }
    }
  }

  private async callOnce<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    const sentAt = this.clock.now().getTime();
    try {
      response = await fetch(`${this.url}/api/v4${path}`, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new MattermostApiError(0, `cannot reach Mattermost at ${this.url}: ${(error as Error).message}`);
    }
    this.onAnswer?.({ sentAt, answeredAt: this.clock.now().getTime(), limits: rateLimitsOf(response.headers), refused: response.status === 429 });
    const text = await response.text();
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('Retry-After'));
      const detail = (() => {
        try {
          return (JSON.parse(text) as { message?: string }).message ?? text;
        } catch {
          return text;
        }
      })();
      throw new MattermostApiError(
        response.status,
        `Mattermost ${method} ${path} answered ${response.status}: ${detail.slice(0, 200)}`,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A multipart upload (the bot icon). */
  async upload(path: string, form: FormData): Promise<void> {
    const response = await fetch(`${this.url}/api/v4${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.token}` },
      body: form,
      signal: AbortSignal.timeout(this.timeoutMs * 4),
    });
    if (!response.ok)
      throw new MattermostApiError(response.status, `Mattermost POST ${path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }

  createPost(post: NewPost): Promise<Post> {
    return this.call('POST', '/posts', post);
  }

  patchPost(id: string, patch: { message?: string; props?: Record<string, unknown> }): Promise<Post> {
    return this.call('PUT', `/posts/${id}/patch`, patch);
  }

  /** Posts of a channel created after `since` (ms epoch), oldest first. */
  async postsSince(channelId: string, since: number): Promise<Post[]> {
    const list = await this.call<{ order: string[]; posts: Record<string, Post> }>('GET', `/channels/${channelId}/posts?since=${since}`);
    return Object.values(list.posts).sort((a, b) => a.create_at - b.create_at);
  }

  /** A channel of a team by their names (`ops`, `incidents`), as a routing label names it. */
  channelByName(team: string, name: string): Promise<{ id: string; name: string }> {
    return this.call('GET', `/teams/name/${encodeURIComponent(team)}/channels/name/${encodeURIComponent(name)}`);
  }

  /** The ids of the active webapp plugins (what the web app loads; any session may read it). */
  async webappPlugins(): Promise<string[]> {
    return (await this.call<{ id: string }[] | null>('GET', '/plugins/webapp'))?.map((p) => p.id) ?? [];
  }

  me(): Promise<{ id: string; username: string; is_bot?: boolean; roles?: string }> {
    return this.call('GET', '/users/me');
  }
}
