/**
 * The steps of the usual change: one write to the installation's `Mattermost` CR, then a wait
 * until the operator has done it (`stable`) or the CR is gone (`deleted`). Scale, upgrade,
 * restart, env, create and delete are each this one write and its wait.
 */
import type { Installation } from '../model/installation.ts';
import type { InstallationRef } from '../model/installation-ref.ts';
import { kinds, type WriteAction } from '../model/resource.ts';
import type { Step, WriteStep } from '../model/step.ts';

function installationWrite(target: InstallationRef, action: WriteAction, before: Installation | undefined): WriteStep {
  const resourceVersion = before?.resourceVersion;
  return { kind: 'write', resource: kinds.mattermost, namespace: target.namespace, name: target.name, action, ...(resourceVersion ? { resourceVersion } : {}) };
}

export function writeThenWait(target: InstallationRef, action: WriteAction, before: Installation | undefined, until: 'stable' | 'deleted'): Step[] {
  return [installationWrite(target, action, before), { kind: 'wait', until, namespace: target.namespace, name: target.name }];
}
