/**
 * Scheduled digests end to end (issue 13): the bot as processes on the real Mattermost, cluster
 * and operator, with its own state namespace, and schedules allowed to fire every minute
 * (MATTEROPS_SCHEDULE_MINIMUM_GAP_SECONDS=60, docs/digests.md). `schedule add` from chat by alice
 * (allowed) and mallory (refused), and by alice aimed at a channel she is not in (refused); a firing posts the digest in the channel it was added in; an
 * installation that breaks flips its digest from GREEN to RED; a bot restarted between two runs,
 * and two replicas, post each run once.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { createInstallation, waitStable } from '../sandbox/installations.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { env, kubeConfig, sandboxEnv, testNamespace } from '../support/sandbox.ts';
import { patchInstallation } from '../support/steer.ts';

interface Post {
  id: string;
  message: string;
  user_id: string;
  create_at: number;
  props?: { attachments?: { text?: string }[] };
}
const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));
const admin = kubeConfig();
let namespace = '';
let botEnv: Record<string, string> = {};
const bots: BotProcess[] = [];

async function slash(tokenVar: string, command: string): Promise<{ text: string }> {
  return await as(tokenVar).call('POST', '/commands/execute', { channel_id: env('MM_CHANNEL_OPS'), team_id: env('MM_TEAM_ID'), command });
}
const fullText = (p: Post): string => [p.message, ...(p.props?.attachments ?? []).map((a) => a.text ?? '')].join('\n');
/** The bot's posts in ~ops since `since` whose text matches, oldest first. */
async function botPosts(since: number, match: RegExp): Promise<Post[]> {
  const list = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_OPS')}/posts?since=${since}`);
  return Object.values(list.posts)
    .filter((p) => p.user_id === env('MM_BOT_USER_ID') && p.create_at > since && match.test(fullText(p)))
    .sort((a, b) => a.create_at - b.create_at);
}
async function nthPost(since: number, match: RegExp, n: number, timeoutMs = 150_000): Promise<Post> {
  return await waitFor(async () => (await botPosts(since, match))[n - 1], { what: `post ${n} matching ${match}`, timeoutMs, intervalMs: 1_000 });
}
/** Minute boundaries (every-minute firings) in (from, to]. */
const firingsBetween = (from: number, to: number): number => Math.floor(to / 60_000) - Math.floor(from / 60_000);

async function schedulesStored(): Promise<{ id: string; cron: string; owner: { name: string } }[]> {
  const cm = await admin.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace, name: 'matterops-schedules' });
  return (JSON.parse(cm.data?.['all.json'] ?? '{"schedules":[]}') as { schedules: { id: string; cron: string; owner: { name: string } }[] }).schedules;
}
/** `matterops run` as the terminal's user, on the bot's kubeconfig context and state namespace. */
async function terminal(command: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['src/cli.ts', 'run', command], {
    cwd: repoRoot,
    env: { ...process.env, ...sandboxEnv(), ...botEnv },
  });
  return stdout;
}
const start = async (): Promise<BotProcess> => {
  const bot = await startBot(sandboxEnv(), botEnv);
  bots.push(bot);
  return bot;
};

const chatDigest = /Status digest of chat\/mattermost in cluster sandbox-bot/;

beforeAll(async () => {
  namespace = await testNamespace('digests');
  botEnv = {
    MATTEROPS_STATE_NAMESPACE: namespace,
    MATTEROPS_SCHEDULE_MINIMUM_GAP_SECONDS: '60',
    MATTEROPS_SCHEDULE_POLL_SECONDS: '2',
    MATTEROPS_LEADER_SECONDS: '6',
  };
  await createInstallation(admin, { namespace, name: 'flip', version: '9.9.0', replicas: 1, databaseUrl: env('PGURL') });
  await waitStable(admin, namespace, 'flip');
  await start();
}, 180_000);
afterAll(async () => {
  await Promise.all(bots.map((b) => b.stop()));
});

