/**
 * The one write of the change pipeline: preview dry-runs each write step with it, execute applies
 * them with it, so what is applied is the very request that was previewed.
 *
 * A dry run carries no resourceVersion precondition: the operator writes status all the time, and
 * a precondition there failed plans on nothing but that churn. The real write carries the
 * precondition the plan was made against (a create has none: the object must not exist).
 */
import type { WrittenObject } from '../model/resource.ts';
import type { WriteStep } from '../model/step.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';

export type WriteMode = 'dry-run' | 'apply';

export async function writeStep(gateway: ClusterGateway, step: WriteStep, mode: WriteMode): Promise<WrittenObject | undefined> {
  const { resource, namespace, name, action, resourceVersion } = step;
  const precondition = mode === 'apply' && resourceVersion && action.kind !== 'create' ? { resourceVersion } : {};
  return await gateway.write({ resource, namespace, name, action }, mode === 'dry-run' ? { dryRun: true } : precondition);
}
