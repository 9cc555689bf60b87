/**
 * `scale bench N --yes` through the whole change pipeline (parse, resolve, policy, dry-run patch,
 * audit events, Lease, patch with precondition, release) against the raw client-node calls it must
 * make, same sandbox, same run, interleaved. The wait for the operator is not overhead, so the
 * follow step is answered at once from the written object (no API call), and the baseline does not
 * wait either. Goals (issue 5): p50 ratio <= 1.25, added p50 <= 2 ms. Run: node bench/scale.bench.ts
 */
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { loadConfig } from '../src/config/load-config.ts';
import type { Installation } from '../src/core/model/installation.ts';
import type { ClusterDirectory, ClusterGateway } from '../src/core/ports/cluster-gateway.ts';
import { silentLogger } from '../src/core/ports/logger.ts';
import { createApp } from '../src/main.ts';
import { createKubeDirectory } from '../src/adapters/kubernetes/kube-directory.ts';
import { createInstallation, waitStable } from '../test/sandbox/installations.ts';
import { compare, interleave, ms } from './stats.ts';
import { withSandbox } from './with-sandbox.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 60);
const mm = { group: 'installation.mattermost.com', version: 'v1beta1', plural: 'mattermosts' } as const;
const leases = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases' } as const;

/** The real gateway, except that following ends as soon as the write is known: no operator wait. */
function withoutOperatorWait(directory: ClusterDirectory): ClusterDirectory {
  return { ...directory, get(context) {
    const real = directory.get(context);
    if (!real) return undefined;
    let written: Installation | undefined;
    const gateway: ClusterGateway = {
      ...real,
      patchInstallation: async (ns, name, patch, options) => {
        const result = await real.patchInstallation(ns, name, patch, options);
        if (!options.dryRun) written = result;
        return result;
      },
      watchInstallation: (_ns, _name, onChange) => {
        const w = written;
        setImmediate(() => onChange(w && { ...w, status: { ...w.status, state: 'stable', observedGeneration: w.generation, updatedReplicas: w.spec.replicas } }));
        return { stop: () => undefined };
      },
    };
    return gateway;
  } };
}

await withSandbox(async (env) => {
  const kc = new KubeConfig();
  kc.loadFromFile(env.KUBECONFIG ?? '');
  const namespace = `bench-${Date.now().toString(36)}`; // a namespace of its own: nothing left in chat
  const admin = new KubeConfig();
  admin.loadFromFile(env.KUBECONFIG ?? '');
  admin.setCurrentContext('sandbox');
  await createInstallation(admin, { namespace, name: 'bench', version: '9.9.0', replicas: 3, databaseUrl: env.PGURL ?? '', ingress: false });
  await waitStable(admin, namespace, 'bench');
  const config = loadConfig({ MATTEROPS_KUBECONFIG: env.KUBECONFIG, MATTEROPS_KUBE_CONTEXT: 'sandbox-bot', MATTEROPS_NAMESPACE: namespace, MATTEROPS_POLICY: env.MATTEROPS_POLICY });
  const directory = createKubeDirectory({ kubeconfig: env.KUBECONFIG ?? '', defaultContext: 'sandbox-bot' });
  const real = createApp(config, { logger: silentLogger });
  const app = createApp(config, { logger: silentLogger, clusters: withoutOperatorWait(directory), locks: real.changeDeps.locks, audit: real.changeDeps.audit });
  const caller = { id: 'bench', name: 'bench', via: 'terminal' as const };

  kc.setCurrentContext('sandbox-bot');
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const event = (phase: string): Promise<unknown> => core.createNamespacedEvent({ namespace, body: {
    metadata: { generateName: 'bench.raw.' }, involvedObject: { kind: 'Mattermost', name: 'bench', namespace }, reason: 'RawBench', action: phase, message: phase, type: 'Normal' } });
  const micro = (): string => new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

  let n = 3;
  const bot = async (): Promise<void> => {
    const { reply } = await app.pipeline.run(`scale bench ${n} --yes`, caller);
    if (reply.error) throw new Error(JSON.stringify(reply.blocks));
  };
  // The calls the pipeline must make: read, dry-run patch, audit, Lease, patch, audit twice, release.
  const raw = async (): Promise<void> => {
    const current = await custom.getNamespacedCustomObject({ ...mm, namespace, name: 'bench' }) as { metadata: { resourceVersion: string } };
    const body = { spec: { replicas: n }, metadata: { resourceVersion: current.metadata.resourceVersion } };
    await custom.patchNamespacedCustomObject({ ...mm, namespace, name: 'bench', body, dryRun: 'All' }, merge);
    await event('requested');
    await custom.createNamespacedCustomObject({ ...leases, namespace, body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'raw-bench' },
      spec: { holderIdentity: 'raw', leaseDurationSeconds: 30, acquireTime: micro(), renewTime: micro() } } });
    await custom.patchNamespacedCustomObject({ ...mm, namespace, name: 'bench', body }, merge);
    await event('applied');
    await event('succeeded');
    const lease = await custom.getNamespacedCustomObject({ ...leases, namespace, name: 'raw-bench' }) as { metadata: { resourceVersion: string } };
    await custom.deleteNamespacedCustomObject({ ...leases, namespace, name: 'raw-bench', body: { preconditions: { resourceVersion: lease.metadata.resourceVersion } } });
  };

  // Each write makes the operator reconcile and write status, which would turn the next write's
  // resourceVersion precondition into a conflict; both sides start from a stable installation.
  const settle = async (): Promise<void> => {
    const stable = await waitStable(admin, namespace, 'bench');
    n = stable.spec?.replicas === 3 ? 4 : 3; // always a real change
  };
  await interleave(5, bot, raw, settle);
  const samples = await interleave(rounds, bot, raw, settle);
  const r = compare(samples.subject, samples.baseline);
  console.log(`scale (no operator wait), ${rounds} rounds interleaved (node ${process.version})`);
  console.log(`  bot (change pipeline)     p50 ${ms(r.p50)}   p99 ${ms(r.p99)}`);
  console.log(`  raw client-node calls     p50 ${ms(r.baselineP50)}   p99 ${ms(r.baselineP99)}`);
  console.log(`  ratio bot/raw             p50 ${r.ratioP50.toFixed(3)}   p99 ${r.ratioP99.toFixed(3)}   added p50 ${ms(r.p50 - r.baselineP50)}`);
});
