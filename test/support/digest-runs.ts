/**
 * What the scheduled-digest e2e files share (issue 13): the bot as processes with schedules allowed
 * to fire every minute (MATTEROPS_SCHEDULE_MINIMUM_GAP_SECONDS=60, docs/digests.md) and a state
 * namespace of the file's own, the terminal as the bot's user, and the bot's digest posts in ~ops.
 * The files are split (digests*.test.ts) because each waits for cron minutes, so apart they can
 * run side by side on sandboxes of their own (scripts/test-tiers.sh).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from './bot-process.ts';
import { postText as fullText, type MattermostPost as Post } from './mattermost-post.ts';
import { env, sandboxEnv, testNamespace } from './sandbox.ts';

export type { MattermostPost as Post } from './mattermost-post.ts';

export const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));
export { postText as fullText } from './mattermost-post.ts';

/** The digest of the sandbox's chat/mattermost, as the bot heads it. */
export const chatDigest = /Status digest of chat\/mattermost in cluster sandbox-bot/;

/** The bot's posts in ~ops since `since` whose text matches, oldest first. */
export async function botPosts(since: number, match: RegExp): Promise<Post[]> {
  const list = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_OPS')}/posts?since=${since}`);
  return Object.values(list.posts)
    .filter((p) => p.user_id === env('MM_BOT_USER_ID') && p.create_at > since && match.test(fullText(p)))
    .sort((a, b) => a.create_at - b.create_at);
}

export async function nthPost(since: number, match: RegExp, n: number, timeoutMs = 150_000): Promise<Post> {
  return await waitFor(async () => (await botPosts(since, match))[n - 1], { what: `post ${n} matching ${match}`, timeoutMs, intervalMs: 1_000 });
}

/** Minute boundaries (every-minute firings) in (from, to]. */
export const firingsBetween = (from: number, to: number): number => Math.floor(to / 60_000) - Math.floor(from / 60_000);

/** A file's bots: one env (its own state namespace), started and stopped together. */
export class DigestBots {
  readonly running: BotProcess[] = [];
  readonly namespace: string;
  readonly env: Record<string, string>;

  private constructor(namespace: string, env: Record<string, string>) {
    this.namespace = namespace;
    this.env = env;
  }

  static async create(prefix: string): Promise<DigestBots> {
    const namespace = await testNamespace(prefix);
    return new DigestBots(namespace, {
      MATTEROPS_STATE_NAMESPACE: namespace,
      MATTEROPS_SCHEDULE_MINIMUM_GAP_SECONDS: '60',
      MATTEROPS_SCHEDULE_POLL_SECONDS: '2',
      MATTEROPS_LEADER_SECONDS: '6',
    });
  }

  async start(): Promise<BotProcess> {
    const bot = await startBot(sandboxEnv(), this.env);
    this.running.push(bot);
    return bot;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((b) => b.stop()));
  }

  /** `matterops run` as the terminal's user, on the bot's kubeconfig context and state namespace. */
  async terminal(command: string): Promise<string> {
    const { stdout } = await promisify(execFile)(process.execPath, ['src/cli.ts', 'run', command], {
      cwd: repoRoot,
      env: { ...process.env, ...sandboxEnv(), ...this.env },
    });
    return stdout;
  }
}
