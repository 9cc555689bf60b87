/**
 * Fault tests with the bot as a process: its connection to Mattermost cut while mentions are
 * posted, and the Mattermost server restarted after a mention. Every mention is answered once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { restartMattermost } from '../sandbox/sandbox.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, sandboxEnv } from '../support/sandbox.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import type { MattermostPost as Post } from '../support/mattermost-post.ts';

let bot: BotProcess;
let proxy: TcpProxy;
const alice = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE'));
const websocketUp = async (): Promise<boolean> => ((await (await fetch(`${bot.url}/readyz`)).json()) as { websocket: boolean }).websocket;

async function mention(text: string): Promise<Post> {
  return await alice().call<Post>('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message: `@matterops ${text}` });
}
async function repliesTo(ids: string[], since: number): Promise<Post[]> {
  const list = await alice().call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_OPS')}/posts?since=${since}`);
  return Object.values(list.posts).filter((p) => p.user_id === env('MM_BOT_USER_ID') && ids.includes(p.root_id));
}
async function answeredOnce(ids: string[], since: number): Promise<void> {
  await waitFor(async () => (await repliesTo(ids, since)).length >= ids.length, { what: 'answers to every mention', timeoutMs: 60_000, intervalMs: 300 });
  await new Promise((r) => setTimeout(r, 2_000)); // any duplicate would arrive by now
  const replies = await repliesTo(ids, since);
  expect(replies.map((r) => r.root_id).sort()).toEqual([...ids].sort());
}

beforeAll(async () => {
  proxy = await startTcpProxy(Number(env('PORT_MATTERMOST')));
  bot = await startBot(sandboxEnv(), { MM_URL: `http://127.0.0.1:${proxy.port}` });
  // A first mention, so the bot keeps a position in this channel to catch up from.
  const since = Date.now();
  await answeredOnce([(await mention('version')).id], since);
}, 90_000);
afterAll(async () => {
  await bot.stop();
  await proxy.close();
});

describe('the bot when connections fail', () => {
  it('answers both mentions posted while its websocket was cut, once each', async () => {
    const since = Date.now();
    proxy.cut();
    await waitFor(async () => !(await websocketUp()) || undefined, { what: 'the bot to notice the cut', timeoutMs: 30_000 });
    const ids = [(await mention('version')).id, (await mention('whoami')).id];
    proxy.restore();
    await waitFor(websocketUp, { what: 'the websocket to reconnect', timeoutMs: 30_000 });
    await answeredOnce(ids, since);
  });

  it('answers a mention made just before a Mattermost restart once, catching up through REST', async () => {
    const since = Date.now();
    proxy.cut();
    await waitFor(async () => !(await websocketUp()) || undefined, { what: 'the bot to notice the cut', timeoutMs: 30_000 });
    const id = (await mention('version')).id;
    await restartMattermost(); // the new server has no replay buffer for the old connection
    proxy.restore();
    await answeredOnce([id], since);
  }, 120_000);
});
