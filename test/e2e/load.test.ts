/**
 * Under load (issue 16), counts only (no timing: CI machines differ): 100 `/k8s status mattermost`
 * at once, typed by alice through Mattermost over four channels of its own, against the bot as a
 * process. Every command is answered (none fails in Mattermost, which would show the user "command
 * failed"), and every channel gets exactly one status post per command: none lost, none twice.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, sandboxEnv } from '../support/sandbox.ts';
import type { MattermostPost as Post } from '../support/mattermost-post.ts';

let bot: BotProcess;
const channels: string[] = [];
const admin = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_ADMIN_TOKEN'));

beforeAll(async () => {
  bot = await startBot(sandboxEnv());
  for (let i = 0; i < 4; i++) {
    const made = await admin().call<{ id: string }>('POST', '/channels', {
      team_id: env('MM_TEAM_ID'),
      name: `load-${randomBytes(3).toString('hex')}`,
      display_name: 'load',
      type: 'O',
    });
    for (const user of [env('MM_BOT_USER_ID'), env('MM_USER_ID_ALICE')]) await admin().call('POST', `/channels/${made.id}/members`, { user_id: user });
    channels.push(made.id);
  }
}, 120_000);
afterAll(async () => {
  await bot.stop();
});

const statusPosts = async (channel: string): Promise<Post[]> => {
  const page = await admin().call<{ posts: Record<string, Post> }>('GET', `/channels/${channel}/posts?per_page=200`);
  return Object.values(page.posts).filter((p) => p.user_id === env('MM_BOT_USER_ID') && /chat\/mattermost: stable/.test(p.message));
};

it('answers 100 concurrent commands over four channels, each with exactly one post', async () => {
  const alice = new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE'));
  const outcomes = await Promise.allSettled(
    Array.from({ length: 100 }, (_, i) =>
      alice.call<{ text?: string }>('POST', '/commands/execute', {
        channel_id: channels[i % 4],
        team_id: env('MM_TEAM_ID'),
        command: '/k8s status mattermost',
      }),
    ),
  );
  const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason));
  expect(failed).toEqual([]);
  await waitFor(async () => ((await Promise.all(channels.map(statusPosts))).every((posts) => posts.length >= 25) ? true : undefined), {
    what: '25 status posts in each channel',
    timeoutMs: 90_000,
    intervalMs: 500,
  });
  await new Promise((r) => setTimeout(r, 2_000)); // a duplicate would come by now
  for (const channel of channels) {
    const posts = await statusPosts(channel);
    expect(posts).toHaveLength(25);
    expect(new Set(posts.map((p) => p.id)).size).toBe(25);
  }
}, 180_000);
