/**
 * Quiet hours end to end (issue 12, Quiet by design): the bot as a process watching an
 * installation of two pods in a namespace of this file; alice routes it to ~incidents and sets
 * quiet hours there from chat covering now; one pod stops being ready (a warning, written as the
 * kubelet would): no root is posted; `notify quiet off` answers with the summary of what was held.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { createInstallation, waitStable } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { writeTrouble } from '../support/pod-troubles.ts';
import { waitForReadyPods } from '../support/pods.ts';
import { policyWithOperator } from '../support/operator-policy.ts';
import { env, kubeConfig, sandboxEnv, testNamespace } from '../support/sandbox.ts';
import { postText as fullText, type MattermostPost as Post } from '../support/mattermost-post.ts';

const admin = kubeConfig();
const name = 'mm-quiet';
let namespace = '';
let bot: BotProcess | undefined;

const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));
async function botPosts(since: number): Promise<Post[]> {
  const list = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_INCIDENTS')}/posts?since=${since}`);
  return Object.values(list.posts).filter((p) => p.user_id === env('MM_BOT_USER_ID') && p.create_at >= since);
}
async function slash(command: string): Promise<void> {
  await as('MM_TOKEN_ALICE').call('POST', '/commands/execute', { channel_id: env('MM_CHANNEL_INCIDENTS'), team_id: env('MM_TEAM_ID'), command });
}
async function answer(since: number, match: RegExp): Promise<string> {
  return await waitFor(async () => (await botPosts(since)).map(fullText).find((t) => match.test(t)), {
    what: `an answer matching ${match}`,
    timeoutMs: 20_000,
    intervalMs: 250,
  });
}
/** Quiet hours in UTC from a minute ago to two hours from now (`HH:MM-HH:MM`). */
function coveringNow(): string {
  const hhmm = (d: Date): string => d.toISOString().slice(11, 16);
  const now = Date.now();
  return `${hhmm(new Date(now - 60_000))}-${hhmm(new Date(now + 2 * 3_600_000))}`;
}

beforeAll(async () => {
  namespace = await testNamespace('quiet');
  await createInstallation(admin, { namespace, name, version: '9.9.0', replicas: 2, databaseUrl: env('PGURL'), ingress: false });
  await waitStable(admin, namespace, name);
  await waitForReadyPods(admin, namespace, name, 2);
  // The sandbox policy, and alice as operator in this file's namespace (notify from chat).
  const policy = policyWithOperator(namespace);
  // No default channel: the channel gets this file's installation only, by alice's route.
  bot = await startBot(sandboxEnv(), {
    MATTEROPS_POLICY: policy,
    MATTEROPS_STATE_NAMESPACE: namespace,
    MATTEROPS_INCIDENTS_NAMESPACES: namespace,
    MATTEROPS_INCIDENT_NOT_READY: '3s',
  });
}, 200_000);
afterAll(async () => {
  await bot?.stop();
  await admin
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: namespace })
    .catch(() => undefined);
});

describe('quiet hours from chat', () => {
  it('a warning while quiet gets no root; notify quiet off answers with the summary of what was held', async () => {
    const since = Date.now();
    await slash(`/k8s notify here ${name} -n ${namespace}`);
    await answer(since, new RegExp(`Incident threads for ${namespace}/${name} go to this channel now\\.`));
    const hours = coveringNow();
    await slash(`/k8s notify quiet ${hours} UTC`);
    await answer(since, new RegExp(`Quiet hours for this channel: ${hours} UTC\\. They hold now\\.`));

    const [pod] = await waitForReadyPods(admin, namespace, name, 2);
    await writeTrouble(admin, pod!, 'not-ready');
    await new Promise((r) => setTimeout(r, 10_000)); // past the 3 s delay: a root would be posted by now
    expect((await botPosts(since)).filter((p) => p.message.includes(`${namespace}/${name}:`))).toEqual([]);

    const offAt = Date.now();
    await slash('/k8s notify quiet off');
    const summary = await answer(offAt, /^Quiet hours turned off/);
    expect(summary).toContain(`Quiet hours turned off (${hours} UTC). While quiet: 1 opened, 0 resolved; 1 still open.`);
    expect(summary).toContain(`| WARNING | ${namespace}/${name} | 1 of 2 pods not ready | opened, still open |`);
  }, 90_000);
});
