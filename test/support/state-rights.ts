/**
 * Gives the sandbox bot in one namespace exactly what deploy/rbac.yaml gives it in its state
 * namespace (the `matterops-state` Role, read from that file) and what deploy/create-in-namespace.yaml
 * gives it where it creates installations, so a test can use its own namespace
 * as the state namespace without the bot holding Lease or ConfigMap rights anywhere else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthorizationV1Api, RbacAuthorizationV1Api, loadAllYaml, type KubeConfig, type V1Role } from '@kubernetes/client-node';
import { deployDir } from '../sandbox/paths.ts';
import { waitFor } from '../sandbox/wait.ts';

const stateRole = (): V1Role => {
  const objects = loadAllYaml(readFileSync(join(deployDir, 'rbac.yaml'), 'utf8')) as V1Role[];
  const role = objects.find((o) => o.kind === 'Role' && o.metadata?.name === 'matterops-state');
  if (!role) throw new Error('deploy/rbac.yaml has no Role matterops-state');
  return role;
};

/** `admin` creates the Role and binds the bot user to it; resolves once the apiserver grants it. */
export async function grantStateRights(admin: KubeConfig, bot: KubeConfig, namespace: string): Promise<void> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const { rules } = stateRole();
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'matterops-state', namespace }, rules: rules ?? [] } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'matterops-state', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'matterops-state' },
      subjects: [{ kind: 'User', name: 'matterops', apiGroup: 'rbac.authorization.k8s.io' }],
    },
  });
  // Tests create installations in their own namespace: the bot may check secret keys there (deploy/create-in-namespace.yaml).
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'matterops-secret-keys', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'matterops-secret-keys' },
      subjects: [{ kind: 'User', name: 'matterops', apiGroup: 'rbac.authorization.k8s.io' }],
    },
  });
  // ... and run backup Jobs there (deploy/backups-in-namespace.yaml).
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'matterops-run-backups', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'matterops-run-backups' },
      subjects: [{ kind: 'User', name: 'matterops', apiGroup: 'rbac.authorization.k8s.io' }],
    },
  });
  // RBAC reaches the authorizer through an informer: wait until the bot may really write there.
  const review = bot.makeApiClient(AuthorizationV1Api);
  await waitFor(
    async () =>
      (
        await review.createSelfSubjectAccessReview({
          body: {
            spec: {
              resourceAttributes: { group: 'coordination.k8s.io', resource: 'leases', verb: 'create', namespace },
            },
          },
        })
      ).status?.allowed,
    { what: `state rights in ${namespace}`, timeoutMs: 10_000 },
  );
}
