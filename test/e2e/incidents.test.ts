/**
 * Incident threads end to end (issue 12): the bot as a process watching its own installation in a
 * namespace of this file, pods broken by writing their status as the kubelet would, and the posts
 * read back from the real Mattermost `incidents` channel. Exactly one root per incident, the
 * resolution in its thread when the pod recovers, none repeated by a restarted bot.
 */
import { writeFileSync } from 'node:fs';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { createInstallation, waitStable } from '../sandbox/installations.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { writeTrouble, type PodTrouble } from '../support/pod-troubles.ts';
import { waitForReadyPods } from '../support/pods.ts';
import { policyWithOperator } from '../support/operator-policy.ts';
import { env, kubeConfig, sandboxEnv, testNamespace } from '../support/sandbox.ts';
import { postText as fullText, type MattermostPost as Post } from '../support/mattermost-post.ts';

const admin = kubeConfig();
const name = 'mm-incidents';
let namespace = '';
let bot: BotProcess;
let botEnv: Record<string, string> = {};

const as = (tokenVar: string): MattermostRest => new MattermostRest(env('MM_URL'), env(tokenVar));
async function incidentPosts(since: number): Promise<Post[]> {
  const list = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_INCIDENTS')}/posts?since=${since}`);
  return Object.values(list.posts).filter((p) => p.user_id === env('MM_BOT_USER_ID') && fullText(p).length > 0);
}
/** The roots about this file's installation, and the replies in their threads. */
async function threads(since: number): Promise<{ roots: Post[]; replies: Post[] }> {
  const posts = await incidentPosts(since);
  // `since` also returns older posts edited since (a resolved root): only roots made since count.
  const roots = posts.filter(
    (p) => !p.root_id && p.create_at >= since && /^\*\*(CRITICAL|WARNING|RESOLVED) /.test(p.message) && p.message.includes(`${namespace}/${name}:`),
  );
  return { roots, replies: posts.filter((p) => roots.some((r) => r.id === p.root_id)) };
}
const onePod = async () => (await waitForReadyPods(admin, namespace, name, 1))[0]!;
/** Recovery: the ReplicaSet replaces the deleted pod with a healthy one. */
async function recover(pod: Awaited<ReturnType<typeof onePod>>): Promise<void> {
  await admin.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace, name: pod.metadata?.name ?? '', gracePeriodSeconds: 0 });
  await onePod();
}

beforeAll(async () => {
  namespace = await testNamespace('incidents');
  await createInstallation(admin, { namespace, name, version: '9.9.0', replicas: 1, databaseUrl: env('PGURL'), ingress: false });
  await waitStable(admin, namespace, name);
  await onePod();
  // The sandbox policy, and alice as operator in this file's namespace too (mute from chat).
  const policy = policyWithOperator(namespace);
  botEnv = {
    MATTEROPS_POLICY: policy,
    MATTEROPS_STATE_NAMESPACE: namespace,
    MATTEROPS_INCIDENTS_CHANNEL: env('MM_CHANNEL_INCIDENTS'),
    MATTEROPS_INCIDENTS_NAMESPACES: namespace,
    // Short delays, so the test does not wait out the defaults (2 to 5 min); the rules are the same.
    MATTEROPS_INCIDENT_HOLD_DOWN: '5s',
    MATTEROPS_INCIDENT_IMAGE_PULL: '3s',
    MATTEROPS_INCIDENT_NOT_READY: '3s',
  };
  bot = await startBot(sandboxEnv(), botEnv);
}, 150_000);
afterAll(async () => {
  await bot?.stop();
});

