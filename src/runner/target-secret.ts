/**
 * The Secret a restore leaves for the bot to switch the installation to: `DB_CONNECTION_STRING`, the
 * installation's DSN with only the database replaced by the restored one. Created, or replaced
 * when an earlier try wrote it. Written with the pod's own identity (its service account; a
 * KUBECONFIG outside a cluster), in the installation's namespace.
 */
import { ApiException, CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { backupLabels } from '../core/model/backup.ts';
import { statusBody } from '../adapters/kubernetes/kube-errors.ts';

export interface TargetSecret {
  namespace: string;
  name: string;
  connectionString: string;
  backupId: string;
}

/** The apiserver's own sentence (names the verb, resource and namespace a 403 lacks), or the error's. */
export function kubeErrorText(error: unknown): string {
  if (error instanceof ApiException) return `HTTP ${error.code}: ${statusBody(error).message ?? 'no message'}`;
  return error instanceof Error ? error.message : String(error);
}

export async function writeTargetSecret(kubeConfig: KubeConfig, secret: TargetSecret): Promise<void> {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const { namespace, name } = secret;
  const body: V1Secret = {
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'matterops', [backupLabels.backupId]: secret.backupId } },
    type: 'Opaque',
    data: { DB_CONNECTION_STRING: Buffer.from(secret.connectionString).toString('base64') },
  };
  try {
    await api.createNamespacedSecret({ namespace, body });
  } catch (error) {
    if (!(error instanceof ApiException) || error.code !== 409) throw error;
    const current = await api.readNamespacedSecret({ namespace, name });
    await api.replaceNamespacedSecret({
      namespace,
      name,
      body: { ...body, metadata: { ...body.metadata, resourceVersion: current.metadata?.resourceVersion } },
    });
  }
}
