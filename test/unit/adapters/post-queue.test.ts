/**
 * Issue 9, item 13: the post queue is per channel, keeps order within a channel and for the edits of
 * one post, keeps its send spacing global, and a retried create re-sends the same body with one
 * `pending_post_id`, so Mattermost dedupes it instead of making a second post.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idempotentCreate } from '../../../src/adapters/mattermost/idempotent-create.ts';
import { MattermostApiError, type MattermostApi, type NewPost, type Post } from '../../../src/adapters/mattermost/mattermost-api.ts';
import { PostQueue } from '../../../src/adapters/mattermost/post-queue.ts';
import { createPoster } from '../../../src/adapters/mattermost/poster.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';

interface Sent { at: number; body: NewPost | { id: string; message?: string } }

/** A Mattermost that records every create and patch, and fails the ones `fail` picks. */
function fakeApi(fail: (body: Sent['body'], attempt: number) => MattermostApiError | undefined = () => undefined) {
  const sent: Sent[] = [];
  const attempts = new Map<string, number>();
  const answer = (body: Sent['body'], key: string): Promise<Post> => {
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    sent.push({ at: Date.now(), body: structuredClone(body) });
    const error = fail(body, attempt);
    if (error) return Promise.reject(error);
    const channel = 'channel_id' in body ? body.channel_id : 'edited';
    return Promise.resolve({ id: `p${sent.length}`, channel_id: channel, user_id: 'bot', root_id: '', message: body.message ?? '', create_at: Date.now() });
  };
  const api = {
    createPost: (post: NewPost) => answer(post, post.message),
    patchPost: (id: string, patch: { message?: string }) => answer({ id, ...patch }, `${id}:${patch.message ?? ''}`),
  } as unknown as MattermostApi;
  return { api, sent };
}

const unavailable = (): MattermostApiError => new MattermostApiError(503, 'Mattermost is restarting');
const timedOut = (): MattermostApiError => new MattermostApiError(0, 'cannot reach Mattermost: The operation was aborted due to timeout');

