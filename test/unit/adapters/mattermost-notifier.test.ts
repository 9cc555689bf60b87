/**
 * The Mattermost notifier over a recording fake of the REST API, on the fake clock (issue 10, item
 * 4; the post queue tests of issue 9, item 13 moved here): the outbox is per channel, keeps order
 * within a channel and for the edits of one post, keeps its send spacing global, refs work before
 * their posts exist, and a retried create re-sends the same body with one `pending_post_id`, so
 * Mattermost dedupes it instead of making a second post. No test waits for real.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idempotentCreate } from '../../../src/adapters/mattermost/idempotent-create.ts';
import { MattermostApiError, type MattermostApi, type NewPost, type Post } from '../../../src/adapters/mattermost/mattermost-api.ts';
import { ServerPacer } from '../../../src/adapters/mattermost/server-pacer.ts';
import { createMattermostNotifier, type MattermostNotifierOptions } from '../../../src/adapters/mattermost/mattermost-notifier.ts';
import { silentLogger } from '../../../src/core/ports/logger.ts';
import { existingPost } from '../../../src/core/ports/notifier.ts';
import { FakeClock } from '../../fakes/fake-clock.ts';

interface Sent {
  at: number;
  body: NewPost | { id: string; message?: string };
}

/** A Mattermost that records every create and patch, and fails the ones `fail` picks. */
function fakeApi(clock: FakeClock, fail: (body: Sent['body'], attempt: number) => MattermostApiError | undefined = () => undefined) {
  const sent: Sent[] = [];
  const attempts = new Map<string, number>();
  const answer = (body: Sent['body'], key: string): Promise<Post> => {
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    sent.push({ at: clock.now().getTime(), body: structuredClone(body) });
    const error = fail(body, attempt);
    if (error) return Promise.reject(error);
    const channel = 'channel_id' in body ? body.channel_id : 'edited';
    const root = 'root_id' in body ? (body.root_id ?? '') : '';
    return Promise.resolve({
      id: `p${sent.length}`,
      channel_id: channel,
      user_id: 'bot',
      root_id: root,
      message: body.message ?? '',
      create_at: clock.now().getTime(),
    });
  };
  const api = {
    createPost: (post: NewPost) => answer(post, post.message),
    patchPost: (id: string, patch: { message?: string }) => answer({ id, ...patch }, `${id}:${patch.message ?? ''}`),
    postsSince: () => Promise.resolve([]),
  } as unknown as MattermostApi;
  return { api, sent };
}

function notifierOn(api: MattermostApi, clock: FakeClock, options: Partial<MattermostNotifierOptions> = {}) {
  return createMattermostNotifier({ api, clock, logger: silentLogger, pacer: new ServerPacer({ clock }), ...options });
}

const unavailable = (): MattermostApiError => new MattermostApiError(503, 'Mattermost is restarting');
const timedOut = (): MattermostApiError => new MattermostApiError(0, 'cannot reach Mattermost: The operation was aborted due to timeout');

