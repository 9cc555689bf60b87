/**
 * Scheduled restore drills end to end (issue 11): the bot as a process on the real Mattermost,
 * cluster, operator, SeaweedFS and PostgreSQL (the sandbox's runner-pod harness runs the drill
 * Job's `matterops drill run`), with its own state namespace and schedules allowed every minute.
 * alice adds a drill schedule from chat; its firing posts a root in ~ops, runs `backup --drill`
 * as alice with its progress in the root's thread, and edits the root to the backup verified;
 * the catalog then shows that backup verified and no scratch database is left.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBackupNamespace } from '../sandbox/backup-namespace.ts';
import { createInstallation, waitStable } from '../sandbox/installations.ts';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { policyWithOperator } from '../support/operator-policy.ts';
import { env, kubeConfig, sandboxEnv, testNamespace } from '../support/sandbox.ts';
import { postText as fullText, type MattermostPost as Post } from '../support/mattermost-post.ts';

const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));
const admin = kubeConfig();
const name = 'drilled';
let namespace = '';
let botEnv: Record<string, string> = {};
let bot: BotProcess | undefined;

async function slash(command: string): Promise<{ text: string }> {
  return await as('MM_TOKEN_ALICE').call('POST', '/commands/execute', { channel_id: env('MM_CHANNEL_OPS'), team_id: env('MM_TEAM_ID'), command });
}
/** What a reader sees of a post: its message and its attachment's text (the renderer puts the rest there). */
async function botPostsInOps(since: number): Promise<Post[]> {
  const list = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_OPS')}/posts?since=${since}`);
  return Object.values(list.posts)
    .filter((p) => p.user_id === env('MM_BOT_USER_ID') && p.create_at > since)
    .sort((a, b) => a.create_at - b.create_at);
}
/** `matterops run` as the terminal's user, with the bot's configuration. */
async function terminal(command: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['src/cli.ts', 'run', command], {
    cwd: repoRoot,
    env: { ...process.env, ...sandboxEnv(), ...botEnv },
  });
  return stdout;
}
/** psql as the database admin on the sandbox server. */
function sql(query: string): string {
  const url = new URL(env('MATTEROPS_DB_ADMIN_URL'));
  url.pathname = '/postgres';
  return execFileSync('psql', [url.toString(), '-X', '-qAt', '-c', query], { stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();
}

/** The sandbox policy, and alice an operator (backup, schedule) in this file's namespace too. */

beforeAll(async () => {
  namespace = await testNamespace('drills');
  await prepareBackupNamespace(admin, namespace, {
    MATTEROPS_BACKUP_S3_ACCESS_KEY_ID: env('MATTEROPS_BACKUP_S3_ACCESS_KEY_ID'),
    MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY: env('MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY'),
    MATTEROPS_DB_ADMIN_URL: env('MATTEROPS_DB_ADMIN_URL'),
  });
  botEnv = {
    MATTEROPS_STATE_NAMESPACE: namespace,
    MATTEROPS_INCIDENTS_NAMESPACES: namespace,
    MATTEROPS_SCHEDULE_MINIMUM_GAP_SECONDS: '60',
    MATTEROPS_SCHEDULE_POLL_SECONDS: '2',
    MATTEROPS_LEADER_SECONDS: '6',
    MATTEROPS_FOLLOW_TIMEOUT: '120s',
    MATTEROPS_POLICY: policyWithOperator(namespace),
    // This file's own corner of the bucket: the drill restores this file's backup.
    MATTEROPS_BACKUP_S3_PREFIX: `tests/${namespace}/`,
  };
  await createInstallation(admin, { namespace, name, version: '9.9.0', replicas: 1, databaseUrl: env('PGURL'), ingress: false });
  // The operator reconciles every test file's installations one after another: give it time.
  await waitStable(admin, namespace, name, 180_000);
  // The backup the drill proves, made from the terminal.
  expect(await terminal(`backup ${name} -n ${namespace} --yes`)).toMatch(/done, backup \d{8}-\d{6}-[0-9a-f]{4}:/);
  bot = await startBot(sandboxEnv(), botEnv);
}, 420_000);
afterAll(async () => {
  await bot?.stop();
  if (namespace)
    await admin
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
});

describe('scheduled restore drills', () => {
  it('a drill schedule added from chat posts a root, runs the drill in its thread, and edits the root to the backup verified', async () => {
    const since = Date.now();
    const added = await slash(`/k8s schedule add "* * * * *" drill ${name} -n ${namespace}`);
    // The answer is posted in ~ops (the markdown escapes the cron expression's stars); a refusal comes back privately.
    const addedPost = new RegExp(`Schedule s1 added: a restore drill of ${namespace}/${name} at "(\\\\?\\* ?){5}" \\(UTC\\) in ~ops`);
    await waitFor(async () => (await botPostsInOps(since)).find((p) => addedPost.test(fullText(p))), {
      what: `the schedule added (the slash answer: ${added.text})`,
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    const done = new RegExp(`Schedule s1: restore drill of ${namespace}/${name} as @\\u200b?alice: done, backup (\\d{8}-\\d{6}-[0-9a-f]{4}) verified\\.`);
    const running = new RegExp(`Schedule s1: restore drill of ${namespace}/${name} as @\\u200b?alice: running, progress in the thread\\.`);
    const root = await waitFor(async () => (await botPostsInOps(since)).find((p) => !p.root_id && (running.test(fullText(p)) || done.test(fullText(p)))), {
      what: 'the drill schedule root post',
      timeoutMs: 120_000,
      intervalMs: 1_000,
    }).catch(async (e: unknown) => {
      const posts = (await botPostsInOps(since)).map(fullText).join('\n---\n');
      throw new Error(`${(e as Error).message}; the bot posted:\n${posts}\nand said:\n${bot?.output() ?? ''}`);
    });
    // One drill is enough: no further firing.
    expect(await terminal('schedule remove s1')).toContain('Schedule s1 removed');
    const edited = await waitFor(
      async () => {
        const p = await as('MM_ADMIN_TOKEN').call<Post>('GET', `/posts/${root.id}`);
        return done.test(fullText(p)) ? p : undefined;
      },
      { what: 'the root edited to the drill verified', timeoutMs: 180_000, intervalMs: 1_000 },
    ).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}; the bot said:\n${bot?.output() ?? ''}`);
    });
    const backupId = done.exec(fullText(edited))?.[1] ?? '';
    // The thread holds the drill as a typed command's answer: its outcome names the backup drilled.
    const thread = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/posts/${root.id}/thread`);
    const replies = Object.values(thread.posts).filter((p) => p.id !== root.id && p.user_id === env('MM_BOT_USER_ID'));
    expect(replies.map(fullText).join('\n')).toMatch(new RegExp(`backup ${namespace}/${name}: done, drill ${backupId}: .*verified and dropped`));
    // The catalog shows the backup verified; the drill left no scratch database.
    expect(await terminal(`backups ${name} -n ${namespace}`)).toMatch(new RegExp(`${backupId}[^\\n]*verified`));
    expect(sql(`SELECT count(*) FROM pg_database WHERE datname LIKE '${name}_drill_%'`)).toBe('0');
  }, 360_000);
});