describe('the post queue', () => {
  it('does not hold posts to other channels while one channel keeps failing', async () => {
    const { api } = fakeApi((body) => ('channel_id' in body && body.channel_id === 'broken' ? unavailable() : undefined));
    const poster = createPoster(api, new PostQueue({ minIntervalMs: 0, maxRetries: 3, logger: silentLogger }));
    const broken = poster.text({ channelId: 'broken' }, 'to the broken channel');
    const brokenSettled = broken.then(() => performance.now(), () => performance.now());
    await new Promise((r) => setTimeout(r, 20)); // the broken channel is now backing off
    await poster.text({ channelId: 'healthy' }, 'to the healthy channel');
    const healthyAt = performance.now();
    // Ordered, not timed: a queue shared by both channels would deliver the healthy post only
    // once the broken one had given up.
    expect(await brokenSettled).toBeGreaterThan(healthyAt); // still retrying when the other was delivered
    await expect(broken).rejects.toThrow('restarting');
  });

  it('keeps the order within a channel while a send in it is retried', async () => {
    const { api, sent } = fakeApi((body, attempt) => (body.message === 'first' && attempt === 1 ? unavailable() : undefined));
    const poster = createPoster(api, new PostQueue({ minIntervalMs: 0, maxRetries: 4, logger: silentLogger }));
    await Promise.all(['first', 'second', 'third'].map((m) => poster.text({ channelId: 'ops' }, m)));
    expect(sent.map((s) => s.body.message)).toEqual(['first', 'first', 'second', 'third']);
  });

  it('keeps the order of the edits of one post while one is retried', async () => {
    const { api, sent } = fakeApi((body, attempt) => (body.message === 'edit 1' && attempt === 1 ? unavailable() : undefined));
    const poster = createPoster(api, new PostQueue({ minIntervalMs: 0, maxRetries: 4, logger: silentLogger }));
    await Promise.all(['edit 1', 'edit 2', 'edit 3'].map((m) => poster.editText('post-from-elsewhere', m)));
    expect(sent.map((s) => s.body.message)).toEqual(['edit 1', 'edit 1', 'edit 2', 'edit 3']);
  });

  it('spaces sends to different channels as one stream, under the server rate limit', async () => {
    const { api, sent } = fakeApi();
    const poster = createPoster(api, new PostQueue({ minIntervalMs: 40, maxRetries: 1, logger: silentLogger }));
    await Promise.all(['a', 'b', 'c', 'd'].map((c) => poster.text({ channelId: c }, `to ${c}`)));
    const gaps = sent.slice(1).map((s, i) => s.at - (sent[i]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(35);
  });

  it('waits out a 429 in every channel: the server limits the bot, not one channel', async () => {
    const { api, sent } = fakeApi((body, attempt) => (body.message === 'limited' && attempt === 1 ? new MattermostApiError(429, 'limit exceeded', 150) : undefined));
    const poster = createPoster(api, new PostQueue({ minIntervalMs: 0, maxRetries: 3, logger: silentLogger }));
    const limited = poster.text({ channelId: 'a' }, 'limited');
    await new Promise((r) => setTimeout(r, 10));
    await poster.text({ channelId: 'b' }, 'other');
    await limited;
    const first = sent[0]?.at ?? 0;
    const other = sent.find((s) => s.body.message === 'other');
    expect(sent.map((s) => s.body.message).sort()).toEqual(['limited', 'limited', 'other']);
    expect((other?.at ?? 0) - first).toBeGreaterThanOrEqual(140);
  });
});

describe('creating a post', () => {
  it('re-sends the same body with the same pending_post_id after a timeout', async () => {
    const { api, sent } = fakeApi((body, attempt) => (body.message === 'plan' && attempt === 1 ? timedOut() : undefined));
    const poster = createPoster(api, new PostQueue({ minIntervalMs: 0, maxRetries: 3, logger: silentLogger }));
    await poster.post({ channelId: 'ops', rootId: 'root1' }, { tone: 'warning', blocks: [{ kind: 'text', text: 'plan' }] });
    expect(sent).toHaveLength(2);
    const [first, retry] = sent.map((s) => s.body as NewPost);
    expect(first?.pending_post_id).toMatch(/\S{10,}/);
    expect(retry).toEqual(first);
  });

  it('gives every logical post its own pending_post_id, parts of a long reply too', async () => {
    const { api, sent } = fakeApi();
    const poster = createPoster(api, new PostQueue({ minIntervalMs: 0, maxRetries: 1, logger: silentLogger }));
    await poster.text({ channelId: 'ops' }, 'one');
    await poster.text({ channelId: 'ops' }, 'two');
    await poster.post({ channelId: 'ops' }, { tone: 'neutral', blocks: [{ kind: 'code', text: 'x'.repeat(40_000) }] });
    const ids = sent.map((s) => (s.body as NewPost).pending_post_id);
    expect(ids.length).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('a create retried after the server forgot its pending_post_id (30 s)', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('finds the post its first attempt made instead of making a second one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const made: Post[] = [];
    const api = {
      // The server makes the post, but its answer never arrives.
      createPost: (post: NewPost) => {
        made.push({ id: `p${made.length + 1}`, channel_id: post.channel_id, user_id: 'bot', root_id: '', message: post.message, create_at: Date.now(), props: post.props ?? {} });
        return Promise.reject(timedOut());
      },
      postsSince: () => Promise.resolve(made),
    } as unknown as MattermostApi;
    const send = idempotentCreate(api, { channel_id: 'ops', message: 'plan with buttons' });
    await expect(send()).rejects.toThrow('timeout');
    vi.setSystemTime(Date.now() + 31_000);
    expect((await send()).id).toBe('p1');
    expect(made).toHaveLength(1);
  });
});
