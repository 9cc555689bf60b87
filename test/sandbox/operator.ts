/** The real mattermost-operator, out of cluster, with its CRDs taken from the same module version. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { bin, peersDir } from './paths.ts';
import { freePort } from './ports.ts';
import { startProcess, type StartedProcess } from './processes.ts';
import { waitFor } from './wait.ts';

/**
 * Creates every CRD the operator ships with kubectl (create, not apply: the Mattermost CRD is 464 KB).
 * Not through client-node: its typed serializer drops keys like `x-kubernetes-int-or-string`.
 */
export async function installOperatorCrds(kc: KubeConfig, adminKubeconfig: string): Promise<void> {
  execFileSync(bin('kubectl'), ['--kubeconfig', adminKubeconfig, 'create', '-f', join(peersDir, 'operator-crds')], { stdio: 'pipe' });
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const names = (await api.listCustomResourceDefinition()).items.map((crd) => crd.metadata?.name ?? '');
  await Promise.all(names.map((name) => waitFor(async () => {
    const current = await api.readCustomResourceDefinition({ name });
    return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  }, { what: `CRD ${name} established` })));
}

export async function startOperator(logDir: string, adminKubeconfig: string): Promise<StartedProcess> {
  return startProcess('mattermost-operator', bin('mattermost-operator'), {
    log: join(logDir, 'mattermost-operator.log'),
    args: [`--kubeconfig=${adminKubeconfig}`, `--metrics-addr=127.0.0.1:${await freePort()}`],
    // Several installations reconcile at once in tests; the default of 1 would serialise them.
    env: { MAX_RECONCILE_CONCURRENCY: '4' },
  });
}
