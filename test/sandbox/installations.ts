/**
 * The sandbox's Mattermost installations: `chat/mattermost` (2 replicas) and
 * `staging/mattermost-staging` (1 replica), both on the database the sandbox Mattermost server
 * itself uses (kwok runs no Mattermost pods, so nothing but backups and restores reads it).
 * Test files create their own with `createInstallation` in a namespace of their own.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { waitFor } from './wait.ts';

export const mattermostCrd = { group: 'installation.mattermost.com', version: 'v1beta1', plural: 'mattermosts' } as const;

export interface InstallationSpec {
  namespace: string;
  name: string;
  version: string;
  replicas: number;
  databaseUrl: string;
  host?: string;
  /** false writes `ingress: {enabled: false}`. */
  ingress?: boolean;
}

interface MattermostObject {
  metadata: { generation?: number; resourceVersion?: string };
  spec?: { replicas?: number; version?: string };
  status?: { state?: string; observedGeneration?: number; replicas?: number; updatedReplicas?: number; image?: string; version?: string; error?: string };
}

export async function ensureNamespace(kc: KubeConfig, name: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.createNamespace({ body: { metadata: { name } } });
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
  }
}

/** The database and filestore secrets in the shapes the operator checks (reference/mattermost.md, A.1). */
export async function createSecrets(kc: KubeConfig, spec: InstallationSpec): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespacedSecret({
    namespace: spec.namespace,
    body: {
      metadata: { name: `${spec.name}-db` },
      stringData: { DB_CONNECTION_STRING: spec.databaseUrl },
    },
  });
  await core.createNamespacedSecret({
    namespace: spec.namespace,
    body: {
      metadata: { name: `${spec.name}-filestore` },
      stringData: { accesskey: 'sandbox', secretkey: 'sandbox-secret' },
    },
  });
}

export function installationBody(spec: InstallationSpec): object {
  return {
    apiVersion: `${mattermostCrd.group}/${mattermostCrd.version}`,
    kind: 'Mattermost',
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      version: spec.version,
      replicas: spec.replicas,
      // An explicit ingress block: without one the operator assumes ingress and fails for lack of a host.
      ingress: spec.ingress === false ? { enabled: false } : { enabled: true, host: spec.host ?? `${spec.name}.${spec.namespace}.sandbox.test` },
      database: { external: { secret: `${spec.name}-db` } },
      fileStore: { external: { url: 's3.sandbox.test', bucket: spec.name, secret: `${spec.name}-filestore` } },
    },
  };
}

export async function createInstallation(kc: KubeConfig, spec: InstallationSpec): Promise<void> {
  await ensureNamespace(kc, spec.namespace);
  await createSecrets(kc, spec);
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    ...mattermostCrd,
    namespace: spec.namespace,
    body: installationBody(spec),
  });
}

export async function readInstallation(kc: KubeConfig, namespace: string, name: string): Promise<MattermostObject> {
  return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...mattermostCrd, namespace, name })) as MattermostObject;
}

/** Done means the operator saw this generation and calls it stable (reference/mattermost.md, A.3). */
export function isStable(mm: MattermostObject): boolean {
  return mm.status?.state === 'stable' && (mm.status.observedGeneration ?? 0) >= (mm.metadata.generation ?? 1);
}

export async function waitStable(kc: KubeConfig, namespace: string, name: string, timeoutMs = 60_000): Promise<MattermostObject> {
  return await waitFor(
    async () => {
      const mm = await readInstallation(kc, namespace, name);
      return isStable(mm) ? mm : undefined;
    },
    { what: `installation ${namespace}/${name} to be stable`, timeoutMs, intervalMs: 200 },
  );
}
