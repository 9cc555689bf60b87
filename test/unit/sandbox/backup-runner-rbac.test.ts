/**
 * deploy/backup-runner-rbac.yaml is the one source of the runner's identity: the sandbox applies
 * the file itself, with its NAMESPACE placeholder filled in everywhere a namespace goes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backupRunnerRbac, backupRunnerRbacFile, runnerServiceAccount } from '../../sandbox/backup-namespace.ts';

describe('deploy/backup-runner-rbac.yaml in a namespace', () => {
  const objects = backupRunnerRbac('chat');

  it('is the runner ServiceAccount, its Role and its RoleBinding', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      `ServiceAccount/${runnerServiceAccount}`,
      'Role/matterops-runner',
      'RoleBinding/matterops-runner',
    ]);
  });

  it('puts every object and the binding subject in that namespace, leaving no placeholder', () => {
    expect(objects.every((o) => o.metadata?.namespace === 'chat')).toBe(true);
    expect((objects[2] as unknown as { subjects: object[] }).subjects).toEqual([{ kind: 'ServiceAccount', name: runnerServiceAccount, namespace: 'chat' }]);
    expect(JSON.stringify(objects)).not.toContain('NAMESPACE');
  });

  it('ships with the placeholder, so applying it unedited fails instead of landing somewhere', () => {
    expect(readFileSync(backupRunnerRbacFile, 'utf8').match(/namespace: NAMESPACE/g)).toHaveLength(4);
  });
});
