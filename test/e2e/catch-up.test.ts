/**
 * Issue 9, item 14, with the bot as a process: a mention in a channel the bot has never answered in,
 * and a DM, both posted while no matterops was listening, are answered once after the next start.
 * (A leader used to catch up only in channels it had handled posts in before.)
 */
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, sandboxEnv } from '../support/sandbox.ts';
import type { MattermostPost as Post } from '../support/mattermost-post.ts';

const admin = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_ADMIN_TOKEN'));
const alice = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE'));
let bot: BotProcess | undefined;
afterAll(async () => {
  await bot?.stop();
});

async function botRepliesTo(post: Post): Promise<Post[]> {
  const thread = await alice().call<{ posts: Record<string, Post> }>('GET', `/posts/${post.id}/thread`);
  return Object.values(thread.posts).filter((p) => p.user_id === env('MM_BOT_USER_ID'));
}

it('answers a mention in a channel it never answered in, and a DM, posted while no leader listened', async () => {
  // A bot that listened, then stopped: from now on nobody listens.
  const first = await startBot(sandboxEnv());
  await new Promise((r) => setTimeout(r, 3_000));
  await first.stop();

  const channel = (
    await admin().call<{ id: string }>('POST', '/channels', {
      team_id: env('MM_TEAM_ID'),
      name: `unheard-${randomBytes(3).toString('hex')}`,
      display_name: 'unheard',
      type: 'O',
    })
  ).id;
  for (const user of [env('MM_BOT_USER_ID'), env('MM_USER_ID_ALICE')]) await admin().call('POST', `/channels/${channel}/members`, { user_id: user });
  const dm = (await alice().call<{ id: string }>('POST', '/channels/direct', [env('MM_USER_ID_ALICE'), env('MM_BOT_USER_ID')])).id;
  const mention = await alice().call<Post>('POST', '/posts', { channel_id: channel, message: '@matterops version' });
  const direct = await alice().call<Post>('POST', '/posts', { channel_id: dm, message: 'version' });

  bot = await startBot(sandboxEnv());
  const started = bot;
  for (const post of [mention, direct]) {
    await waitFor(async () => (await botRepliesTo(post)).length > 0, { what: `an answer to "${post.message}"`, timeoutMs: 30_000, intervalMs: 300 }).catch(
      (error: unknown) => {
        throw new Error(`${(error as Error).message}; bot output:\n${started.output()}`);
      },
    );
  }
  await new Promise((r) => setTimeout(r, 2_000)); // a second answer would arrive by now
  expect((await botRepliesTo(mention)).length).toBe(1);
  expect((await botRepliesTo(direct)).length).toBe(1);
}, 120_000);
