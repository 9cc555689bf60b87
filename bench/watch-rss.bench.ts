/**
 * RSS of the leader (issue 12, Performance (c)): `src/cli.ts serve` as a process of its own, leading
 * its own Lease in a state namespace of this run and watching every namespace (the default), first
 * at rest over the sandbox's own installations, then over BENCH_INSTALLATIONS (100) more with
 * BENCH_REPLICAS (50) kwok pods each. Run it on a sandbox of your own (`node test/sandbox/cli.ts up`
 * from the worktree): it makes thousands of pods.
 *
 * What it makes, so that the leader's informers see installations (src/leader/incident-watch.ts
 * watches pods, Deployments and ReplicaSets labelled installation.mattermost.com/installation, and
 * installation-snapshots.ts groups them by that label): a namespace with 100 Deployments
 * `mm-NN`, each labelled and with a pod template labelled `installation.mattermost.com/installation:
 * mm-NN`, 50 replicas; kube-controller-manager makes their ReplicaSets and pods, kube-scheduler
 * places them, kwok makes them Running and Ready (three extra kwok nodes with room for 2,000 pods
 * each). No `Mattermost` CR: the operator would make Deployments of its own for one (and 100 of them
 * reconciling on 2 cores is more than the machine can take); the snapshots then carry no resource,
 * which no rule judges on a healthy pod.
 *
 * Measured: VmRSS of the bot's process, sampled every second for BENCH_SAMPLE_S (20) after a rest of
 * as long: at rest before the load; after the pods are all Running; during a churn of pod updates
 * (BENCH_CHURN_S, 60 s: BENCH_CHURN_WORKERS (10) clients merge-patching an annotation on the pods in
 * turn, each an update the informers take and the incident watch judges), its peak polled every
 * 25 ms; and from a freshly started leader that lists them all at its start. Baseline in the same
 * run: bench/bare-informers.ts, client-node's own ListWatch over the same six watches, a process
 * of its own, sampled at the same moments. Run: node bench/watch-rss.bench.ts
 *
 * BENCH_VARIANTS runs several leaders side by side, each leading its own Lease in a state namespace
 * of its own and sampled at the same moments, to compare ways of running the bot in one run:
 * `;`-separated, each Node's flags then the entry, e.g.
 * `BENCH_VARIANTS='src/cli.ts;dist/cli.js;--max-semi-space-size=1 dist/cli.js'` (dist/ built
 * first: `tsc -p tsconfig.build.json`). The default is the one leader `src/cli.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { repoRoot } from '../test/sandbox/paths.ts';
import { waitFor } from '../test/sandbox/wait.ts';
import { startBot, type BotLaunch, type BotProcess } from '../test/support/bot-process.ts';
import { grantStateRights } from '../test/support/state-rights.ts';
import { cpuSeconds } from './measured-run.ts';
import { withSandbox } from './with-sandbox.ts';

const installations = Number(process.env.BENCH_INSTALLATIONS ?? 100);
const replicas = Number(process.env.BENCH_REPLICAS ?? 50);
const sampleS = Number(process.env.BENCH_SAMPLE_S ?? 20);
const churnS = Number(process.env.BENCH_CHURN_S ?? 60);
const churnWorkers = Number(process.env.BENCH_CHURN_WORKERS ?? 10);
const label = 'installation.mattermost.com/installation';
const variants: { name: string; launch: BotLaunch }[] = (process.env.BENCH_VARIANTS ?? 'src/cli.ts').split(';').map((v) => {
  const words = v.trim().split(/\s+/);
  return { name: v.trim(), launch: { nodeArgs: words.slice(0, -1), entry: words.at(-1) ?? 'src/cli.ts' } };
});
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const range = (s: number[]): string => `${Math.min(...s).toFixed(1)}-${Math.max(...s).toFixed(1)} MiB`;

/** VmRSS of each process every second for `seconds`. */
async function sample(pids: number[], seconds: number): Promise<number[][]> {
  const out = pids.map(() => [] as number[]);
  for (let i = 0; i < seconds; i++) {
    pids.forEach((pid, p) => out[p]?.push(rssMiB(pid)));
    await sleep(1_000);
  }
  return out;
}

/** The highest VmRSS of each process, polled every 25 ms, while `body` runs. */
async function peaks<T>(pids: number[], body: () => Promise<T>): Promise<{ result: T; peak: number[] }> {
  const peak = pids.map(rssMiB);
  const timer = setInterval(() => pids.forEach((pid, p) => (peak[p] = Math.max(peak[p] ?? 0, rssMiB(pid)))), 25);
  try {
    return { result: await body(), peak };
  } finally {
    clearInterval(timer);
  }
}

