/**
 * End to end: the bot as a process, the real Mattermost server, the real cluster and operator.
 * Users act through the Mattermost API exactly as a client would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { readInstallation } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, kubeConfig, sandboxEnv } from '../support/sandbox.ts';
import { postText as fullText, type MattermostPost as Post } from '../support/mattermost-post.ts';

const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));
const admin = kubeConfig();
let bot: BotProcess;
let botId = '';

async function slash(tokenVar: string, command: string, channel = 'MM_CHANNEL_OPS'): Promise<{ text: string }> {
  return await as(tokenVar).call('POST', '/commands/execute', { channel_id: env(channel), team_id: env('MM_TEAM_ID'), command });
}
async function postsIn(channelId: string, since: number): Promise<Post[]> {
  const list = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/channels/${channelId}/posts?since=${since}`);
  return Object.values(list.posts);
}
async function botPost(channelId: string, since: number, match: RegExp, timeoutMs = 30_000): Promise<Post> {
  return await waitFor(async () => (await postsIn(channelId, since)).find((p) => p.user_id === botId && match.test(fullText(p))), {
    what: `a bot post matching ${match}`,
    timeoutMs,
    intervalMs: 250,
  });
}
const replicas = async (): Promise<number | undefined> => (await readInstallation(admin, 'chat', 'mattermost')).spec?.replicas;

beforeAll(async () => {
  bot = await startBot(sandboxEnv());
  botId = env('MM_BOT_USER_ID');
}, 60_000);
afterAll(async () => {
  await bot.stop();
});

describe('the bot in Mattermost', () => {
  it('answers /k8s status with an in-channel post by the bot', async () => {
    const since = Date.now();
    const response = await slash('MM_TOKEN_ALICE', '/k8s status mattermost');
    expect(response.text).toBe('');
    const post = await botPost(env('MM_CHANNEL_OPS'), since, /chat\/mattermost: stable/);
    expect(fullText(post)).toContain('**replicas:**');
  });

  it('backs up on /k8s backup, and /k8s backups lists it with who asked and why', async () => {
    const since = Date.now();
    await slash('MM_TOKEN_ALICE', '/k8s backup mattermost --note "from chat"');
    const done = await botPost(env('MM_CHANNEL_OPS'), since, /backup chat\/mattermost: done, backup \d{8}-\d{6}-[0-9a-f]{4}:/, 60_000);
    const id = /backup (\d{8}-\d{6}-[0-9a-f]{4}):/.exec(fullText(done))?.[1] ?? '';
    expect(fullText(done)).toMatch(/sha256 [0-9a-f]{16}…/);
    const listed = Date.now();
    await slash('MM_TOKEN_ALICE', '/k8s backups mattermost');
    const catalog = await botPost(env('MM_CHANNEL_OPS'), listed, new RegExp(id));
    expect(fullText(catalog)).toMatch(new RegExp(`${id}.*alice.*from chat.*ok`));
  }, 90_000);

  it('scales on /k8s scale mattermost 5: a progress post edited until stable 5/5', async () => {
    const since = Date.now();
    const before = await replicas();
    await slash('MM_TOKEN_ALICE', '/k8s scale mattermost 5');
    const post = await botPost(env('MM_CHANNEL_OPS'), since, /scale chat\/mattermost: done, stable 5\/5/, 60_000);
    expect(fullText(post)).toContain(`replicas ${before} -> 5`);
    expect(await replicas()).toBe(5);
  });

  it('a danger plan gets buttons that alice confirms; a forged body changes nothing (more in buttons.test.ts)', async () => {
    const since = Date.now();
    await slash('MM_TOKEN_ALICE', '/k8s scale mattermost 2');
    const plan = await waitFor(
      async () =>
        (await postsIn(env('MM_CHANNEL_OPS'), since)).find(
          (p) => p.user_id === botId && /\(danger/.test(fullText(p)) && p.props?.attachments?.[0]?.actions?.length,
        ),
      { what: 'a plan post with its buttons', timeoutMs: 30_000, intervalMs: 250 },
    );
    const actions = plan.props?.attachments?.[0]?.actions ?? [];
    expect(actions.map((a) => a.name)).toEqual(['Confirm', 'Cancel']);
    // A forged body straight to the bot: no valid signature.
    const forged = await fetch(`${bot.url}/hooks/action`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        user_id: env('MM_USER_ID_ALICE'),
        channel_id: env('MM_CHANNEL_OPS'),
        post_id: plan.id,
        context: { action: 'confirm', token: 'abcd1234', sig: 'forged' },
      }),
    });
    expect(forged.status).toBe(403);
    expect(await replicas()).toBe(5);
    await as('MM_TOKEN_ALICE').call('POST', `/posts/${plan.id}/actions/${actions[0]?.id ?? ''}`, {});
    await botPost(env('MM_CHANNEL_OPS'), since, /scale chat\/mattermost: done, stable 2\/2/, 60_000);
    expect(await replicas()).toBe(2);
  });

  it('refuses mallory with the right she lacks, and a wrong slash token with 401', async () => {
    const before = await replicas();
    const response = await slash('MM_TOKEN_MALLORY', '/k8s scale mattermost 3');
    // The bot puts an invisible U+200B after every @ (no mention from it): read as a person does.
    expect(response.text.replaceAll('\u200B', '')).toContain('@mallory may not use scale: no role in the matterops policy grants it');
    expect(await replicas()).toBe(before);
    const wrong = await fetch(`${bot.url}/hooks/slash`, {
      method: 'POST',
      headers: { Authorization: 'Token nope', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ text: 'scale mattermost 3', user_id: 'x', channel_id: env('MM_CHANNEL_OPS') }).toString(),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('');
  });

  it('answers a mention in a thread, and a DM', async () => {
    const since = Date.now();
    const mention = await as('MM_TOKEN_ALICE').call<Post>('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message: '@matterops status mattermost' });
    const reply = await botPost(env('MM_CHANNEL_OPS'), since, /chat\/mattermost: stable/);
    expect(reply.root_id).toBe(mention.id);
    const dm = await as('MM_TOKEN_ALICE').call<{ id: string }>('POST', '/channels/direct', [env('MM_USER_ID_ALICE'), botId]);
    await as('MM_TOKEN_ALICE').call('POST', '/posts', { channel_id: dm.id, message: 'list -A' });
    const answer = await botPost(dm.id, since, /mattermost-staging/);
    expect(fullText(answer)).toContain('| staging | mattermost-staging | stable |');
  });

  it('ignores its own posts and answers each mention once', async () => {
    const since = Date.now();
    await as('MM_BOT_TOKEN').call('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message: '@matterops status mattermost (from the bot itself)' });
    const mention = await as('MM_TOKEN_ALICE').call<Post>('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message: '@matterops version' });
    await botPost(env('MM_CHANNEL_OPS'), since, /kubernetes \(sandbox-bot\)/);
    await new Promise((r) => setTimeout(r, 1_500));
    const answers = (await postsIn(env('MM_CHANNEL_OPS'), since)).filter((p) => p.user_id === botId && p.root_id);
    expect(answers.map((p) => p.root_id)).toEqual([mention.id]);
  });
});
