/**
 * What a backup Job needs in an installation's namespace, as an operator's admin would set it up
 * (issue 11): the store's credentials and the database admin's DSN as Secrets the Job's pod reads
 * through secretKeyRef, and the runner's identity from deploy/backup-runner-rbac.yaml. The sandbox
 * prepares `chat` and `staging`; a test prepares its own namespace the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, CoreV1Api, KubernetesObjectApi, loadAllYaml, type KubeConfig, type KubernetesObject, type V1Secret } from '@kubernetes/client-node';
import { deployDir } from './paths.ts';

/** Secret with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` of the backup store. */
export const backupStoreSecret = 'matterops-backup-store';
/** Secret with `DB_ADMIN_CONNECTION_STRING`: a role that may create databases owned by the installations' role. */
export const dbAdminSecret = 'matterops-db-admin';
/** The service account runner pods run as (deploy/backup-runner-rbac.yaml). */
export const runnerServiceAccount = 'matterops-runner';

export const backupRunnerRbacFile = join(deployDir, 'backup-runner-rbac.yaml');

/** The sandbox env keys this reads (written by sandbox up). */
export type BackupEnv = Record<'MATTEROPS_BACKUP_S3_ACCESS_KEY_ID' | 'MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY' | 'MATTEROPS_DB_ADMIN_URL', string>;

type Subject = { kind: string; namespace?: string };

/** deploy/backup-runner-rbac.yaml with its NAMESPACE placeholder filled in, objects and subjects alike. */
export function backupRunnerRbac(namespace: string): KubernetesObject[] {
  return (loadAllYaml(readFileSync(backupRunnerRbacFile, 'utf8')) as (KubernetesObject & { subjects?: Subject[] })[]).map((object) => ({
    ...object,
    metadata: { ...object.metadata, namespace },
    ...(object.subjects ? { subjects: object.subjects.map((s) => (s.kind === 'ServiceAccount' ? { ...s, namespace } : s)) } : {}),
  }));
}

/** Creates the Secret, or replaces its data if it is there already (a test may prepare twice). */
async function putSecret(core: CoreV1Api, namespace: string, name: string, stringData: Record<string, string>): Promise<void> {
  const body: V1Secret = { metadata: { name, namespace }, type: 'Opaque', stringData };
  try {
    await core.createNamespacedSecret({ namespace, body });
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 409)) throw error;
    await core.replaceNamespacedSecret({ name, namespace, body });
  }
}

async function createUnlessThere(client: KubernetesObjectApi, object: KubernetesObject): Promise<void> {
  try {
    await client.create(object);
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 409)) throw error;
  }
}

export async function prepareBackupNamespace(kc: KubeConfig, namespace: string, env: BackupEnv): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await putSecret(core, namespace, backupStoreSecret, {
    AWS_ACCESS_KEY_ID: env.MATTEROPS_BACKUP_S3_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: env.MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY,
  });
  await putSecret(core, namespace, dbAdminSecret, { DB_ADMIN_CONNECTION_STRING: env.MATTEROPS_DB_ADMIN_URL });
  const objects = KubernetesObjectApi.makeApiClient(kc);
  for (const object of backupRunnerRbac(namespace)) await createUnlessThere(objects, object);
}
