/**
 * Whether a write step a dead matterops had reached is already in the cluster: it may have died
 * just after the write and before saving that on its lock. Known for the installation's own CR (a
 * patch whose dry run changes nothing, a create whose object exists, a delete whose object is
 * gone); for any other object the write is made again (its precondition or an AlreadyExists then
 * stops the change at that step, saying so).
 */
import { kinds, sameKind, type WrittenObject } from '../model/resource.ts';
import type { Installation } from '../model/installation.ts';
import type { WriteStep } from '../model/step.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import { writeStep } from './write-step.ts';

const asWritten = (i: Installation): WrittenObject => ({ object: i, generation: i.generation, resourceVersion: i.resourceVersion ?? '' });

export async function alreadyWritten(gateway: ClusterGateway, step: WriteStep): Promise<WrittenObject | undefined> {
  if (!sameKind(step.resource, kinds.mattermost)) return undefined;
  const current = await gateway.getInstallation(step.namespace, step.name);
  switch (step.action.kind) {
    case 'create':
      return current && asWritten(current);
    case 'delete':
      return current ? undefined : { object: undefined, generation: 0, resourceVersion: '' };
    case 'patch': {
      if (!current) return undefined;
      const dry = await writeStep(gateway, step, 'dry-run');
      return dry?.generation === current.generation ? asWritten(current) : undefined;
    }
  }
}
