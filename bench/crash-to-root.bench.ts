/**
 * Pod crash to root post (issue 12, Performance (b)): the bot (`src/cli.ts serve`, a process of its
 * own, leading its own Lease in a state namespace of this run) watches one installation made by the
 * real operator; each round its pod is written an OOM kill as the kubelet would (a status merge
 * patch, test/support/pod-troubles.ts), and the time is from just before that write until alice's
 * websocket is sent the bot's root post. OOMKilled opens at once (no delay), so the whole time is
 * the figure "beyond the rule's threshold". Between rounds the pod is deleted (its ReplicaSet makes
 * a healthy one), the resolution is waited for in the thread, and the cool-down (1 s here) passes,
 * so the next OOM kill is a new incident with a root of its own; the storm count is raised so that
 * rounds a few seconds apart never become one storm post.
 *
 * Baseline in the same run, interleaved: the same status write on an installation in a namespace
 * the bot does not watch, seen by a bare client-node Watch of that namespace's pods (same label
 * selector as the bot's), which on the first event showing the OOM kill makes a straight POST /posts
 * with the bot's token to the same channel: the floor of watch plus post.
 * Run: node bench/crash-to-root.bench.ts (BENCH_ROUNDS, default 30 a side).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { createInstallation, waitStable } from '../test/sandbox/installations.ts';
import { MattermostRest } from '../test/sandbox/mattermost-rest.ts';
import { waitFor } from '../test/sandbox/wait.ts';
import { startBot } from '../test/support/bot-process.ts';
import { writeTrouble } from '../test/support/pod-troubles.ts';
import { installationLabel, waitForReadyPods } from '../test/support/pods.ts';
import { grantStateRights } from '../test/support/state-rights.ts';
import { watchPosts } from './post-watch.ts';
import { percentile } from './stats.ts';
import { withSandbox } from './with-sandbox.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 30);
const name = 'mm-crash';
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const oomKilled = (pod: V1Pod): boolean => (pod.status?.containerStatuses ?? []).some((c) => c.lastState?.terminated?.reason === 'OOMKilled');

/** Bot and straight rounds alternately, the order swapped every round. */
async function measure(
  botRound: () => Promise<number>,
  rawRound: (round: number) => Promise<number>,
): Promise<{ subject: number[]; baseline: number[]; load: string[] }> {
  const load = [loadAverage()];
  const subject: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      subject.push(await botRound());
      baseline.push(await rawRound(r));
    } else {
      baseline.push(await rawRound(r));
      subject.push(await botRound());
    }
    console.log(
      `round ${r + 1}/${rounds}: bot ${(subject.at(-1) ?? 0).toFixed(0)} ms, straight ${(baseline.at(-1) ?? 0).toFixed(0)} ms, load ${loadAverage()}`,
    );
  }
  load.push(loadAverage());
  return { subject, baseline, load };
}

function report({ subject, baseline, load }: { subject: number[]; baseline: number[]; load: string[] }, writeMs: number[]): void {
  const row = (label: string, s: number[]): string =>
    `${label} p50 ${percentile(s, 50).toFixed(0)} ms  p99 ${percentile(s, 99).toFixed(0)} ms  max ${Math.max(...s).toFixed(0)} ms`;
  console.log(`\ncrash to root: ${rounds} rounds a side, interleaved; load average ${load.join(' -> ')}`);
  console.log(`  ${row('bot     ', subject)}`);
  console.log(`  ${row('straight', baseline)}`);
  console.log(`  ${row('status write alone', writeMs)}`);
  console.log(
    `  ratio p50 ${(percentile(subject, 50) / percentile(baseline, 50)).toFixed(3)}  ratio p99 ${(percentile(subject, 99) / percentile(baseline, 99)).toFixed(3)}`,
  );
}

