/** The real mattermost-operator, out of cluster, with its CRDs taken from the same module version. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiextensionsV1Api, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { bin, peersDir } from './paths.ts';
import { freePort } from './ports.ts';
import { startProcess, type StartedProcess } from './processes.ts';
import { waitFor } from './wait.ts';

/** Creates every CRD the operator ships (create, not apply: the Mattermost CRD is 464 KB). */
export async function installOperatorCrds(kc: KubeConfig): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const dir = join(peersDir, 'operator-crds');
  const crds = readdirSync(dir).filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as V1CustomResourceDefinition))
    .filter((crd) => crd?.kind === 'CustomResourceDefinition');
  await Promise.all(crds.map((body) => api.createCustomResourceDefinition({ body })));
  await Promise.all(crds.map((crd) => waitFor(async () => {
    const current = await api.readCustomResourceDefinition({ name: crd.metadata?.name ?? '' });
    return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  }, { what: `CRD ${crd.metadata?.name} established` })));
}

export async function startOperator(logDir: string, adminKubeconfig: string): Promise<StartedProcess> {
  return startProcess('mattermost-operator', bin('mattermost-operator'), {
    log: join(logDir, 'mattermost-operator.log'),
    args: [`--kubeconfig=${adminKubeconfig}`, `--metrics-addr=127.0.0.1:${await freePort()}`],
    // Several installations reconcile at once in tests; the default of 1 would serialise them.
    env: { MAX_RECONCILE_CONCURRENCY: '4' },
  });
}
