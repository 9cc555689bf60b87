/**
 * Issue 9, item 8, end to end: words a user typed come back from the real bot inert. Neither the
 * slash answer nor any post Mattermost stored for the bot (edit history included) holds a raw
 * `@here`/`@channel`/`@all` or a link the user wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInstallation } from '../sandbox/installations.ts';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { psql } from '../sandbox/postgres.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, kubeConfig, sandboxEnv } from '../support/sandbox.ts';
import { patchInstallation } from '../support/steer.ts';
import { postText as fullText, type MattermostPost as Post } from '../support/mattermost-post.ts';

const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));
const admin = kubeConfig();
let bot: BotProcess;
let botId = '';
let since = 0;

async function botReply(rootId: string, match: RegExp): Promise<Post> {
  return await waitFor(
    async () => {
      const thread = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/posts/${rootId}/thread`);
      return Object.values(thread.posts).find((p) => p.user_id === botId && match.test(fullText(p)));
    },
    { what: `a bot reply matching ${match}`, timeoutMs: 90_000, intervalMs: 300 },
  );
}
const mention = async (message: string): Promise<Post> =>
  await as('MM_TOKEN_ALICE').call<Post>('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message: `@matterops ${message}` });

/** What would notify a channel or make a link from the user's words. */
const live = /@(here|channel|all)\b|https?:\/\/evil|\bwww\.evil|(?<!\\)\]\(/i;

beforeAll(async () => {
  bot = await startBot(sandboxEnv());
  botId = env('MM_BOT_USER_ID');
  since = Date.now();
}, 90_000);

afterAll(async () => {
  const spec = (await readInstallation(admin, 'chat', 'mattermost')) as { spec?: { mattermostEnv?: { name: string }[] } };
  const left = spec.spec?.mattermostEnv ?? [];
  if (left.some((e) => e.name === 'MM_CUSTOM_NOTE'))
    await patchInstallation(admin, 'chat', 'mattermost', { mattermostEnv: left.filter((e) => e.name !== 'MM_CUSTOM_NOTE') });
  await bot?.stop();
}, 60_000);

describe("a user's words in the bot's answers", () => {
  it('a slash answer quoting @here and a link makes neither', async () => {
    const answer = await as('MM_TOKEN_ALICE').call<{ text?: string }>('POST', '/commands/execute', {
      channel_id: env('MM_CHANNEL_OPS'),
      team_id: env('MM_TEAM_ID'),
      command: '/k8s status @here',
    });
    expect(answer.text).toMatch(/installation name must be/);
    expect(answer.text).not.toMatch(live);
    const link = await as('MM_TOKEN_ALICE').call<{ text?: string }>('POST', '/commands/execute', {
      channel_id: env('MM_CHANNEL_OPS'),
      team_id: env('MM_TEAM_ID'),
      command: '/k8s status [x](http://evil.example/a)',
    });
    expect(link.text).toMatch(/installation name must be/);
    expect(link.text).not.toMatch(live);
  });

  it('posts Mattermost stored for the bot, and their edit history, hold no raw mention or link', async () => {
    const refused = await mention('status @channel [x](https://evil.example/b) www.evil.example');
    const error = await botReply(refused.id, /status does not take/);
    expect.soft(fullText(error)).not.toMatch(live);
    // A value shown in the plan, the progress post (edited in place) and the outcome.
    const set = await mention('env mattermost set MM_CUSTOM_NOTE=@all');
    await botReply(set.id, /env chat\/mattermost: done/);
    const unset = await mention('env mattermost unset MM_CUSTOM_NOTE');
    await botReply(unset.id, /env chat\/mattermost: done/);

    const stored = psql(
      { port: Number(env('PORT_POSTGRES')), dataDir: '', socketDir: '' },
      `select coalesce(message, '') || ' ' || coalesce(props::text, '') from posts where userid = '${botId}' and (createat >= ${since} or updateat >= ${since})`,
      'mattermost',
    );
    expect(stored).toContain('MM_CUSTOM_NOTE');
    expect(stored.split('\n').filter((row) => live.test(row))).toEqual([]);
  }, 240_000);
});