await withSandbox(async (env) => {
  const [url, botId] = [env.MM_URL ?? '', env.MM_BOT_USER_ID ?? ''];
  const admin = new MattermostRest(url, env.MM_ADMIN_TOKEN);
  const kc = (context: string): KubeConfig => {
    const k = new KubeConfig();
    k.loadFromFile(env.KUBECONFIG ?? '');
    k.setCurrentContext(context);
    return k;
  };
  const kube = kc('sandbox');
  const core = kube.makeApiClient(CoreV1Api);
  const suffix = randomBytes(3).toString('hex');
  const [botNs, rawNs] = [`crash-bot-${suffix}`, `crash-raw-${suffix}`];
  const stops: (() => Promise<unknown>)[] = [];
  try {
    for (const namespace of [botNs, rawNs]) {
      await core.createNamespace({ body: { metadata: { name: namespace, labels: { 'matterops.io/test': 'true' } } } });
      stops.push(() => core.deleteNamespace({ name: namespace }));
      await createInstallation(kube, { namespace, name, version: '9.9.0', replicas: 1, databaseUrl: env.PGURL ?? '', ingress: false });
    }
    await grantStateRights(kube, kc('sandbox-bot'), botNs);
    for (const namespace of [botNs, rawNs]) {
      await waitStable(kube, namespace, name, 120_000);
      await waitForReadyPods(kube, namespace, name, 1);
    }
    const made = await admin.call<{ id: string }>('POST', '/channels', {
      team_id: env.MM_TEAM_ID,
      name: `crash-${suffix}`,
      display_name: 'crash bench',
      type: 'O',
    });
    const channel = made.id;
    for (const user of [botId, env.MM_USER_ID_ALICE]) await admin.call('POST', `/channels/${channel}/members`, { user_id: user });
    const channels = new Set([channel]);
    const watch = await watchPosts(url, env.MM_TOKEN_ALICE ?? '');
    stops.push(() => Promise.resolve(watch.close()));

    const bot = await startBot(env, {
      MATTEROPS_STATE_NAMESPACE: botNs,
      MATTEROPS_INCIDENTS_CHANNEL: channel,
      MATTEROPS_INCIDENTS_NAMESPACES: botNs,
      MATTEROPS_INCIDENT_HOLD_DOWN: '1s',
      MATTEROPS_INCIDENT_COOL_DOWN: '1s',
      MATTEROPS_INCIDENT_STORM_COUNT: '1000',
    });
    stops.push(() => bot.stop());
    const botToken = bot.env.MM_BOT_TOKEN ?? '';

    // The baseline's watch: the first event of the pod showing the OOM kill makes a straight post.
    let pending: { pod: string; message: string } | undefined;
    const rawWatch = await new Watch(kube).watch(
      `/api/v1/namespaces/${rawNs}/pods`,
      { labelSelector: `${installationLabel(name)}` },
      (_type: string, pod: V1Pod) => {
        if (!pending || pod.metadata?.name !== pending.pod || !oomKilled(pod)) return;
        const { message } = pending;
        pending = undefined;
        void fetch(`${url}/api/v4/posts`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${botToken}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ channel_id: channel, message }),
        }).then((r) => r.text());
      },
      () => undefined,
    );
    stops.push(() => Promise.resolve(rawWatch.abort()));

    const writeMs: number[] = [];
    /** One OOM kill in `namespace`; resolves with ms from before the write to the matching root on alice's socket. */
    async function crash(namespace: string, matches: (message: string) => boolean, raw: string | undefined): Promise<{ ms: number; root: string; pod: V1Pod }> {
      const [pod] = await waitForReadyPods(kube, namespace, name, 1);
      if (!pod) throw new Error(`no pod in ${namespace}`);
      if (raw) pending = { pod: pod.metadata?.name ?? '', message: raw };
      const t0 = performance.now();
      await writeTrouble(kube, pod, 'oom-killed');
      writeMs.push(performance.now() - t0);
      const root = await waitFor(() => watch.since(t0, channels, botId).find((p) => p.root === '' && matches(p.message)), {
        what: `the root about ${namespace}`,
        timeoutMs: 60_000,
        intervalMs: 5,
      });
      return { ms: root.at - t0, root: root.id, pod };
    }
    const recover = async (namespace: string, pod: V1Pod): Promise<void> => {
      await core.deleteNamespacedPod({ namespace, name: pod.metadata?.name ?? '', gracePeriodSeconds: 0 });
      await waitFor(
        async () =>
          (await core.listNamespacedPod({ namespace, labelSelector: installationLabel(name) })).items.every((p) => p.metadata?.uid !== pod.metadata?.uid),
        {
          what: 'the OOM-killed pod gone',
          timeoutMs: 30_000,
        },
      );
      await waitForReadyPods(kube, namespace, name, 1);
    };
    const botRound = async (): Promise<number> => {
      const since = performance.now();
      const { ms, root, pod } = await crash(botNs, (m) => m.includes(`${botNs}/${name}:`) && m.includes('OOMKilled'), undefined);
      await recover(botNs, pod);
      await waitFor(() => watch.since(since, channels, botId).some((p) => p.root === root && p.message.startsWith('resolved after')), {
        what: 'the resolution in its thread',
        timeoutMs: 60_000,
      });
      await sleep(2_000); // past the 1 s cool-down: the next OOM kill is a new incident
      return ms;
    };
    const rawRound = async (round: number): Promise<number> => {
      const marker = `baseline OOMKilled ${suffix} ${round}`;
      const { ms, pod } = await crash(rawNs, (m) => m === marker, marker);
      await recover(rawNs, pod);
      return ms;
    };

    await botRound(); // warm-up, untimed: the bot has led, listed and judged once
    await rawRound(-1);
    writeMs.length = 0;
    report(await measure(botRound, rawRound), writeMs);
    const said = bot.output().trim();
    if (said) console.log(`bot said:\n${said.slice(-4_000)}`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
  }
});
process.exit(0);
