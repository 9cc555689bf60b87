/** The real mattermost-operator, out of cluster, with its CRDs taken from the same module version. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { httpsPost } from './https-get.ts';
import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { bin, peersDir } from './paths.ts';
import { freePort } from './ports.ts';
import { startProcess, type StartedProcess } from './processes.ts';
import { waitFor } from './wait.ts';

/**
 * Creates every CRD the operator ships, with a plain HTTPS POST of the YAML turned into JSON.
 * Not through client-node's typed API: its serializer drops keys like `x-kubernetes-int-or-string`.
 * (Create, not apply: the Mattermost CRD is 464 KB, too big for the last-applied annotation.)
 */
export async function installOperatorCrds(kc: KubeConfig, server: string, caFile: string, token: string): Promise<void> {
  const dir = join(peersDir, 'operator-crds');
  const crds = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } }))
    .filter((crd) => crd?.kind === 'CustomResourceDefinition');
  for (const crd of crds) {
    const { status, body } = await httpsPost(`${server}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, JSON.stringify(crd), caFile, token);
    if (status !== 201) throw new Error(`creating CRD ${crd.metadata?.name ?? '?'} answered ${status}: ${body.slice(0, 300)}`);
  }
  const api = kc.makeApiClient(ApiextensionsV1Api);
  await Promise.all(
    crds.map((crd) =>
      waitFor(
        async () => {
          const current = await api.readCustomResourceDefinition({ name: crd.metadata?.name ?? '' });
          return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
        },
        { what: `CRD ${crd.metadata?.name ?? '?'} established` },
      ),
    ),
  );
}

export async function startOperator(logDir: string, adminKubeconfig: string): Promise<StartedProcess> {
  return startProcess('mattermost-operator', bin('mattermost-operator'), {
    log: join(logDir, 'mattermost-operator.log'),
    args: [`--kubeconfig=${adminKubeconfig}`, `--metrics-addr=127.0.0.1:${await freePort()}`],
    // Several installations reconcile at once in tests; the default of 1 would serialise them.
    env: { MAX_RECONCILE_CONCURRENCY: '4' },
  });
}