describe('the outbox behind the notifier', () => {
  it('does not hold posts to other channels while one channel keeps failing', async () => {
    const clock = new FakeClock();
    const { api } = fakeApi(clock, (body) => ('channel_id' in body && body.channel_id === 'broken' ? unavailable() : undefined));
    const notifier = notifierOn(api, clock, { maxAgeMs: 60_000 });
    const order: string[] = [];
    const broken = notifier.postText({ channel: 'broken' }, 'to the broken channel').delivery.then((d) => {
      order.push('broken');
      return d;
    });
    await clock.advance(20); // the broken channel is now backing off
    await notifier.postText({ channel: 'healthy' }, 'to the healthy channel').delivery.then(() => order.push('healthy'));
    // Ordered, not timed: a queue shared by both channels would deliver the healthy post only
    // once the broken one had given up.
    expect(order).toEqual(['healthy']); // still retrying when the other was delivered
    await clock.advance(120_000);
    expect(await broken).toMatchObject({ ok: false, reason: expect.stringContaining('restarting') as string });
    expect(order).toEqual(['healthy', 'broken']);
  });

  it('keeps the order within a channel while a send in it is retried', async () => {
    const clock = new FakeClock();
    const { api, sent } = fakeApi(clock, (body, attempt) => (body.message === 'first' && attempt === 1 ? unavailable() : undefined));
    const notifier = notifierOn(api, clock);
    const refs = ['first', 'second', 'third'].map((m) => notifier.postText({ channel: 'ops' }, m));
    await clock.advance(5_000);
    await Promise.all(refs.map((r) => r.delivery));
    expect(sent.map((s) => s.body.message)).toEqual(['first', 'first', 'second', 'third']);
  });

  it('keeps the order of the edits of one post while one is retried, sending only the latest of those waiting', async () => {
    const clock = new FakeClock();
    const { api, sent } = fakeApi(clock, (body, attempt) => (body.message === 'edit 1' && attempt === 1 ? unavailable() : undefined));
    const notifier = notifierOn(api, clock);
    const post = existingPost('ops', 'post-from-elsewhere');
    const first = notifier.editText(post, 'edit 1');
    await clock.advance(1); // sent, refused, backing off
    const edits = [first, ...['edit 2', 'edit 3'].map((m) => notifier.editText(post, m))];
    await clock.advance(5_000);
    expect((await Promise.all(edits)).every((e) => e.ok)).toBe(true);
    // edit 1 was under way when 2 and 3 came: 3 replaced 2, which had not been sent.
    expect(sent.map((s) => s.body.message)).toEqual(['edit 1', 'edit 1', 'edit 3']);
    expect(notifier.coalesced).toBe(1);
  });

  it('spaces sends to different channels as one stream under a ceiling (MM_POSTS_PER_SECOND)', async () => {
    const clock = new FakeClock();
    const { api, sent } = fakeApi(clock);
    const notifier = notifierOn(api, clock, { pacer: new ServerPacer({ clock, ceilingPerSecond: 25 }) });
    const refs = ['a', 'b', 'c', 'd'].map((c) => notifier.postText({ channel: c }, `to ${c}`));
    await clock.advance(1_000);
    await Promise.all(refs.map((r) => r.delivery));
    const gaps = sent.slice(1).map((s, i) => s.at - (sent[i]?.at ?? 0));
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(40);
  });

  it('waits out a 429 in every channel: the server limits the bot, not one channel', async () => {
    const clock = new FakeClock();
    const { api, sent } = fakeApi(clock, (body, attempt) =>
      body.message === 'limited' && attempt === 1 ? new MattermostApiError(429, 'limit exceeded', 150) : undefined,
    );
    const notifier = notifierOn(api, clock);
    const limited = notifier.postText({ channel: 'a' }, 'limited');
    await clock.advance(10);
    const other = notifier.postText({ channel: 'b' }, 'other');
    await clock.advance(1_000);
    await Promise.all([limited.delivery, other.delivery]);
    const first = sent[0]?.at ?? 0;
    const otherSent = sent.find((s) => s.body.message === 'other');
    expect(sent.map((s) => s.body.message).sort()).toEqual(['limited', 'limited', 'other']);
    expect((otherSent?.at ?? 0) - first).toBeGreaterThanOrEqual(150);
    expect(notifier.rateLimited).toBe(1);
  });
});

describe('refs before their posts exist', () => {
  it('sends an edit of a queued post to the id its create got, and a reply under a reply to the root', async () => {
    const clock = new FakeClock();
    const { api, sent } = fakeApi(clock, (body, attempt) => (body.message === 'root' && attempt < 3 ? timedOut() : undefined));
    const notifier = notifierOn(api, clock);
    const root = notifier.postText({ channel: 'ops' }, 'root');
    const reply = notifier.postText({ channel: 'ops', thread: root }, 'reply');
    notifier.postText({ channel: 'ops', thread: reply }, 'under the reply');
    const edit = notifier.editText(root, 'root, edited');
    await clock.advance(10_000);
    const rootId = (await root.delivery).ok ? 'p3' : '';
    expect(await root.delivery).toEqual({ ok: true, postId: rootId });
    expect(await edit).toEqual({ ok: true, postId: rootId });
    expect(sent.slice(3).map((s) => ('root_id' in s.body ? [s.body.message, s.body.root_id] : [s.body.message, (s.body as { id: string }).id]))).toEqual([
      ['reply', rootId],
      ['under the reply', rootId],
      ['root, edited', rootId],
    ]);
  });

  it('edits a post and replies in its thread after more posts than it remembers keys of were made', async () => {
    const clock = new FakeClock();
    const { api, sent } = fakeApi(clock);
    const notifier = notifierOn(api, clock);
    const old = notifier.postText({ channel: 'ops' }, 'old');
    const reply = notifier.postText({ channel: 'ops', thread: old }, 'old reply');
    await clock.advance(10);
    const oldId = (await old.delivery).ok ? 'p1' : '';
    const many = Array.from({ length: 10_050 }, (_, i) => notifier.postText({ channel: 'busy' }, `busy ${i}`));
    await Promise.all(many.map((r) => r.delivery));
    expect(await notifier.editText(old, 'old, edited')).toEqual({ ok: true, postId: oldId });
    expect((await notifier.postText({ channel: 'ops', thread: reply }, 'late reply').delivery).ok).toBe(true);
    expect((sent.at(-1)?.body as NewPost).root_id).toBe(oldId);
  });

  it('gives up an edit and a reply of a post the server refused, without sending them', async () => {
    const clock = new FakeClock();
    const logged: unknown[] = [];
    const { api, sent } = fakeApi(clock, (body) => (body.message === 'refused' ? new MattermostApiError(403, 'no permission') : undefined));
    const notifier = notifierOn(api, clock, {
      logger: {
        ...silentLogger,
        error: (f) => {
          logged.push(f.message);
        },
      },
    });
    const ref = notifier.postText({ channel: 'ops' }, 'refused');
    const reply = notifier.postText({ channel: 'ops', thread: ref }, 'reply');
    const edit = notifier.editText(ref, 'edited');
    await clock.advance(1_000);
    expect(await ref.delivery).toMatchObject({ ok: false, reason: expect.stringContaining('no permission') as string });
    expect(await reply.delivery).toMatchObject({ ok: false, reason: 'the post it refers to was never made' });
    expect(await edit).toMatchObject({ ok: false });
    expect(sent).toHaveLength(1);
    expect(logged).toHaveLength(3);
    expect(logged).toContain(ref.key);
  });
});

