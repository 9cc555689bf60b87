/**
 * Issue 9, item 13, against the real Mattermost 9.9: a create repeated with the same
 * `pending_post_id` makes one post (what the notifier relies on), and a create whose answer is held
 * past the client's timeout is retried by the outbox and still makes exactly one post.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostApi, type Post } from '../../src/adapters/mattermost/mattermost-api.ts';
import { newPendingPostId } from '../../src/adapters/mattermost/idempotent-create.ts';
import { ServerPacer } from '../../src/adapters/mattermost/server-pacer.ts';
import { createMattermostNotifier } from '../../src/adapters/mattermost/mattermost-notifier.ts';
import { systemClock } from '../../src/core/ports/clock.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { deliveredId } from '../../src/core/ports/notifier.ts';
import { env } from '../support/sandbox.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

const bot = (): MattermostApi => new MattermostApi(env('MM_URL'), env('MM_BOT_TOKEN'));
let channel = '';
let proxy: TcpProxy;

async function postsWith(message: string): Promise<Post[]> {
  const page = await bot().call<{ posts: Record<string, Post> }>('GET', `/channels/${channel}/posts?per_page=200`);
  return Object.values(page.posts).filter((p) => p.message === message);
}

beforeAll(async () => {
  // A channel of its own, so counting posts there counts only this file's.
  channel = (
    await bot().call<{ id: string }>('POST', '/channels', {
      team_id: env('MM_TEAM_ID'),
      name: `idem-${randomBytes(3).toString('hex')}`,
      display_name: 'idempotency',
      type: 'O',
    })
  ).id;
  proxy = await startTcpProxy(Number(env('PORT_MATTERMOST')));
});
afterAll(async () => {
  await proxy.close();
});

describe('Mattermost 9.9 with pending_post_id', () => {
  it.each([
    ['the web app format <user id>:<ms>', () => `${env('MM_BOT_USER_ID')}:${Date.now()}`],
    ['the notifier format <user id>:<ms>:<random>', () => newPendingPostId(env('MM_BOT_USER_ID'))],
  ])('answers a repeated create with the post it made, for %s', async (_, pendingId) => {
    const message = `once ${randomBytes(4).toString('hex')}`;
    const body = { channel_id: channel, message, pending_post_id: pendingId() };
    const first = await bot().createPost(body);
    const repeat = await bot().createPost(body);
    expect(repeat.id).toBe(first.id);
    expect(await postsWith(message)).toHaveLength(1);
  });

  it('makes two posts for two pending post ids, and for creates without one', async () => {
    const message = `twice ${randomBytes(4).toString('hex')}`;
    await bot().createPost({ channel_id: channel, message, pending_post_id: newPendingPostId() });
    await bot().createPost({ channel_id: channel, message, pending_post_id: newPendingPostId() });
    await bot().createPost({ channel_id: channel, message });
    expect(await postsWith(message)).toHaveLength(3);
  });
});

describe('the notifier', () => {
  it('makes exactly one post when the answer to its create is held past the client timeout', async () => {
    const api = new MattermostApi(`http://127.0.0.1:${proxy.port}`, env('MM_BOT_TOKEN'), { timeoutMs: 1_500 });
    const notifier = createMattermostNotifier({
      api,
      clock: systemClock,
      logger: silentLogger,
      userId: env('MM_BOT_USER_ID'),
      pacer: new ServerPacer({ clock: systemClock }),
    });
    const message = `held ${randomBytes(4).toString('hex')}`;
    const forwarded = proxy.swallowResponse(/^POST \/api\/v4\/posts HTTP/);
    const id = await deliveredId(notifier.postText({ channel }, message));
    await forwarded; // the held create really reached the server
    const posts = await postsWith(message);
    expect(posts.map((p) => p.id)).toEqual([id]);
  });
});
