/**
 * The context a plan is applied in: the plan's own cluster (through that cluster's gateway), its
 * namespace, its verb and its requester, whatever the confirming command said (issue 9, item 1).
 * The confirming caller is audited as such; the write acts for the requester, as the dry run did.
 */
import { MatteropsError } from '../errors.ts';
import { createAccess } from '../policy/access.ts';
import type { ChangeContext } from './change-context.ts';
import type { ChangeDeps } from './change-deps.ts';
import type { ChangePlan } from './plan.ts';

export function planContext(ctx: ChangeContext, deps: Pick<ChangeDeps, 'policy' | 'audit'>, plan: ChangePlan): ChangeContext {
  const { cluster, namespace } = plan.draft.target;
  const gateway = ctx.clusters.get(cluster);
  if (!gateway) throw new MatteropsError('conflict', `this plan is for cluster ${cluster}, which matterops no longer serves`, 'run the command again');
  return {
    ...ctx,
    gateway,
    caller: plan.requester,
    verb: plan.verb,
    access: createAccess(deps.policy, plan.requester, cluster),
    audit: deps.audit(cluster),
    scope: { cluster, namespace, defaultNamespace: ctx.scope.defaultNamespace },
  };
}
