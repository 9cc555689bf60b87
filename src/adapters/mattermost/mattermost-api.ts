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
  /** The files it carries (at most 5), as uploaded to its channel. */
  file_ids?: string[];
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
  /** Files uploaded to the channel beforehand (`uploadFile`), shown under the post. */
  file_ids?: string[];
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

  private callOnce<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.send<T>(method, path, {
      headers: { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** One request, its answer told to `onAnswer` and its failure a MattermostApiError with the status (and Retry-After). */
  private async send<T>(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string | FormData },
    timeoutMs = this.timeoutMs,
  ): Promise<T> {
    let response: Response;
    const sentAt = this.clock.now().getTime();
    try {
      response = await fetch(`${this.url}/api/v4${path}`, {
        method,
        headers: { Authorization: `Bearer ${this.token}`, 'X-Requested-With': 'XMLHttpRequest', ...init.headers },
        body: init.body,
        signal: AbortSignal.timeout(timeoutMs),
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

  /**
   * Uploads a text file to a channel (POST /api/v4/files, multipart), for a post made next to
   * name in its `file_ids`; answers the file's id. Retried by the outbox like a create.
   */
  async uploadFile(channelId: string, file: { name: string; content: string }): Promise<string> {
    const form = new FormData();
    form.append('channel_id', channelId);
    form.append('files', new Blob([file.content], { type: 'text/plain' }), file.name);
    const answer = await this.send<{ file_infos?: { id: string }[] }>('POST', '/files', { body: form }, this.timeoutMs * 2);
    const id = answer.file_infos?.[0]?.id;
    if (!id) throw new MattermostApiError(500, `Mattermost POST /files named no file for ${file.name}`);
    return id;
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
