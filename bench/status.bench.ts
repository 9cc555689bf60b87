/**
 * `status mattermost` end to end in process (parse, resolve, four API reads, verdict, reply, terminal
 * render) against the raw client-node reads it needs, same sandbox, same run, interleaved.
 * Goal (issue 4): p50 ratio <= 1.25. Run: make bench (or node bench/status.bench.ts).
 * Then the same as `serve` runs it (createServeApp: warnings from its events cache, three API
 * reads) against the same baseline (docs/watching.md).
 */
import { BatchV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { renderTerminal } from '../src/adapters/terminal/render-terminal.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { silentLogger } from '../src/core/ports/logger.ts';
import { createApp, createServeApp } from '../src/main.ts';
import { compare, interleave, ms } from './stats.ts';
import { withSandbox } from './with-sandbox.ts';
import { KeepAliveKubeConfig } from '../src/adapters/kubernetes/keep-alive-kube-config.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 300);
const warmup = 30;

await withSandbox(async (env) => {
  const config = loadConfig({ MATTEROPS_KUBECONFIG: env.KUBECONFIG, MATTEROPS_KUBE_CONTEXT: 'sandbox-bot', MATTEROPS_NAMESPACE: 'chat' });
  const app = createApp(config, { logger: silentLogger });
  const served = createServeApp(config, { logger: silentLogger });
  const caller = { id: 'bench', name: 'bench', via: 'terminal' as const };
  const kc = new KeepAliveKubeConfig(); // the transport the bot uses: the comparison is of matterops's own work
  kc.loadFromFile(env.KUBECONFIG ?? '');
  kc.setCurrentContext('sandbox-bot');
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const namespace = 'chat';

  const statusOn = (on: typeof app) => async (): Promise<void> => {
    const { reply } = await on.pipeline.run('status mattermost', caller);
    if (reply.error) throw new Error(renderTerminal(reply, { color: false }));
    renderTerminal(reply, { color: false });
  };
  const bot = statusOn(app);
  // The reads status made before it had listWarnings and the events cache (the baseline every row of
  // BENCHMARKS.md compares with), in the same order: the CR, then pods, events and jobs in parallel.
  const raw = async (): Promise<void> => {
    await custom.getNamespacedCustomObject({ group: 'installation.mattermost.com', version: 'v1beta1', plural: 'mattermosts', namespace, name: 'mattermost' });
    await Promise.all([
      core.listNamespacedPod({ namespace, labelSelector: 'installation.mattermost.com/installation=mattermost' }),
      core.listNamespacedEvent({ namespace }),
      batch.listNamespacedJob({ namespace }),
    ]);
  };

  await interleave(warmup, bot, raw);
  const samples = await interleave(rounds, bot, raw);
  const r = compare(samples.subject, samples.baseline);
  console.log(`status mattermost, ${rounds} rounds interleaved (node ${process.version})`);
  console.log(`  bot (pipeline + render)   p50 ${ms(r.p50)}   p99 ${ms(r.p99)}`);
  console.log(`  raw client-node reads     p50 ${ms(r.baselineP50)}   p99 ${ms(r.baselineP99)}`);
  console.log(`  ratio bot/raw             p50 ${r.ratioP50.toFixed(3)}   p99 ${r.ratioP99.toFixed(3)}   added p50 ${ms(r.p50 - r.baselineP50)}`);

  // As serve runs it: the first command starts the events cache; the warm-up lets it list.
  const servedBot = statusOn(served);
  try {
    await interleave(warmup, servedBot, raw);
    const timed = await interleave(rounds, servedBot, raw);
    const c = compare(timed.subject, timed.baseline);
    console.log(`status mattermost as serve runs it (events cache), ${rounds} rounds interleaved`);
    console.log(`  bot (pipeline + render)   p50 ${ms(c.p50)}   p99 ${ms(c.p99)}`);
    console.log(`  raw client-node reads     p50 ${ms(c.baselineP50)}   p99 ${ms(c.baselineP99)}`);
    console.log(`  ratio bot/raw             p50 ${c.ratioP50.toFixed(3)}   p99 ${c.ratioP99.toFixed(3)}   added p50 ${ms(c.p50 - c.baselineP50)}`);
  } finally {
    await served.stopWatches();
  }
});
