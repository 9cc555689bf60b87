/**
 * What sharing connections buys: the four reads of `status` through client-node's own KubeConfig
 * (a new undici Agent, so a new TLS connection, per request) against the same reads through
 * KeepAliveKubeConfig (one Agent per cluster and user), same sandbox, same run, interleaved.
 * Run: node bench/connections.bench.ts
 */
import { BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { KeepAliveKubeConfig } from '../src/adapters/kubernetes/keep-alive-kube-config.ts';
import { compare, interleave, ms } from './stats.ts';
import { withSandbox } from './with-sandbox.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 300);
const namespace = 'chat';

function statusReads(kc: KubeConfig): () => Promise<void> {
  kc.setCurrentContext('sandbox-bot');
  const [custom, core, batch] = [kc.makeApiClient(CustomObjectsApi), kc.makeApiClient(CoreV1Api), kc.makeApiClient(BatchV1Api)];
  return async () => {
    await custom.getNamespacedCustomObject({ group: 'installation.mattermost.com', version: 'v1beta1', plural: 'mattermosts', namespace, name: 'mattermost' });
    await Promise.all([
      core.listNamespacedPod({ namespace, labelSelector: 'installation.mattermost.com/installation=mattermost' }),
      core.listNamespacedEvent({ namespace }),
      batch.listNamespacedJob({ namespace }),
    ]);
  };
}

await withSandbox(async (env) => {
  const kept = new KeepAliveKubeConfig();
  kept.loadFromFile(env.KUBECONFIG ?? '');
  const plain = new KubeConfig();
  plain.loadFromFile(env.KUBECONFIG ?? '');
  const [keepAlive, perRequest] = [statusReads(kept), statusReads(plain)];

  await interleave(30, keepAlive, perRequest);
  const samples = await interleave(rounds, keepAlive, perRequest);
  const r = compare(samples.subject, samples.baseline);
  console.log(`status reads, ${rounds} rounds interleaved (node ${process.version})`);
  console.log(`  shared connections (KeepAliveKubeConfig)   p50 ${ms(r.p50)}   p99 ${ms(r.p99)}`);
  console.log(`  client-node default (Agent per request)    p50 ${ms(r.baselineP50)}   p99 ${ms(r.baselineP99)}`);
  console.log(`  ratio shared/default                       p50 ${r.ratioP50.toFixed(3)}   p99 ${r.ratioP99.toFixed(3)}`);
  await kept.closeConnections();
});