/** A leader that has listed: its log says how many installations the incident watch found. */
async function leader(
  env: Record<string, string>,
  stateNamespace: string,
  launch: BotLaunch,
): Promise<{ bot: BotProcess; installations: number; listedS: number }> {
  const t0 = performance.now();
  const bot = await startBot(env, { MATTEROPS_STATE_NAMESPACE: stateNamespace, MATTEROPS_LOG_LEVEL: 'info', MATTEROPS_INCIDENT_STORM_COUNT: '1000' }, launch);
  const line = await waitFor(() => /"installations":(\d+)[^\n]*incident watch: listed/.exec(bot.output())?.[1], {
    what: 'the incident watch to have listed',
    timeoutMs: 300_000,
    intervalMs: 250,
  });
  return { bot, installations: Number(line), listedS: (performance.now() - t0) / 1000 };
}

function bare(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bench/bare-informers.ts'], {
    cwd: repoRoot,
    env: { ...process.env, KUBECONFIG: env.KUBECONFIG ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('listed')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`bare informers exited ${code}`)));
  });
}

const pidOf = (child: ChildProcess): number => child.pid ?? 0;
const kubeConfig = (env: Record<string, string>, context: string): KubeConfig => {
  const k = new KubeConfig();
  k.loadFromFile(env.KUBECONFIG ?? '');
  k.setCurrentContext(context);
  return k;
};

/** Three kwok nodes with room for 2,000 pods each; returns their names (to delete). */
async function roomyNodes(core: CoreV1Api, suffix: string): Promise<string[]> {
  const capacity = { cpu: '10000', memory: '10000Gi', pods: '2000' };
  const nodes = [0, 1, 2].map((i) => `rss-node-${suffix}-${i}`);
  for (const name of nodes) {
    await core.createNode({
      body: {
        metadata: {
          name,
          annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          labels: { 'kubernetes.io/hostname': name, type: 'kwok' },
        },
        status: { capacity, allocatable: capacity },
      },
    });
  }
  return nodes;
}

/** The Deployments, then a wait until every pod is Running and Ready. */
async function makeLoad(core: CoreV1Api, apps: AppsV1Api, namespace: string): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < installations; i++) {
    const name = `mm-${String(i).padStart(3, '0')}`;
    const labels = { app: 'mattermost', [label]: name };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name, labels },
        spec: {
          replicas,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'mattermost', image: 'mattermost/mattermost-enterprise-edition:9.9.0' }] } },
        },
      },
    });
  }
  await waitFor(
    async () => {
      const pods = (await core.listNamespacedPod({ namespace, labelSelector: label })).items;
      const ready = pods.filter((p) => p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
      console.log(
        `  ${ready.length} of ${installations * replicas} pods Running and Ready after ${((performance.now() - t0) / 1000).toFixed(0)} s (load ${loadAverage()})`,
      );
      return ready.length >= installations * replicas;
    },
    { what: 'every pod Running and Ready', timeoutMs: 1_800_000, intervalMs: 15_000 },
  );
}

