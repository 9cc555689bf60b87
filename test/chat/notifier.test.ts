/**
 * The Mattermost notifier against the real Mattermost 9.9 (issue 10, item 4): the Notifier
 * contract, and an outage: with the bot's connection cut (a loopback proxy, the shared server keeps
 * running), posts, replies and an edit queued meanwhile all land once, in order, when it is back.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostApi, type Post } from '../../src/adapters/mattermost/mattermost-api.ts';
import { ServerPacer } from '../../src/adapters/mattermost/server-pacer.ts';
import { createMattermostNotifier, type MattermostNotifier } from '../../src/adapters/mattermost/mattermost-notifier.ts';
import { systemClock } from '../../src/core/ports/clock.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { reply, text } from '../../src/core/reply.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { notifierContract, type SeenPost } from '../contract/notifier.contract.ts';
import { env } from '../support/sandbox.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

type Read = Post & { props?: { attachments?: { text?: string }[] } };
const bot = (): MattermostApi => new MattermostApi(env('MM_URL'), env('MM_BOT_TOKEN'));
let channel = '';
let otherChannel = '';
let proxy: TcpProxy;
const notifiers: MattermostNotifier[] = [];

function notifierOn(url: string): MattermostNotifier {
  const pacer = new ServerPacer({ clock: systemClock });
  const notifier = createMattermostNotifier({
    api: new MattermostApi(url, env('MM_BOT_TOKEN'), { timeoutMs: 3_000, onAnswer: (a) => pacer.answered(a) }),
    clock: systemClock,
    logger: silentLogger,
    userId: env('MM_BOT_USER_ID'),
    pacer,
  });
  notifiers.push(notifier);
  return notifier;
}

/** The bot's posts in `id`, oldest first, as a reader sees their words. */
async function read(id: string): Promise<SeenPost[]> {
  const page = await bot().call<{ posts: Record<string, Read> }>('GET', `/channels/${id}/posts?per_page=200`);
  return Object.values(page.posts)
    .filter((p) => !p.type && p.user_id === env('MM_BOT_USER_ID'))
    .sort((a, b) => a.create_at - b.create_at)
    .map((p) => ({ id: p.id, root: p.root_id, text: [p.message, ...(p.props?.attachments ?? []).map((a) => a.text ?? '')].filter(Boolean).join('\n\n') }));
}

/** The files of a post as a reader downloads them: from the post's file ids, each file's name and bytes. */
async function files(postId: string): Promise<{ id: string; name: string; content: string }[]> {
  const post = await bot().call<Post>('GET', `/posts/${postId}`);
  return Promise.all(
    (post.file_ids ?? []).map(async (id) => {
      const info = await bot().call<{ name: string }>('GET', `/files/${id}/info`);
      const response = await fetch(`${env('MM_URL')}/api/v4/files/${id}`, { headers: { Authorization: `Bearer ${env('MM_BOT_TOKEN')}` } });
      return { id, name: info.name, content: await response.text() };
    }),
  );
}

const newChannel = async (): Promise<string> =>
  (
    await bot().call<{ id: string }>('POST', '/channels', {
      team_id: env('MM_TEAM_ID'),
      name: `notifier-${randomBytes(3).toString('hex')}`,
      display_name: 'notifier',
      type: 'O',
    })
  ).id;

beforeAll(async () => {
  // Channels of its own, so reading them back reads only this file's posts.
  channel = await newChannel();
  otherChannel = await newChannel();
  proxy = await startTcpProxy(Number(env('PORT_MATTERMOST')));
});
afterAll(async () => {
  for (const n of notifiers) n.close();
  await proxy.close();
});

notifierContract('Mattermost', () => ({ notifier: notifierOn(env('MM_URL')), channel, otherChannel, missingChannel: 'x'.repeat(26), read, files }));

describe('the Mattermost notifier while Mattermost is unreachable', () => {
  it('delivers every post, reply and edit queued during the outage once, in order, when it is back', async () => {
    const notifier = notifierOn(`http://127.0.0.1:${proxy.port}`);
    const tag = randomBytes(4).toString('hex');
    const says = (what: string) => reply('info', text(`${what} ${tag}`));
    proxy.cut();
    const root = notifier.post({ channel }, says('outage'));
    const replies = [1, 2, 3, 4, 5].map((n) => notifier.post({ channel, thread: root }, says(`reply ${n}`)));
    const edit = notifier.edit(replies[2]!, says('reply 3 edited'));
    await sleep(3_000); // several attempts fail meanwhile
    expect(notifier.depth).toBe(7);
    expect((await read(channel)).filter((p) => p.text.endsWith(tag))).toEqual([]);
    proxy.restore();
    const outcomes = await Promise.all([root.delivery, ...replies.map((r) => r.delivery), edit]);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const seen = (await read(channel)).filter((p) => p.text.endsWith(tag));
    expect(seen.map((p) => p.text)).toEqual(['outage', 'reply 1', 'reply 2', 'reply 3 edited', 'reply 4', 'reply 5'].map((w) => `${w} ${tag}`));
    const rootId = seen[0]?.id;
    expect(seen.slice(1).map((p) => p.root)).toEqual(Array(5).fill(rootId));
    expect(notifier.depth).toBe(0);
  }, 60_000);
});
