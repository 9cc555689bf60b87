/**
 * `scale bench N --yes` through the whole change pipeline (parse, resolve, policy, dry-run patch,
 * audit events, Lease, patch with precondition, release) against the raw client-node calls it must
 * make, same sandbox, same run, interleaved. The wait for the operator is not overhead, so the
 * follow step is answered at once from the written object (no API call), and the baseline does not
 * wait either. The raw calls send the same bodies (audit annotations, the in-flight record on the
 * Lease): that content is what the product needs, not overhead. Both sides share connections
 * (KeepAliveKubeConfig), as the bot does. Goals (issue 5): p50 ratio <= 1.25, added p50 <= 2 ms.
 * Run: node bench/scale.bench.ts
 */
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { loadConfig } from '../src/config/load-config.ts';
import { toInstallation, type Installation } from '../src/core/model/installation.ts';
import type { ClusterDirectory, ClusterGateway } from '../src/core/ports/cluster-gateway.ts';
import { silentLogger } from '../src/core/ports/logger.ts';
import { createCore } from '../src/core/create-core.ts';
import { coreSettings, terminalPorts } from '../src/main.ts';
import { createKubeDirectory } from '../src/adapters/kubernetes/kube-directory.ts';
import { toEvent } from '../src/adapters/kubernetes/event-audit-log.ts';
import { lockLeaseName, toLease } from '../src/adapters/kubernetes/lock-lease.ts';
import { createHmacSigner } from '../src/adapters/crypto/hmac-signer.ts';
import { leaseResource, type LeaseObject } from '../src/adapters/kubernetes/lease-object.ts';
import { writeThenWait } from '../src/core/change/installation-steps.ts';
import type { AuditPhase } from '../src/core/ports/audit-log.ts';
import { createInstallation, waitStable } from '../test/sandbox/installations.ts';
import { compare, interleave, ms, percentile } from './stats.ts';
import { StepTimer } from './step-timer.ts';
import { withSandbox } from './with-sandbox.ts';
import { KeepAliveKubeConfig } from '../src/adapters/kubernetes/keep-alive-kube-config.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 60);
const mm = { group: 'installation.mattermost.com', version: 'v1beta1', plural: 'mattermosts' } as const;

/** Names the pipeline's port calls after the raw steps they stand for. */
const gatewayStep = (method: string, args: unknown[]): string =>
  method === 'write' ? ((args[1] as { dryRun?: boolean }).dryRun ? 'dry-run patch' : 'patch') : method === 'getInstallation' ? 'read' : method;
const auditStep = (_method: string, args: unknown[]): string => `audit ${(args[0] as { phase: string }).phase}`;
const lockStep = (method: string): string => (method === 'acquire' ? 'lock' : method === 'renew' ? 'save step' : method);

/** The real gateway, timed, except that following ends as soon as the write is known: no operator wait. */
function withoutOperatorWait(directory: ClusterDirectory, timer: StepTimer): ClusterDirectory {
  return {
    ...directory,
    get(context) {
      const found = directory.get(context);
      if (!found) return undefined;
      const real = timer.wrap(found, gatewayStep);
      let written: Installation | undefined;
      const gateway: ClusterGateway = {
        ...real,
        write: async (request, options) => {
          const result = await real.write(request, options);
          if (!options.dryRun && result) written = toInstallation(result.object);
          return result;
        },
        watchInstallation: (_ns, _name, onChange) => {
          const w = written;
          setImmediate(() =>
            onChange(w && { ...w, status: { ...w.status, state: 'stable', observedGeneration: w.generation, updatedReplicas: w.spec.replicas } }),
          );
          return { stop: () => undefined };
        },
      };
      return gateway;
    },
  };
}