describe('creating a post', () => {
  it('re-sends the same body with the same pending_post_id after a timeout', async () => {
    const clock = new FakeClock();
    const { api, sent } = fakeApi(clock, (body, attempt) => (body.message === 'plan' && attempt === 1 ? timedOut() : undefined));
    const notifier = notifierOn(api, clock);
    const ref = notifier.post({ channel: 'ops', thread: existingPost('ops', 'root1') }, { tone: 'warning', blocks: [{ kind: 'text', text: 'plan' }] });
    await clock.advance(5_000);
    expect((await ref.delivery).ok).toBe(true);
    expect(sent).toHaveLength(2);
    const [first, retry] = sent.map((s) => s.body as NewPost);
    expect(first?.pending_post_id).toMatch(/\S{10,}/);
    expect(first?.pending_post_id).toBe(ref.key);
    expect(first?.root_id).toBe('root1');
    expect(retry).toEqual(first);
  });

  it('gives every logical post its own pending_post_id, parts of a long reply too', async () => {
    const clock = new FakeClock();
    const { api, sent } = fakeApi(clock);
    const notifier = notifierOn(api, clock);
    notifier.postText({ channel: 'ops' }, 'one');
    notifier.postText({ channel: 'ops' }, 'two');
    const long = notifier.post({ channel: 'ops' }, { tone: 'neutral', blocks: [{ kind: 'code', text: 'x'.repeat(40_000) }] });
    await clock.advance(1_000);
    expect((await long.delivery).ok).toBe(true);
    const ids = sent.map((s) => (s.body as NewPost).pending_post_id);
    expect(ids.length).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
    expect(notifier.depth).toBe(0);
  });

  it('finds the post a lost answer made once the server forgot its pending_post_id, through a long outage', async () => {
    const clock = new FakeClock();
    const made: Post[] = [];
    const start = clock.now().getTime();
    // The first create makes the post but its answer never arrives; then Mattermost restarts for a minute.
    const restarting = (): boolean => made.length > 0 && clock.now().getTime() < start + 60_000;
    const api = {
      createPost: (post: NewPost) => {
        if (restarting()) return Promise.reject(unavailable());
        made.push({
          id: `p${made.length + 1}`,
          channel_id: post.channel_id,
          user_id: 'bot',
          root_id: '',
          message: post.message,
          create_at: clock.now().getTime(),
          props: post.props ?? {},
        });
        return Promise.reject(timedOut());
      },
      postsSince: () => (restarting() ? Promise.reject(unavailable()) : Promise.resolve(made)),
    } as unknown as MattermostApi;
    const ref = notifierOn(api, clock).postText({ channel: 'ops' }, 'plan with buttons');
    await clock.advance(150_000);
    expect(await ref.delivery).toEqual({ ok: true, postId: 'p1' });
    expect(made).toHaveLength(1);
  });
});

describe('a create retried after the server forgot its pending_post_id (30 s)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('finds the post its first attempt made instead of making a second one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const made: Post[] = [];
    const api = {
      // The server makes the post, but its answer never arrives.
      createPost: (post: NewPost) => {
        made.push({
          id: `p${made.length + 1}`,
          channel_id: post.channel_id,
          user_id: 'bot',
          root_id: '',
          message: post.message,
          create_at: Date.now(),
          props: post.props ?? {},
        });
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
