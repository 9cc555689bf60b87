/**
 * Team and channel subjects reach the policy for mentions too (they used to arrive only with slash
 * commands): with a policy that lets anyone read in one channel and nowhere else, mallory's mention
 * there is answered with the status, and the same mention in ~ops is refused.
 *
 * The channel is new in every run, and the mention is posted as soon as the bot says it is ready:
 * once, a bot reported ready before its election had decided, and such a mention was lost (a new
 * leader catches up only in channels it has handled before).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, sandboxEnv } from '../support/sandbox.ts';
import type { MattermostPost as Post } from '../support/mattermost-post.ts';

const channelName = `readers-${randomBytes(3).toString('hex')}`;
const policy = `
roles:
  reader: { verbs: [list, status, events, logs, audit] }
bindings:
  - role: reader
    subjects: [{ channel: ${channelName} }, { team: no-such-team }]
`;
let bot: BotProcess;
let readersChannel = '';

beforeAll(async () => {
  const admin = new MattermostRest(env('MM_URL'), env('MM_ADMIN_TOKEN'));
  readersChannel = (
    await admin.call<{ id: string }>('POST', '/channels', { team_id: env('MM_TEAM_ID'), name: channelName, display_name: channelName, type: 'O' })
  ).id;
  for (const user of [env('MM_BOT_USER_ID'), env('MM_USER_ID_MALLORY')]) await admin.call('POST', `/channels/${readersChannel}/members`, { user_id: user });
  const file = join(mkdtempSync(join(tmpdir(), 'matterops-policy-')), 'policy.yaml');
  writeFileSync(file, policy);
  bot = await startBot(sandboxEnv(), { MATTEROPS_POLICY: file });
}, 90_000);
afterAll(async () => {
  await bot.stop();
});

async function replyTo(channelId: string): Promise<string> {
  const mallory = new MattermostRest(env('MM_URL'), env('MM_TOKEN_MALLORY'));
  const mention = await mallory.call<Post>('POST', '/posts', { channel_id: channelId, message: '@matterops status mattermost' });
  const reply = await waitFor(
    async () => {
      const thread = await mallory.call<{ posts: Record<string, Post> }>('GET', `/posts/${mention.id}/thread`);
      return Object.values(thread.posts).find((p) => p.user_id === env('MM_BOT_USER_ID'));
    },
    { what: `the bot's reply in ${channelId}`, timeoutMs: 30_000, intervalMs: 250 },
  ).catch(async (error: unknown) => {
    const readiness = await fetch(`${bot.url}/readyz`).then(
      (r) => r.text(),
      (e: unknown) => (e as Error).message,
    );
    throw new Error(`${(error as Error).message}; /readyz: ${readiness}; bot output:\n${bot.output()}`);
  });
  return [reply.message, ...(reply.props?.attachments ?? []).map((a) => a.text ?? '')].join('\n');
}

it('lets a channel binding grant a mention in that channel, and only there', async () => {
  expect(await replyTo(readersChannel)).toContain('chat/mattermost: stable');
  expect((await replyTo(env('MM_CHANNEL_OPS'))).replaceAll('\u200B', '')).toContain('@mallory may not use status');
});