await withSandbox(async (env) => {
  const kc = new KeepAliveKubeConfig(); // the transport the bot uses: the comparison is of matterops's own work
  kc.loadFromFile(env.KUBECONFIG ?? '');
  const namespace = `bench-${Date.now().toString(36)}`; // a namespace of its own: nothing left in chat
  const admin = new KubeConfig();
  admin.loadFromFile(env.KUBECONFIG ?? '');
  admin.setCurrentContext('sandbox');
  await createInstallation(admin, { namespace, name: 'bench', version: '9.9.0', replicas: 3, databaseUrl: env.PGURL ?? '', ingress: false });
  await waitStable(admin, namespace, 'bench');
  const config = loadConfig({
    MATTEROPS_KUBECONFIG: env.KUBECONFIG,
    MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
    MATTEROPS_NAMESPACE: namespace,
    MATTEROPS_POLICY: env.MATTEROPS_POLICY,
  });
  const directory = createKubeDirectory({ kubeconfig: env.KUBECONFIG ?? '', defaultContext: 'sandbox-bot' });
  const real = terminalPorts(config, { logger: silentLogger });
  const [botSteps, rawSteps] = [new StepTimer(), new StepTimer()];
  const app = createCore(
    {
      ...real,
      clusters: withoutOperatorWait(directory, botSteps),
      locks: (c) => botSteps.wrap(real.locks(c), lockStep),
      audit: (c) => botSteps.wrap(real.audit(c), auditStep),
    },
    coreSettings(config),
  );
  const caller = { id: 'bench', name: 'bench', via: 'terminal' as const };

  kc.setCurrentContext('sandbox-bot');
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  // The raw calls carry what the pipeline's must carry (audit annotations, the in-flight record).
  const benchSigner = createHmacSigner('bench key');
  const entry = { operationId: 'rawbench', verb: 'scale', requester: 'bench', via: 'terminal', cluster: 'sandbox-bot', namespace, installation: 'bench' };
  const event = (phase: AuditPhase): Promise<unknown> =>
    rawSteps.time(`audit ${phase}`, () =>
      core.createNamespacedEvent({ namespace, body: toEvent({ ...entry, at: new Date(), phase, detail: `replicas ${n === 3 ? 4 : 3} -> ${n}` }, benchSigner) }),
    );
  // Locks live in the state namespace and carry a signed record, as the pipeline's do.
  const lockSettings = { namespace: config.stateNamespace, durationSeconds: 30, signer: benchSigner };
  const leaseRef = { ...leaseResource, namespace: lockSettings.namespace, name: lockLeaseName(namespace, 'raw-bench') };
  // The record names the plan's steps and the one reached: the write at first, then the wait.
  const lease = (step: number): LeaseObject => {
    const steps = writeThenWait({ cluster: 'sandbox-bot', namespace, name: 'bench' }, { kind: 'patch', patch: { spec: { replicas: n } } }, undefined, 'stable');
    const record = {
      ...entry,
      name: 'bench',
      steps,
      step,
      summary: `replicas -> ${n}`,
      startedAt: new Date().toISOString(),
      deadline: new Date().toISOString(),
    };
    return toLease(
      lockSettings,
      { cluster: 'sandbox-bot', namespace, name: 'raw-bench' },
      { operationId: 'rawbench', verb: 'scale', requester: 'bench', startedAt: new Date(), record },
      new Date(),
    );
  };

  let n = 3;
  const ownTime: number[] = [];
  const bot = async (): Promise<void> => {
    botSteps.reset();
    const t0 = performance.now();
    const { reply } = await app.pipeline.run(`scale bench ${n} --yes`, caller);
    ownTime.push(performance.now() - t0 - botSteps.inSteps);
    if (reply.error) throw new Error(JSON.stringify(reply.blocks));
  };
  // The calls the pipeline must make: read, dry-run patch, audit, Lease, patch, save the step, audit twice, release
  // (each Lease write preconditioned on the resourceVersion of the one before: no reads of it).
  const raw = async (): Promise<void> => {
    const current = (await rawSteps.time('read', () => custom.getNamespacedCustomObject({ ...mm, namespace, name: 'bench' }))) as {
      metadata: { resourceVersion: string };
    };
    const body = { spec: { replicas: n }, metadata: { resourceVersion: current.metadata.resourceVersion } };
    await rawSteps.time('dry-run patch', () => custom.patchNamespacedCustomObject({ ...mm, namespace, name: 'bench', body, dryRun: 'All' }, merge));
    await event('requested');
    const locked = (await rawSteps.time('lock', () =>
      custom.createNamespacedCustomObject({ ...leaseResource, namespace: lockSettings.namespace, body: lease(0) }),
    )) as LeaseObject;
    await rawSteps.time('patch', () => custom.patchNamespacedCustomObject({ ...mm, namespace, name: 'bench', body }, merge));
    // The step reached goes onto the Lease (so resume continues at the wait), replacing the Lease
    // as it was written, with its resourceVersion as the precondition.
    const saved = (await rawSteps.time('save step', () => {
      const next = lease(1);
      return custom.replaceNamespacedCustomObject({
        ...leaseRef,
        body: { ...next, metadata: { ...next.metadata, resourceVersion: locked.metadata?.resourceVersion } },
      });
    })) as LeaseObject;
    await event('applied');
    await event('succeeded');
    await rawSteps.time('release', () =>
      custom.deleteNamespacedCustomObject({ ...leaseRef, body: { preconditions: { resourceVersion: saved.metadata?.resourceVersion } } }),
    );
  };

  // Each write makes the operator reconcile and write status, which would turn the next write's
  // resourceVersion precondition into a conflict; both sides start from a stable installation.
  const settle = async (): Promise<void> => {
    const stable = await waitStable(admin, namespace, 'bench');
    n = stable.spec?.replicas === 3 ? 4 : 3; // always a real change
  };
  await interleave(5, bot, raw, settle);
  [botSteps, rawSteps].forEach((t) => t.clear());
  ownTime.length = 0;
  const samples = await interleave(rounds, bot, raw, settle);
  const r = compare(samples.subject, samples.baseline);
  console.log(`scale (no operator wait), ${rounds} rounds interleaved (node ${process.version})`);
  console.log(`  bot (change pipeline)     p50 ${ms(r.p50)}   p99 ${ms(r.p99)}`);
  console.log(`  raw client-node calls     p50 ${ms(r.baselineP50)}   p99 ${ms(r.baselineP99)}`);
  console.log(`  ratio bot/raw             p50 ${r.ratioP50.toFixed(3)}   p99 ${r.ratioP99.toFixed(3)}   added p50 ${ms(r.p50 - r.baselineP50)}`);
  console.log(`  matterops's own code (outside API calls)   p50 ${ms(percentile(ownTime, 50))}   p99 ${ms(percentile(ownTime, 99))}`);
  console.log('  per step, p50: bot | raw');
  for (const step of rawSteps.names()) console.log(`    ${step.padEnd(16)} ${ms(botSteps.p50(step))} | ${ms(rawSteps.p50(step))}`);
});
