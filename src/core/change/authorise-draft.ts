/**
 * The one authorisation of a change: the requester's right to the verb on the draft's target, and
 * the policy's limits on what it writes. Made when the change is planned, and again, against the
 * policy as it is then, when a conflict makes it planned anew (a narrowed role must not be
 * bypassed by a plan that waited).
 */
import { MatteropsError } from '../errors.ts';
import type { Caller } from '../model/caller.ts';
import { describeObject, kinds, sameKind } from '../model/resource.ts';
import { authorize } from '../policy/authorize.ts';
import type { Policy } from '../policy/policy-schema.ts';
import type { ChangeDraft } from '../model/draft.ts';
import { checkLimits } from './preview.ts';

/** The kinds a change may write (model/resource.ts); the cluster adapter writes no other. */
const writable = Object.values(kinds);

/**
 * Every write stays where the right was granted: the target's namespace, and a kind matterops
 * writes. A verb that drafted a write elsewhere is a bug, refused before anything is dry-run.
 */
function checkSteps(draft: ChangeDraft): void {
  for (const step of draft.steps) {
    if (step.kind !== 'write') continue;
    if (step.namespace !== draft.target.namespace || !writable.some((k) => sameKind(k, step.resource))) {
      throw new MatteropsError(
        'internal',
        `a plan for ${draft.target.namespace}/${draft.target.name} would write ${describeObject(step)}, outside what it was authorised for`,
      );
    }
  }
}

export function authoriseDraft(policy: Policy, requester: Caller, verbName: string, draft: ChangeDraft): void {
  checkSteps(draft);
  const verb = draft.authorizeAs ?? verbName;
  const decision = authorize(policy, requester, verb, draft.target);
  if (!decision.allowed) {
    throw new MatteropsError('forbidden', decision.reason, `ask an admin to bind you to a role with "${verb}" in the matterops policy`, draft.target);
  }
  checkLimits(draft, decision.limits, draft.target.namespace);
}
