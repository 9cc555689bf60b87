/**
 * Issue 9, item 3, end to end: a secret typed into `env set` (by slash and by mention) and a
 * credential under a name that does not look secret never leave the bot. After the commands ran
 * to their end, a transcript scan finds none of the test's secrets, nor any of the sandbox's
 * passwords and tokens, in: every post the bot made (the API), the `posts` table with the edit
 * history Mattermost keeps as deleted rows (reference/mattermost.md D.x), the slash answers, the
 * bot's log, and every Event of the cluster.
 */
import { randomBytes } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
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
const names = ['MM_SQLSETTINGS_DATASOURCE', 'MM_CUSTOM_UPSTREAM', 'MM_CUSTOM_PEER'];

// Fresh secrets per run, so no earlier run can make this one pass or fail.
const secret = (): string => `${randomBytes(16).toString('hex')}x9`;
const ours = { slashPassword: secret(), mentionPassword: secret(), plainNameToken: secret(), plainNamePassword: secret() };
const slashText: string[] = [];
let bot: BotProcess;
let botId = '';
let since = 0;

async function slash(command: string): Promise<void> {
  const answer = await as('MM_TOKEN_ALICE').call<{ text?: string }>('POST', '/commands/execute', {
    channel_id: env('MM_CHANNEL_OPS'),
    team_id: env('MM_TEAM_ID'),
    command,
  });
  slashText.push(answer.text ?? '');
}
async function botPosts(): Promise<Post[]> {
  const list = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_OPS')}/posts?since=${since}`);
  return Object.values(list.posts).filter((p) => p.user_id === botId);
}
async function botPost(match: RegExp, where: (p: Post) => boolean = () => true): Promise<Post> {
  return await waitFor(async () => (await botPosts()).find((p) => where(p) && match.test(fullText(p))), {
    what: `a bot post matching ${match}`,
    timeoutMs: 90_000,
    intervalMs: 300,
  });
}
async function mention(message: string): Promise<Post> {
  return await as('MM_TOKEN_ALICE').call<Post>('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message: `@matterops ${message}` });
}
const envOf = async (): Promise<{ name: string; value?: string }[]> =>
  ((await readInstallation(admin, 'chat', 'mattermost')) as { spec?: { mattermostEnv?: { name: string; value?: string }[] } }).spec?.mattermostEnv ?? [];

/** Every value of the sandbox that is a password, token or key, and the database password in PGURL. */
function sandboxSecrets(): string[] {
  const all = { ...sandboxEnv(), ...bot.env };
  const values = Object.entries(all)
    .filter(([k]) => /TOKEN|PASSWORD|SIGNING_KEY|SECRET/.test(k) && !/_ID$/.test(k))
    .map(([, v]) => v);
  const dbPassword = /:\/\/[^:]+:([^@]+)@/.exec(all.PGURL ?? '')?.[1];
  return [...values, ...(dbPassword ? [dbPassword] : [])].filter((v) => v.length >= 8);
}

/** What the posts table holds for the bot: live posts and the edit history kept as deleted rows. */
function storedBotPosts(): string {
  return psql(
    { port: Number(env('PORT_POSTGRES')), dataDir: '', socketDir: '' },
    `select coalesce(message, '') || ' ' || coalesce(props::text, '') from posts where userid = '${botId}'`,
    'mattermost',
  );
}

async function allEvents(): Promise<string> {
  const events = await admin.makeApiClient(CoreV1Api).listEventForAllNamespaces({});
  return events.items.map((e) => JSON.stringify(e)).join('\n');
}

beforeAll(async () => {
  bot = await startBot(sandboxEnv(), { MATTEROPS_LOG_LEVEL: 'info' });
  botId = env('MM_BOT_USER_ID');
  since = Date.now();
}, 90_000);

afterAll(async () => {
  // Leave chat/mattermost as it was even when a step failed: drop what this file set.
  const left = await envOf();
  if (left.some((e) => names.includes(e.name))) {
    await patchInstallation(admin, 'chat', 'mattermost', { mattermostEnv: left.filter((e) => !names.includes(e.name)) }).catch(() => undefined);
  }
  await bot?.stop();
}, 60_000);

describe('secrets typed into env set', () => {
  it('never reach a post, its edit history, a slash answer, the log or an Event', async () => {
    // By slash: a secret under a secret-looking name, and a token under a plain one.
    await slash(`/k8s env mattermost set MM_SQLSETTINGS_DATASOURCE=postgres://u:${ours.slashPassword}@db/x MM_CUSTOM_UPSTREAM=${ours.plainNameToken}`);
    await botPost(/env chat\/mattermost: done/);
    // By mention, answered in its thread: a URL with a password under a plain name.
    const asked = await mention(
      `env mattermost set MM_SQLSETTINGS_DATASOURCE=postgres://u:${ours.mentionPassword}@db/x MM_CUSTOM_PEER=https://svc:${ours.plainNamePassword}@peer.example/x`,
    );
    await botPost(/env chat\/mattermost: done/, (p) => p.root_id === asked.id);
    expect((await envOf()).find((e) => e.name === 'MM_CUSTOM_UPSTREAM')?.value).toBe(ours.plainNameToken);

    await slash('/k8s env mattermost list');
    const listed = await botPost(/Environment of chat\/mattermost/);
    const listedInThread = await mention('env mattermost list');
    await botPost(/Environment of chat\/mattermost/, (p) => p.root_id === listedInThread.id);

    await slash(`/k8s env mattermost unset ${names.join(' ')}`);
    await botPost(/env chat\/mattermost: done/, (p) => fullText(p).includes('env -MM_CUSTOM_PEER'));
    expect((await envOf()).filter((e) => names.includes(e.name))).toEqual([]);

    const transcript = {
      'posts by the bot (API)': (await botPosts()).map(fullText).join('\n'),
      'posts table, with edit history': storedBotPosts(),
      'slash answers': slashText.join('\n'),
      'the bot log': bot.output(),
      'every Event': await allEvents(),
    };
    expect(transcript['the bot log']).toContain('"audit":true');
    const secrets = { ...ours, ...Object.fromEntries(sandboxSecrets().map((v, i) => [`sandbox secret #${i}`, v])) };
    const found = Object.entries(transcript).flatMap(([where, text]) =>
      Object.entries(secrets)
        .filter(([, value]) => text.includes(value))
        .map(([what]) => `${what} in ${where}`),
    );
    expect(found).toEqual([]);
    expect(fullText(listed)).toMatch(/\| MM_CUSTOM_UPSTREAM \| \\\*\\\*\\\* \|/);
  }, 300_000);
});
