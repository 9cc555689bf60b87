/**
 * Incident threads when a peer fails (issue 12, Tests against the sandbox): the bot as a process,
 * each case with an installation of two pods in a namespace of its own, pods broken as the kubelet
 * would write them, the posts read back from the real Mattermost `incidents` channel.
 *
 * - Mattermost unreachable (the bot's path to it cut by a TcpProxy) while one incident opens and
 *   resolves and a second opens: once it is back every root and resolution arrives, once, in order
 *   per thread. The outage outlasts the leader Lease, so the deaf leader also steps down and leads
 *   again meanwhile (mention-listener-runnable.ts).
 * - kube-apiserver killed and started again (same ports, flags and etcd) while the leader watches:
 *   the incident open before gets no second root, its resolution during the gap is posted, one
 *   that begins just after is not missed. Twice: with a Lease longer than the case the same leader
 *   watches on (its watches reconnect; this found the resolution lost at a failed read of the
 *   threads, thread-keeper.ts), with a short one it steps down in the gap and leads again.
 * - Two replicas, the leader killed with SIGKILL mid-incident: the other takes over once the Lease
 *   expires, posts no second root and posts the resolution in the same thread.
 *
 * Every peer a case stops is started again in its afterAll, even when the case fails, so the next
 * e2e file finds a working sandbox. The apiserver cases run last: after a restart the real
 * kube-controller-manager may leave a ReplicaSet written just before it unsynced for minutes ("read
 * version ... is not as new as written version"), so pods of this file's earlier namespaces would
 * not be replaced in time.
 */
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { createInstallation, waitStable } from '../sandbox/installations.ts';
import { freePort } from '../sandbox/ports.ts';
import { restartControllers, stopApiserver } from '../sandbox/sandbox.ts';
import { waitFor } from '../sandbox/wait.ts';
import { startBot, type BotProcess } from '../support/bot-process.ts';
import { writeTrouble } from '../support/pod-troubles.ts';
import { waitForReadyPods } from '../support/pods.ts';
import { env, kubeConfig, sandboxEnv, testNamespace } from '../support/sandbox.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import type { MattermostPost as Post } from '../support/mattermost-post.ts';

const admin = kubeConfig();
const name = 'mm-faults';
const crashLoop = `container mattermost is crash-looping (1 pod)`;
const imagePull = `image cannot be pulled (1 pod)`;
const resolvedCrashLoop = /^resolved after [^:]+: container mattermost is crash-looping \(1 pod\) no longer seen$/;

const mattermost = (): MattermostRest => new MattermostRest(env('MM_URL'), env('MM_ADMIN_TOKEN'));
/** The roots about `namespace`'s installation made since `since`, and every reply in their threads, oldest first. */
async function threads(namespace: string, since: number): Promise<{ roots: Post[]; replies: Post[] }> {
  const list = await mattermost().call<{ posts: Record<string, Post> }>('GET', `/channels/${env('MM_CHANNEL_INCIDENTS')}/posts?since=${since}`);
  const posts = Object.values(list.posts)
    .filter((p) => p.user_id === env('MM_BOT_USER_ID'))
    .sort((a, b) => a.create_at - b.create_at);
  // `since` also returns older posts edited since: only roots made since count.
  const roots = posts.filter((p) => !p.root_id && p.create_at >= since && p.message.includes(`${namespace}/${name}:`));
  return { roots, replies: posts.filter((p) => roots.some((r) => r.id === p.root_id)) };
}
const rootOf = (roots: Post[], title: string): Post | undefined => roots.find((r) => r.message.endsWith(`${title}**`));
const repliesTo = (replies: Post[], root: Post | undefined): string[] =>
  replies.filter((p) => p.root_id === root?.id).map((p) => p.message.split('\n')[0] ?? '');
