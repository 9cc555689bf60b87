/**
 * Two `matterops serve` replicas on the same Mattermost and cluster: exactly one leads and listens
 * for mentions, so a mention is answered once; both answer slash commands; when the leader stops,
 * the other takes over and answers the next mention, once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, sandboxEnv } from '../support/sandbox.ts';
import type { MattermostPost as Post } from '../support/mattermost-post.ts';

const alice = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE'));
// A short leader Lease, so a take-over after a crash would not outlast the test; a clean stop hands over at once.
const replicaEnv = { MATTEROPS_LEADER_SECONDS: '6' };
let replicas: BotProcess[] = [];

const roleOf = async (bot: BotProcess): Promise<string> => ((await (await fetch(`${bot.url}/readyz`)).json()) as { role: string }).role;
async function leaderAndFollower(): Promise<[BotProcess, BotProcess]> {
  const roles = await Promise.all(replicas.map(roleOf));
  expect([...roles].sort()).toEqual(['follower', 'leader']);
  const leader = replicas[roles.indexOf('leader')];
  const follower = replicas[roles.indexOf('follower')];
  if (!leader || !follower) throw new Error(`roles: ${roles.join(', ')}`);
  return [leader, follower];
}
async function answersTo(mentionId: string): Promise<Post[]> {
  const thread = await alice().call<{ posts: Record<string, Post> }>('GET', `/posts/${mentionId}/thread`);
  return Object.values(thread.posts).filter((p) => p.user_id === env('MM_BOT_USER_ID') && p.root_id === mentionId);
}
async function answeredOnce(text: string): Promise<void> {
  const mention = await alice().call<Post>('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message: `@matterops ${text}` });
  await waitFor(async () => (await answersTo(mention.id)).length > 0, { what: `an answer to "${text}"`, timeoutMs: 30_000, intervalMs: 250 });
  await new Promise((r) => setTimeout(r, 2_000)); // a second answer would have come by now
  expect(await answersTo(mention.id)).toHaveLength(1);
}

beforeAll(async () => {
  replicas = [await startBot(sandboxEnv(), replicaEnv)];
  replicas.push(await startBot(sandboxEnv(), replicaEnv));
}, 150_000);
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
});

it('answers a mention once with two replicas running, and again once after the leader stops', async () => {
  const [leader, follower] = await leaderAndFollower();
  await answeredOnce('version');
  await leader.stop();
  await waitFor(async () => (await roleOf(follower)) === 'leader', { what: 'the follower to lead', timeoutMs: 20_000, intervalMs: 250 });
  await waitFor(async () => ((await (await fetch(`${follower.url}/readyz`)).json()) as { websocket: boolean }).websocket, {
    what: 'the new leader to connect',
    timeoutMs: 20_000,
  });
  await answeredOnce('whoami');
}, 120_000);
