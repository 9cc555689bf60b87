/** The caller's rights for one request, as verbs see them (built from the policy by the pipeline). */
import type { Caller } from '../verb-context.ts';
import { authorize, verbsAnywhere, type Decision } from './authorize.ts';
import type { Policy } from './policy-schema.ts';

export interface Access {
  /** Whether the caller has the verb anywhere (what help lists). */
  mayUse(verb: string): boolean;
  decide(verb: string, namespace: string, name?: string): Decision;
  /** Roles by binding, for whoami. */
  readonly policy: Policy;
}

export function createAccess(policy: Policy, caller: Caller, cluster: string): Access {
  const anywhere = verbsAnywhere(policy, caller);
  return {
    policy,
    mayUse: (verb) => anywhere.has(verb) || anywhere.has('*'),
    decide: (verb, namespace, name) => authorize(policy, caller, verb, { cluster, namespace, ...(name ? { name } : {}) }),
  };
}
