/**
 * A leader that cannot hear mentions gives the lead up (issue 9, item 15): two replicas, the
 * leader reaching Mattermost through a proxy the test cuts. Its Lease renewals still work (the
 * cluster is fine), so before the fix it kept leading, deaf, and every mention went unanswered.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, sandboxEnv } from '../support/sandbox.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import type { MattermostPost as Post } from '../support/mattermost-post.ts';

const alice = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE'));
const replicaEnv = { MATTEROPS_LEADER_SECONDS: '4' };
let proxy: TcpProxy;
let deaf: BotProcess;
let healthy: BotProcess;

const readiness = async (bot: BotProcess): Promise<{ role: string; websocket: boolean }> =>
  (await fetch(`${bot.url}/readyz`)).json() as Promise<{ role: string; websocket: boolean }>;

beforeAll(async () => {
  proxy = await startTcpProxy(Number(env('PORT_MATTERMOST')));
  deaf = await startBot(sandboxEnv(), { ...replicaEnv, MM_URL: `http://127.0.0.1:${proxy.port}` });
  await waitFor(async () => (await readiness(deaf)).role === 'leader', { what: 'the first replica to lead', timeoutMs: 20_000 });
  healthy = await startBot(sandboxEnv(), replicaEnv);
}, 150_000);
afterAll(async () => {
  await Promise.all([deaf.stop(), healthy.stop()]);
  await proxy.close();
});

it('a leader whose websocket stays down longer than its Lease steps down, and the healthy replica answers mentions', async () => {
  expect((await readiness(healthy)).role).toBe('follower');
  proxy.cut();
  await waitFor(async () => (await readiness(healthy)).role === 'leader', { what: 'the healthy replica to take the lead', timeoutMs: 30_000, intervalMs: 250 });
  expect((await readiness(deaf)).role).toBe('follower');
  await waitFor(async () => (await readiness(healthy)).websocket, { what: 'the new leader to connect', timeoutMs: 20_000 });
  const mention = await alice().call<Post>('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message: '@matterops version' });
  const answers = async (): Promise<Post[]> =>
    Object.values((await alice().call<{ posts: Record<string, Post> }>('GET', `/posts/${mention.id}/thread`)).posts).filter(
      (p) => p.user_id === env('MM_BOT_USER_ID') && p.root_id === mention.id,
    );
  await waitFor(async () => (await answers()).length > 0, { what: 'an answer to the mention', timeoutMs: 30_000, intervalMs: 250 });
  await new Promise((r) => setTimeout(r, 2_000)); // a second answer would have come by now
  expect(await answers()).toHaveLength(1);
  // Sitting out is over by now: the deaf replica campaigns again but does not take the lead back.
  await new Promise((r) => setTimeout(r, 9_000));
  expect((await readiness(deaf)).role).toBe('follower');
  expect((await readiness(healthy)).role).toBe('leader');
}, 120_000);