/** Waits for the root and reply counts a case expects, then a moment more: a duplicate would be posted by then. */
async function settled(namespace: string, since: number, done: (t: { roots: Post[]; replies: Post[] }) => boolean, what: string) {
  await waitFor(async () => done(await threads(namespace, since)), { what, timeoutMs: 90_000, intervalMs: 500 }).catch(async (e: unknown) => {
    // Say what did arrive: a timeout alone does not tell a lost post from a duplicate.
    const seen = await threads(namespace, since);
    const lines = [...seen.roots.map((r) => `root ${r.id}: ${r.message.split('\n')[0]}`), ...seen.replies.map((p) => `reply to ${p.root_id}: ${p.message}`)];
    throw new Error(`${(e as Error).message}; posted:\n${lines.join('\n')}`);
  });
  await new Promise((r) => setTimeout(r, 4_000));
  return await threads(namespace, since);
}

/** `matterops_incidents_open{rule}` on a bot's /metrics; undefined while it does not lead (the series is withdrawn). */
async function openIncidents(metricsUrl: string, rule: string): Promise<number | undefined> {
  const text = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.text(),
    () => '',
  );
  const line = text.split('\n').find((l) => l.startsWith(`matterops_incidents_open{rule="${rule}"} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}
async function waitOpen(metricsUrl: string, rule: string, count: number): Promise<void> {
  await waitFor(async () => (await openIncidents(metricsUrl, rule)) === count, {
    what: `${count} open ${rule} incident(s) on the leader's /metrics`,
    timeoutMs: 60_000,
    intervalMs: 250,
  });
}