describe('incident threads from the real cluster', () => {
  it('a crash loop: one root; a restarted bot posts no second one; the resolution lands in its thread', async () => {
    const since = Date.now();
    const pod = await onePod();
    // What the crashed container wrote, served by kwok as its previous log (CRI format), a secret in it.
    const crashed = ['starting', 'connecting to postgres://mmuser:hunter2@db:5432/mattermost', `fatal: cannot start ${since}`];
    writeFileSync(env('KWOK_PREVIOUS_LOG'), crashed.map((line) => `${new Date().toISOString()} stderr F ${line}\n`).join(''));
    await writeTrouble(admin, pod, 'crash-loop');
    const root = await waitFor(async () => (await threads(since)).roots[0], { what: 'the crash loop root', timeoutMs: 30_000, intervalMs: 250 });
    expect(root.message).toBe(`**CRITICAL ${namespace}/${name}: container mattermost is crash-looping (1 pod)**`);
    expect(fullText(root)).toContain('**last exit:** code 1 (Error)');
    // The previous container's log: its last lines on the root and the whole tail attached, redacted.
    expect(fullText(root)).toContain(`Previous container's log (${pod.metadata?.name}, mattermost), last 3 lines:`);
    expect(fullText(root)).toContain(`fatal: cannot start ${since}`);
    expect(fullText(root)).toContain('postgres://mmuser:***@');
    expect(fullText(root)).not.toContain('hunter2');
    expect(root.file_ids).toHaveLength(1);
    const info = await as('MM_ADMIN_TOKEN').call<{ name: string }>('GET', `/files/${root.file_ids?.[0]}/info`);
    expect(info.name).toBe(`${pod.metadata?.name}-mattermost-previous.log`);
    const file = await (
      await fetch(`${env('MM_URL')}/api/v4/files/${root.file_ids?.[0]}`, { headers: { Authorization: `Bearer ${env('MM_ADMIN_TOKEN')}` } })
    ).text();
    expect(file).toBe(`starting\nconnecting to postgres://mmuser:***@db:5432/mattermost\nfatal: cannot start ${since}\n`);

    await bot.stop();
    bot = await startBot(sandboxEnv(), botEnv);
    await new Promise((r) => setTimeout(r, 8_000)); // a second root would be posted by now
    expect((await threads(since)).roots).toHaveLength(1);

    await recover(pod);
    const resolved = await waitFor(async () => (await threads(since)).replies.find((p) => p.message.startsWith('resolved after')), {
      what: 'the resolution in the thread',
      timeoutMs: 40_000,
      intervalMs: 250,
    });
    expect(resolved.root_id).toBe(root.id);
    const after = await threads(since);
    expect(after.roots).toHaveLength(1);
    expect(after.replies).toHaveLength(1);
    // The root's edit is queued right behind the reply: it may land a moment later.
    await waitFor(async () => (await threads(since)).roots[0]?.message === `**RESOLVED ${namespace}/${name}: container mattermost is crash-looping (1 pod)**`, {
      what: 'the root edited to RESOLVED',
      timeoutMs: 10_000,
      intervalMs: 250,
    });
    // The edits kept the file.
    expect((await threads(since)).roots[0]?.file_ids).toEqual(root.file_ids);
  }, 150_000);

  it.each<[PodTrouble, RegExp]>([
    ['oom-killed', /^\*\*CRITICAL .*: container mattermost was OOMKilled \(1 pod\)\*\*$/],
    ['image-pull', /^\*\*CRITICAL .*: image cannot be pulled \(1 pod\)\*\*$/],
    ['unschedulable', /^\*\*CRITICAL .*: 1 pod cannot be scheduled\*\*$/],
  ])(
    '%s: exactly one root, then its resolution',
    async (trouble, headline) => {
      const since = Date.now();
      const pod = await onePod();
      await writeTrouble(admin, pod, trouble);
      const root = await waitFor(async () => (await threads(since)).roots[0], { what: `the ${trouble} root`, timeoutMs: 30_000, intervalMs: 250 });
      expect(root.message).toMatch(headline);
      if (trouble === 'unschedulable') expect(fullText(root)).toContain('**scheduler:** 0/3 nodes are available: 3 Insufficient cpu.');
      await recover(pod);
      await waitFor(async () => (await threads(since)).replies.some((p) => p.root_id === root.id && p.message.startsWith('resolved after')), {
        what: `the ${trouble} resolution`,
        timeoutMs: 40_000,
        intervalMs: 250,
      });
      expect((await threads(since)).roots).toHaveLength(1);
    },
    90_000,
  );
});

async function slash(tokenVar: string, command: string, channel: string): Promise<void> {
  await as(tokenVar).call('POST', '/commands/execute', { channel_id: env(channel), team_id: env('MM_TEAM_ID'), command });
}
async function answer(channel: string, since: number, match: RegExp): Promise<string> {
  return await waitFor(
    async () => {
      const list = await as('MM_ADMIN_TOKEN').call<{ posts: Record<string, Post> }>('GET', `/channels/${env(channel)}/posts?since=${since}`);
      return Object.values(list.posts)
        .map(fullText)
        .find((t) => match.test(t));
    },
    { what: `an answer matching ${match}`, timeoutMs: 20_000, intervalMs: 250 },
  );
}

describe('notify from chat', () => {
  it('alice routes chat/mattermost to ~ops and lists it; off removes it', async () => {
    const since = Date.now();
    await slash('MM_TOKEN_ALICE', '/k8s notify here mattermost', 'MM_CHANNEL_OPS');
    await answer('MM_CHANNEL_OPS', since, /Incident threads for chat\/mattermost go to this channel now\./);
    await slash('MM_TOKEN_ALICE', '/k8s notify list', 'MM_CHANNEL_OPS');
    // `@` gets an invisible U+200B after it in bot posts (escape-markdown.ts): nobody is pinged.
    expect(await answer('MM_CHANNEL_OPS', since, /\| chat\/mattermost \| ops \| @\u200balice \|/)).toContain('the default channel');
    await slash('MM_TOKEN_ALICE', '/k8s notify off', 'MM_CHANNEL_OPS');
    await answer('MM_CHANNEL_OPS', since, /This channel gets no more incident threads of 1 route\./);
  });
});

describe('mute from chat', () => {
  it('a muted installation gets no root; unmute answers with the open incident; recovery posts nothing', async () => {
    const since = Date.now();
    await slash('MM_TOKEN_ALICE', `/k8s mute ${name} 10m -n ${namespace} --reason "planned work"`, 'MM_CHANNEL_INCIDENTS');
    await answer('MM_CHANNEL_INCIDENTS', since, new RegExp(`${namespace}/${name} is muted until`));
    const pod = await onePod();
    await writeTrouble(admin, pod, 'crash-loop');
    await new Promise((r) => setTimeout(r, 8_000)); // the root would be posted by now
    expect((await threads(since)).roots).toHaveLength(0);
    await slash('MM_TOKEN_ALICE', `/k8s unmute ${name} -n ${namespace}`, 'MM_CHANNEL_INCIDENTS');
    const summary = await answer('MM_CHANNEL_INCIDENTS', since, /unmuted; 1 incident open/);
    expect(summary).toContain('container mattermost is crash-looping (1 pod)');
    await recover(pod);
    await new Promise((r) => setTimeout(r, 12_000)); // past the hold-down: a resolution would be posted by now
    const after = await threads(since);
    expect(after.roots).toHaveLength(0);
  }, 90_000);
});
