/**
 * Team and channel subjects reach the policy for mentions too (they used to arrive only with slash
 * commands): with a policy that lets anyone read in ~incidents and nowhere else, mallory's mention
 * there is answered with the status, and the same mention in ~ops is refused.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, sandboxEnv } from '../support/sandbox.ts';

interface Post { id: string; message: string; user_id: string; root_id: string; props?: { attachments?: { text?: string }[] } }
const policy = `
roles:
  reader: { verbs: [list, status, events, logs, audit] }
bindings:
  - role: reader
    subjects: [{ channel: incidents }, { team: no-such-team }]
`;
let bot: BotProcess;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'matterops-policy-')), 'policy.yaml');
  writeFileSync(file, policy);
  bot = await startBot(sandboxEnv(), { MATTEROPS_POLICY: file });
}, 90_000);
afterAll(async () => { await bot.stop(); });

async function replyTo(channelVar: string): Promise<string> {
  const mallory = new MattermostRest(env('MM_URL'), env('MM_TOKEN_MALLORY'));
  const mention = await mallory.call<Post>('POST', '/posts', { channel_id: env(channelVar), message: '@matterops status mattermost' });
  const reply = await waitFor(async () => {
    const thread = await mallory.call<{ posts: Record<string, Post> }>('GET', `/posts/${mention.id}/thread`);
    return Object.values(thread.posts).find((p) => p.user_id === env('MM_BOT_USER_ID'));
  }, { what: `the bot's reply in ${channelVar}`, timeoutMs: 30_000, intervalMs: 250 });
  return [reply.message, ...(reply.props?.attachments ?? []).map((a) => a.text ?? '')].join('\n');
}

it('lets a channel binding grant a mention in that channel, and only there', async () => {
  expect(await replyTo('MM_CHANNEL_INCIDENTS')).toContain('chat/mattermost: stable');
  expect(await replyTo('MM_CHANNEL_OPS')).toContain('@mallory may not use status');
});