/** A namespace of the case's own with an installation of two ready pods. */
async function createInstallationIn(prefix: string): Promise<string> {
  const namespace = await testNamespace(prefix);
  await createInstallation(admin, { namespace, name, version: '9.9.0', replicas: 2, databaseUrl: env('PGURL'), ingress: false });
  await waitStable(admin, namespace, name);
  await waitForReadyPods(admin, namespace, name, 2);
  return namespace;
}
async function deleteNamespace(namespace: string): Promise<void> {
  if (namespace)
    await admin
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
}
/** Recovery: the ReplicaSet replaces the deleted pod with a healthy one. */
async function deletePod(pod: V1Pod): Promise<void> {
  await admin.makeApiClient(CoreV1Api).deleteNamespacedPod({ namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', gracePeriodSeconds: 0 });
}
/** What a bot of one case reads: its namespace watched, its state kept there, short delays (the rules are the same). */
async function botEnv(namespace: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    MATTEROPS_STATE_NAMESPACE: namespace,
    MATTEROPS_INCIDENTS_CHANNEL: env('MM_CHANNEL_INCIDENTS'),
    MATTEROPS_INCIDENTS_NAMESPACES: namespace,
    MATTEROPS_INCIDENT_HOLD_DOWN: '5s',
    MATTEROPS_INCIDENT_IMAGE_PULL: '3s',
    MATTEROPS_METRICS_LISTEN: `127.0.0.1:${await freePort()}`,
    ...extra,
  };
}
const metricsUrlOf = (bot: BotProcess): string => `http://${bot.env.MATTEROPS_METRICS_LISTEN}`;

// Every case's installation is made at once, side by side, at the start of the file: one at a time
// they would take most of its run. A case takes its own; its afterAll deletes the namespace.
const prefixes = ['faults-mm', 'faults-api-600', 'faults-api-5', 'faults-ha'];
let installations: Map<string, Promise<string>> = new Map();
beforeAll(() => {
  installations = new Map(prefixes.map((prefix) => [prefix, createInstallationIn(prefix)]));
  for (const made of installations.values()) made.catch(() => undefined); // awaited by its case
});
afterAll(async () => {
  // A case that never ran (filtered out, or its beforeAll failed first) leaves its namespace to this.
  await Promise.all([...installations.values()].map((made) => made.then(deleteNamespace, () => undefined)));
}, 60_000);
async function installationFor(prefix: string): Promise<string> {
  const made = installations.get(prefix);
  if (!made) throw new Error(`no installation is made for ${prefix}`);
  return await made;
}

describe('Mattermost unreachable during incidents', () => {
  let namespace = '';
  let proxy: TcpProxy | undefined;
  let bot: BotProcess | undefined;
  beforeAll(async () => {
    namespace = await installationFor('faults-mm');
    proxy = await startTcpProxy(Number(env('PORT_MATTERMOST')));
    // A 5 s Lease: the outage outlasts it, so the deaf leader steps down and takes the lead again meanwhile.
    bot = await startBot(sandboxEnv(), await botEnv(namespace, { MM_URL: `http://127.0.0.1:${proxy.port}`, MATTEROPS_LEADER_SECONDS: '5' }));
  }, 180_000);
  afterAll(async () => {
    proxy?.restore();
    await bot?.stop();
    await proxy?.close();
    await deleteNamespace(namespace);
  });

  it('posts every root and resolution once, in order per thread, when Mattermost is back', async () => {
    const since = Date.now();
    const metrics = metricsUrlOf(bot!);
    await waitOpen(metrics, 'crash-loop', 0);
    const [first, second] = await waitForReadyPods(admin, namespace, name, 2);
    proxy!.cut();
    await writeTrouble(admin, first!, 'crash-loop');
    await waitOpen(metrics, 'crash-loop', 1);
    await deletePod(first!);
    await waitOpen(metrics, 'crash-loop', 0); // resolved after the hold-down, Mattermost still unreachable
    await writeTrouble(admin, second!, 'image-pull');
    await waitOpen(metrics, 'image-pull', 1);
    expect((await threads(namespace, since)).roots).toEqual([]); // nothing reached Mattermost
    proxy!.restore();

    const after = await settled(
      namespace,
      since,
      (t) =>
        t.roots.length >= 2 &&
        t.replies.some((p) => resolvedCrashLoop.test(p.message)) &&
        rootOf(t.roots, crashLoop)?.message.startsWith('**RESOLVED') === true,
      'both roots and the resolution',
    );
    expect(after.roots.map((r) => r.message.split('\n')[0]).sort()).toEqual([
      `**CRITICAL ${namespace}/${name}: ${imagePull}**`,
      `**RESOLVED ${namespace}/${name}: ${crashLoop}**`,
    ]);
    const crashRoot = rootOf(after.roots, crashLoop);
    expect(repliesTo(after.replies, crashRoot)).toEqual([expect.stringMatching(resolvedCrashLoop)]);
    expect(after.replies[0]!.create_at).toBeGreaterThanOrEqual(crashRoot!.create_at);
    expect(repliesTo(after.replies, rootOf(after.roots, imagePull))).toEqual([]);
  }, 180_000);
});

describe('two replicas, the leader killed mid-incident', () => {
  let namespace = '';
  let replicas: BotProcess[] = [];
  const roleOf = async (bot: BotProcess): Promise<string> =>
    await fetch(`${bot.url}/readyz`).then(
      async (r) => ((await r.json()) as { role: string }).role,
      () => 'gone',
    );
  beforeAll(async () => {
    namespace = await installationFor('faults-ha');
    // A short Lease: a killed leader never gives it up, so the other waits for it to expire.
    const shared = await botEnv(namespace, { MATTEROPS_LEADER_SECONDS: '5' });
    replicas = [await startBot(sandboxEnv(), { ...shared, MATTEROPS_METRICS_LISTEN: `127.0.0.1:${await freePort()}` })];
    replicas.push(await startBot(sandboxEnv(), { ...shared, MATTEROPS_METRICS_LISTEN: `127.0.0.1:${await freePort()}` }));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await deleteNamespace(namespace);
  });

  it('only the leader posts the root; after SIGKILL the other takes over, posts no second root and resolves in the same thread', async () => {
    const since = Date.now();
    const roles = await waitFor(
      async () => {
        const r = await Promise.all(replicas.map(roleOf));
        return [...r].sort().join() === 'follower,leader' ? r : undefined;
      },
      { what: 'one leader and one follower', timeoutMs: 30_000, intervalMs: 250 },
    );
    const leader = replicas[roles.indexOf('leader')]!;
    const follower = replicas[roles.indexOf('follower')]!;
    const [first] = await waitForReadyPods(admin, namespace, name, 2);
    await writeTrouble(admin, first!, 'crash-loop');
    const root = await waitFor(async () => rootOf((await threads(namespace, since)).roots, crashLoop), { what: 'the crash loop root', timeoutMs: 30_000 });
    expect(await openIncidents(metricsUrlOf(follower), 'crash-loop')).toBeUndefined(); // the follower judges nothing

    const killed = new Promise((resolve) => leader.child.once('exit', resolve));
    leader.child.kill('SIGKILL');
    await killed;
    await waitFor(async () => (await roleOf(follower)) === 'leader', { what: 'the follower to lead', timeoutMs: 30_000, intervalMs: 250 });
    await waitOpen(metricsUrlOf(follower), 'crash-loop', 1); // took the open incident over
    await deletePod(first!);

    const after = await settled(namespace, since, (t) => t.replies.some((p) => resolvedCrashLoop.test(p.message)), 'the resolution');
    expect(after.roots.map((r) => r.id)).toEqual([root.id]);
    expect(repliesTo(after.replies, root)).toEqual([expect.stringMatching(resolvedCrashLoop)]);
    await waitFor(async () => (await threads(namespace, since)).roots[0]?.message.startsWith(`**RESOLVED ${namespace}/${name}: ${crashLoop}**`), {
      what: 'the root edited to RESOLVED by the new leader',
      timeoutMs: 20_000,
      intervalMs: 250,
    });
  }, 180_000);
});

describe.each([
  // A Lease far longer than the case: no renewal falls in the gap, so the same leader watches on and its informers reconnect.
  { lease: '600', how: 'the leader keeps leading: its watches reconnect', stepsDown: false },
  // The default's order of size: the first renewal in the gap fails, the leader steps down and leads again, judging afresh.
  { lease: '5', how: 'the leader steps down in the gap and leads again', stepsDown: true },
])('kube-apiserver restarted while the leader watches ($lease s Lease)', ({ lease, how, stepsDown }) => {
  let namespace = '';
  let bot: BotProcess | undefined;
  let startAgain: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    namespace = await installationFor(`faults-api-${lease}`);
    // Info: the log says whether the leader stepped down, so the case knows which path it took.
    bot = await startBot(sandboxEnv(), await botEnv(namespace, { MATTEROPS_LEADER_SECONDS: lease, MATTEROPS_LOG_LEVEL: 'info' }));
  }, 180_000);
  afterAll(async () => {
    await startAgain?.(); // the sandbox's apiserver runs again even when the case failed with it down
    await bot?.stop();
    await deleteNamespace(namespace);
    // The controllers lag after the restart: fresh ones, so the next file's rollouts go through.
    await restartControllers();
  }, 60_000);

  it(`${how}: no second root for the incident from before, its resolution in the gap posted, the one just after not missed`, async () => {
    const since = Date.now();
    const [first, second] = await waitForReadyPods(admin, namespace, name, 2);
    await writeTrouble(admin, first!, 'crash-loop');
    const root = await waitFor(async () => rootOf((await threads(namespace, since)).roots, crashLoop), { what: 'the crash loop root', timeoutMs: 30_000 });
    // The pod recovers and the apiserver dies before the 5 s hold-down is over: the resolution falls in the gap.
    await deletePod(first!);
    const stopped = await stopApiserver();
    startAgain = stopped.start;
    await new Promise((r) => setTimeout(r, 6_000)); // the hold-down passes while the apiserver is down
    await stopped.start();
    startAgain = undefined;
    await writeTrouble(admin, second!, 'image-pull'); // begins just after, while the watches re-establish

    const after = await settled(
      namespace,
      since,
      (t) =>
        t.roots.length >= 2 &&
        t.replies.some((p) => resolvedCrashLoop.test(p.message)) &&
        rootOf(t.roots, crashLoop)?.message.startsWith('**RESOLVED') === true,
      'the resolution and the second root',
    );
    expect(after.roots.map((r) => r.message.split('\n')[0]).sort()).toEqual([
      `**CRITICAL ${namespace}/${name}: ${imagePull}**`,
      `**RESOLVED ${namespace}/${name}: ${crashLoop}**`,
    ]);
    expect(rootOf(after.roots, crashLoop)?.id).toBe(root.id);
    expect(repliesTo(after.replies, root)).toEqual([expect.stringMatching(resolvedCrashLoop)]);
    expect(repliesTo(after.replies, rootOf(after.roots, imagePull))).toEqual([]);
    // The path this case meant to take is the one it took.
    expect(bot!.output().includes('"msg":"no longer leading"')).toBe(stepsDown);
  }, 180_000);
});
