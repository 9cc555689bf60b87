/**
 * Confirm and Cancel buttons end to end, through the real Mattermost (issue 9, items 2, 9, 10, 18):
 * a plan made by a mention is confirmed in its thread; a second real user's click reaches the bot
 * and is refused (their private answer, the unchanged CR, the audit's denied step); a context the
 * bot really issued (read from Mattermost's database, where it is kept) cannot be replayed, moved
 * to another post, or used with another real user's id.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { readInstallation } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { buttonContext } from '../support/mattermost-db.ts';
import { env, kubeConfig, sandboxEnv } from '../support/sandbox.ts';
import { openUserSocket, type UserSocket } from '../support/user-socket.ts';
import { postText as fullText, type MattermostPost as Post } from '../support/mattermost-post.ts';

const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));
const admin = kubeConfig();
let bot: BotProcess;
let bob: UserSocket;

async function botPosts(since: number): Promise<Post[]> {
  const list = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_OPS')}/posts?since=${since}`);
  return Object.values(list.posts).filter((p) => p.user_id === env('MM_BOT_USER_ID'));
}
const botPost = (since: number, match: RegExp, timeoutMs = 30_000): Promise<Post> =>
  waitFor(async () => (await botPosts(since)).find((p) => match.test(fullText(p))), { what: `a bot post matching ${match}`, timeoutMs, intervalMs: 250 });
/** A plan post once its buttons are on (they are added right after it is posted: they sign its id). */
const planPost = (since: number): Promise<Post> =>
  waitFor(async () => (await botPosts(since)).find((p) => /\(danger/.test(fullText(p)) && p.props?.attachments?.[0]?.actions?.length), {
    what: 'a plan post with buttons',
    timeoutMs: 30_000,
    intervalMs: 250,
  });
const replicas = async (): Promise<number | undefined> => (await readInstallation(admin, 'chat', 'mattermost')).spec?.replicas;
const click = (tokenVar: string, post: Post, action: string): Promise<unknown> => as(tokenVar).call('POST', `/posts/${post.id}/actions/${action}`, {});
async function deniedBy(requester: string, since: Date): Promise<string[]> {
  const events = await kubeConfig().makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: 'chat', labelSelector: 'matterops.io/audit=true' });
  return events.items
    .filter(
      (e) =>
        e.metadata.annotations?.['matterops.io/phase'] === 'denied' &&
        e.metadata.annotations['matterops.io/requester'] === requester &&
        new Date(e.lastTimestamp ?? 0) >= since,
    )
    .map((e) => e.message ?? '');
}
const toBot = (body: object): Promise<Response> =>
  fetch(`${bot.url}/hooks/action`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  bot = await startBot(sandboxEnv());
  bob = await openUserSocket(env('MM_URL'), env('MM_TOKEN_BOB'));
}, 60_000);
afterAll(async () => {
  bob.close();
  await bot.stop();
});

describe('buttons', () => {
  it("a plan made by a mention is confirmed by its button, and progress and outcome go to the mention's thread", async () => {
    const since = Date.now();
    const up = (await replicas()) === 4 ? 5 : 4;
    const mention = await as('MM_TOKEN_ALICE').call<Post>('POST', '/posts', {
      channel_id: env('MM_CHANNEL_OPS'),
      message: `@matterops scale mattermost ${up}`,
    });
    const applied = await botPost(since, new RegExp(`done, stable ${up}/${up}`), 60_000); // a change, not danger: applied at once
    expect(applied.root_id).toBe(mention.id);
    const down = await as('MM_TOKEN_ALICE').call<Post>('POST', '/posts', {
      channel_id: env('MM_CHANNEL_OPS'),
      root_id: mention.id,
      message: '@matterops scale mattermost 1',
    });
    const plan = await planPost(since);
    expect(plan.root_id).toBe(mention.id);
    expect(plan.props?.attachments?.[0]?.actions?.map((a) => a.name)).toEqual(['Confirm', 'Cancel']);
    await click('MM_TOKEN_ALICE', plan, 'confirm');
    const outcome = await botPost(since, /scale chat\/mattermost: done, stable 1\/1/, 60_000);
    expect(outcome.root_id).toBe(mention.id);
    expect(down.root_id).toBe(mention.id);
    expect(await replicas()).toBe(1);
  });

  it("a second real user's click reaches the bot and is refused: told privately, CR unchanged, denied step audited", async () => {
    const since = Date.now();
    const sinceDate = new Date(Math.floor(since / 1000) * 1000);
    await as('MM_TOKEN_ALICE').call('POST', '/commands/execute', {
      channel_id: env('MM_CHANNEL_OPS'),
      team_id: env('MM_TEAM_ID'),
      command: '/k8s scale mattermost 0',
    });
    const plan = await planPost(since);
    await click('MM_TOKEN_BOB', plan, 'confirm');
    expect(await bob.waitForEphemeral(/only @alice can confirm this scale/)).toBeTruthy();
    expect(await replicas()).toBe(1);
    await waitFor(async () => ((await deniedBy('@bob', sinceDate)).length ? true : undefined), { what: 'a denied audit Event for @bob', timeoutMs: 10_000 });

    // The context the bot really issued for this plan, as Mattermost keeps it.
    const context = buttonContext(plan.id, 'confirm');
    const base = { channel_id: env('MM_CHANNEL_OPS'), post_id: plan.id, context };
    // Another real user's id in a body with the genuine context: refused by the core, audited.
    const mallory = await toBot({ ...base, user_id: env('MM_USER_ID_MALLORY') });
    expect(((await mallory.json()) as { ephemeral_text: string }).ephemeral_text.replaceAll('\u200B', '')).toContain('only @alice can confirm this scale');
    // The genuine context moved to another post or channel: not valid.
    expect((await toBot({ ...base, user_id: env('MM_USER_ID_ALICE'), post_id: 'a'.repeat(26) })).status).toBe(403);
    expect((await toBot({ ...base, user_id: env('MM_USER_ID_ALICE'), channel_id: env('MM_CHANNEL_TOWN_SQUARE') })).status).toBe(403);
    expect(await replicas()).toBe(1);

    // Alice cancels; then the genuine confirm context, replayed, finds nothing to apply.
    await click('MM_TOKEN_ALICE', plan, 'cancel');
    await botPost(since, /Cancelled: scale chat\/mattermost/);
    const replay = await toBot({ ...base, user_id: env('MM_USER_ID_ALICE') });
    expect(((await replay.json()) as { ephemeral_text: string }).ephemeral_text).toMatch(/this confirmation is not valid|no pending operation/);
    expect(await replicas()).toBe(1);
  });

  it('a bare /k8s answers with help privately and posts nothing in the channel', async () => {
    const since = Date.now();
    const answer = await as('MM_TOKEN_ALICE').call<{ text: string }>('POST', '/commands/execute', {
      channel_id: env('MM_CHANNEL_OPS'),
      team_id: env('MM_TEAM_ID'),
      command: '/k8s',
    });
    expect(answer.text).toContain('scale');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await botPosts(since)).toEqual([]);
  });
});
