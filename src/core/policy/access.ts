/** The caller's rights for one request, as verbs see them (built from the policy by the pipeline). */
import type { Caller } from '../model/caller.ts';
import { authorize, verbsAnywhere, type Decision } from './authorize.ts';
import type { Policy } from './policy-schema.ts';

export interface Access {
  /** Whether the caller has the verb anywhere (what help lists). */
  mayUse(verb: string): boolean;
  decide(verb: string, namespace: string, name?: string): Decision;
  /** The configured clusters the caller may use (what whoami and an unknown --cluster name). */
  readonly clusters: readonly string[];
  /** Roles by binding, for whoami. */
  readonly policy: Policy;
}

/** `clusters` defaults to the request's own cluster (a plan applied where it was made needs no other). */
export function createAccess(policy: Policy, caller: Caller, cluster: string, clusters: readonly string[] = [cluster]): Access {
  const anywhere = verbsAnywhere(policy, caller);
  return {
    policy,
    clusters,
    mayUse: (verb) => anywhere.has(verb) || anywhere.has('*'),
    decide: (verb, namespace, name) => authorize(policy, caller, verb, { cluster, namespace, ...(name ? { name } : {}) }),
  };
}