/** `churnWorkers` clients merge-patching an annotation on the pods in turn for `churnS`; returns the writes made. */
async function churn(core: CoreV1Api, namespace: string): Promise<number> {
  const pods = (await core.listNamespacedPod({ namespace, labelSelector: label })).items.map((p) => p.metadata?.name ?? '');
  let writes = 0;
  const end = performance.now() + churnS * 1000;
  await Promise.all(
    Array.from({ length: churnWorkers }, async (_, w) => {
      for (let i = w; performance.now() < end; i += churnWorkers) {
        await core.patchNamespacedPod(
          { namespace, name: pods[i % pods.length] ?? '', body: { metadata: { annotations: { 'matterops.io/bench-churn': String(i) } } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        writes++;
      }
    }),
  );
  return writes;
}

const ratio = (a: number[], b: number[]): string => (Math.max(...a) / Math.max(...b)).toFixed(3);

/** The leaders now running, one per variant, each in its state namespace (replaced in step 5). */
interface Leader {
  variant: string;
  launch: BotLaunch;
  stateNs: string;
  bot: BotProcess;
}

/** Each leader's samples against the baseline's, one phrase per variant. */
const against = (leaders: Leader[], bots: number[][], bare: number[]): string =>
  leaders.map((l, i) => `[${l.variant}] ${range(bots[i] ?? [])}, ratio of the maxima ${ratio(bots[i] ?? [], bare)}`).join('; ');

interface Run {
  env: Record<string, string>;
  core: CoreV1Api;
  apps: AppsV1Api;
  loadNs: string;
  suffix: string;
  cleanups: (() => Promise<unknown>)[];
  say: (text: string) => void;
  leaders: Leader[];
}

/** Steps 2 to 5: the load made, watched at rest, churned, and listed by fresh leaders. */
async function underLoad(run: Run): Promise<void> {
  const { env, core, apps, loadNs, suffix, cleanups, say, leaders } = run;
  // 2. The load; the bots watch it arrive.
  for (const name of await roomyNodes(core, suffix)) cleanups.push(() => core.deleteNode({ name }));
  await core.createNamespace({ body: { metadata: { name: loadNs, labels: { 'matterops.io/test': 'true' } } } });
  cleanups.push(() => core.deleteNamespace({ name: loadNs }));
  const t0 = performance.now();
  const { peak: creating } = await peaks(
    leaders.map((l) => pidOf(l.bot.child)),
    () => makeLoad(core, apps, loadNs),
  );
  say(
    `made ${installations} Deployments x ${replicas} pods in ${((performance.now() - t0) / 1000).toFixed(0)} s; bot peak meanwhile ${leaders.map((l, i) => `[${l.variant}] ${creating[i]?.toFixed(1)} MiB`).join(', ')}`,
  );

  // 3. Watching them, at rest; the baseline lists the same.
  const baseline = await bare(env);
  cleanups.push(() => Promise.resolve(baseline.kill('SIGTERM')));
  await sleep(sampleS * 1000);
  const pids = [...leaders.map((l) => pidOf(l.bot.child)), pidOf(baseline)];
  const watching = await sample(pids, sampleS);
  const bareWatching = watching.at(-1) ?? [];
  say(`watching at rest: bare informers ${range(bareWatching)}; ${against(leaders, watching, bareWatching)}`);

  await churned(run, pids);
  await relisted(run, pidOf(baseline));
}

/** Step 4: the churn, the peaks of every process during it, and each bot's CPU. */
async function churned({ core, loadNs, say, leaders }: Run, pids: number[]): Promise<void> {
  const cpu0 = leaders.map((_, i) => cpuSeconds(pids[i] ?? 0) ?? 0);
  const { result: writes, peak: churning } = await peaks(pids, () => churn(core, loadNs));
  const cpu = leaders.map((_, i) => (cpuSeconds(pids[i] ?? 0) ?? 0) - (cpu0[i] ?? 0));
  const barePeak = churning.at(-1) ?? 1;
  say(
    `churn: ${writes} pod updates in ${churnS} s (${(writes / churnS).toFixed(0)}/s); peak bare informers ${barePeak.toFixed(1)} MiB; ${leaders
      .map((l, i) => `[${l.variant}] peak ${churning[i]?.toFixed(1)} MiB, ratio ${ratio([churning[i] ?? 0], [barePeak])}, CPU ${cpu[i]?.toFixed(1)} s`)
      .join('; ')}`,
  );
}

/** Step 5: fresh leaders that list them all at their start, sampled next to the baseline. */
async function relisted({ env, say, leaders }: Run, baselinePid: number): Promise<void> {
  const listed: string[] = [];
  for (const l of leaders) {
    await l.bot.stop();
    const fresher = await leader(env, l.stateNs, l.launch);
    l.bot = fresher.bot;
    listed.push(`[${l.variant}] ${fresher.installations} installations listed ${fresher.listedS.toFixed(1)} s after start`);
  }
  await sleep(sampleS * 1000);
  const fresh = await sample([...leaders.map((l) => pidOf(l.bot.child)), baselinePid], sampleS);
  const bareLater = fresh.at(-1) ?? [];
  say(`fresh leaders (${listed.join(', ')}): bare informers ${range(bareLater)}; ${against(leaders, fresh, bareLater)}`);
  for (const l of leaders) {
    const said = l.bot
      .output()
      .split('\n')
      .filter((line) => /"level":(4|5)\d/.test(line));
    if (said.length) say(`[${l.variant}] bot warnings/errors: ${said.length}, last: ${said.at(-1)?.slice(0, 400)}`);
  }
}

await withSandbox(async (env) => {
  const admin = kubeConfig(env, 'sandbox');
  const [core, apps] = [admin.makeApiClient(CoreV1Api), admin.makeApiClient(AppsV1Api)];
  const suffix = randomBytes(3).toString('hex');
  const loadNs = `rss-load-${suffix}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const report: string[] = [];
  const say = (text: string): void => {
    console.log(text);
    report.push(`${text} (load ${loadAverage()})`);
  };
  const leaders: Leader[] = [];
  try {
    // 1. At rest, leading, over the sandbox's own installations: one leader per variant.
    for (const [i, { name, launch }] of variants.entries()) {
      const stateNs = `rss-state-${suffix}-${i}`;
      await core.createNamespace({ body: { metadata: { name: stateNs, labels: { 'matterops.io/test': 'true' } } } });
      cleanups.push(() => core.deleteNamespace({ name: stateNs }));
      await grantStateRights(admin, kubeConfig(env, 'sandbox-bot'), stateNs);
      const first = await leader(env, stateNs, launch);
      leaders.push({ variant: name, launch, stateNs, bot: first.bot });
      say(`[${name}] leading over ${first.installations} installations, listed ${first.listedS.toFixed(1)} s after start`);
    }
    cleanups.push(() => Promise.all(leaders.map((l) => l.bot.stop())));
    await sleep(sampleS * 1000);
    const idle = await sample(
      leaders.map((l) => pidOf(l.bot.child)),
      sampleS,
    );
    say(`leaders at rest: ${leaders.map((l, i) => `[${l.variant}] VmRSS ${range(idle[i] ?? [])}`).join('; ')}`);

    await underLoad({ env, core, apps, loadNs, suffix, cleanups, say, leaders });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
    console.log(`\n${report.join('\n')}`);
  }
});
process.exit(0);