describe('scheduled digests', () => {
  it('schedule add from chat: allowed for alice, refused for mallory, kept in the state ConfigMap', async () => {
    const since = Date.now();
    await slash('MM_TOKEN_ALICE', '/k8s schedule add "* * * * *" status mattermost --always');
    // The post's markdown escapes the cron expression's stars.
    await nthPost(since, /Schedule s1 added: a status digest of chat\/mattermost at "(\\?\* ?){5}" \(UTC\) in ~ops/, 1, 60_000);
    const refused = await slash('MM_TOKEN_MALLORY', '/k8s schedule add "0 9 * * *" status all');
    // Mattermost's ephemeral text keeps the zero-width space the bot puts after an @ (no mention).
    expect(refused.text).toMatch(/@\u200b?mallory may not use schedule/);
    // A channel alice is not a member of: from chat, --channel may not aim a digest there.
    const bobs = await as('MM_TOKEN_BOB').call<{ name: string }>('POST', '/channels', {
      team_id: env('MM_TEAM_ID'),
      name: `bobs-${Date.now().toString(36)}`,
      display_name: "bob's",
      type: 'O',
    });
    const elsewhere = await slash('MM_TOKEN_ALICE', `/k8s schedule add "0 9 * * *" status mattermost --channel ${bobs.name}`);
    expect(elsewhere.text).toContain(`you are not a member of a channel ~${bobs.name} the bot is in, so a schedule may not post there`);
    expect((await schedulesStored()).map((s) => [s.id, s.cron, s.owner.name])).toEqual([['s1', '* * * * *', '@alice']]);
  }, 60_000);

  it('a firing posts the digest in the channel the schedule was added in', async () => {
    const post = await nthPost(Date.now(), chatDigest, 1);
    expect(fullText(post)).toContain('chat/mattermost: stable');
  }, 160_000);

  it('an installation that breaks comes first and flips the header (a schedule added from the terminal)', async () => {
    const since = Date.now();
    expect(await terminal(`schedule add "* * * * *" status flip -n ${namespace} --channel ops`)).toContain('Schedule s2 added');
    const green = new RegExp(`Status digest of ${namespace}/flip`);
    const first = await nthPost(since, green, 1);
    expect(first.message).toBe('**GREEN: all 1 stable**');
    // A database Secret that does not exist: the operator reports an error.
    await patchInstallation(admin, namespace, 'flip', { database: { external: { secret: 'no-such-secret' } } });
    const red = await waitFor(async () => (await botPosts(first.create_at, green)).find((p) => p.message.startsWith('**RED')), {
      what: 'a RED digest of flip',
      // The operator's reconcile of the patch took 5 min once, while other suites' installations kept it busy.
      timeoutMs: 360_000,
      intervalMs: 1_000,
    });
    expect(fullText(red)).toMatch(new RegExp(`RED ${namespace}/flip: error: `));
    expect(await terminal('schedule remove s2')).toContain('Schedule s2 removed');
  }, 560_000);

  it('a bot restarted between two runs neither doubles nor skips one', async () => {
    const before = await nthPost(Date.now(), chatDigest, 1);
    await bots.splice(0).at(0)?.stop();
    // Down across a firing: the restarted bot posts the missed run once, late.
    await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 5_000));
    await start();
    const after = await nthPost(before.create_at, chatDigest, 2);
    const posts = await botPosts(before.create_at, chatDigest);
    const upTo = posts.filter((p) => p.create_at <= after.create_at);
    expect(upTo).toHaveLength(firingsBetween(before.create_at, after.create_at));
  }, 300_000);

  it('two replicas post each run once', async () => {
    await start();
    const from = await nthPost(Date.now(), chatDigest, 1);
    const to = await nthPost(from.create_at, chatDigest, 2);
    const posts = (await botPosts(from.create_at, chatDigest)).filter((p) => p.create_at <= to.create_at);
    expect(posts).toHaveLength(firingsBetween(from.create_at, to.create_at));
    expect(posts).toHaveLength(2);
  }, 300_000);
});
