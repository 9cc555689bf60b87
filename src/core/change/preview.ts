/**
 * Turns a draft into a plan: limits, the acting identity, the server-side dry run and its diff.
 */
import { MatteropsError, usageError } from '../errors.ts';
import type { Installation } from '../model/installation.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import { requiresTwoPersons } from '../policy/authorize.ts';
import type { Limits } from '../policy/policy-schema.ts';
import { usernameOf } from '../model/caller.ts';
import type { OperationBase } from '../verb.ts';
import type { VerbContext } from '../verb-context.ts';
import type { ChangeDeps } from './change-deps.ts';
import { describeChange, describeNew } from './diff.ts';
import type { ChangeDraft } from './draft.ts';
import type { ChangePlan } from './plan.ts';

export function checkLimits(draft: ChangeDraft, limits: Limits, namespace: string): void {
  checkReplicas(draft.limits?.replicas, limits, namespace);
  checkVersion(draft.limits?.version, limits, namespace);
}

function checkReplicas(replicas: number | undefined, limits: Limits, namespace: string): void {
  if (replicas !== undefined && limits.maxReplicas !== undefined && replicas > limits.maxReplicas) {
    throw usageError(`replicas must be at most ${limits.maxReplicas} for you in ${namespace}, got ${replicas}`, 'ask for a role with a higher limit, or choose fewer replicas');
  }
  if (replicas === 0 && (limits.minReplicas ?? 1) > 0) {
    throw usageError('scaling to 0 replicas stops the installation, and your role does not allow it', `choose at least ${limits.minReplicas ?? 1} replica`);
  }
}

function checkVersion(version: string | undefined, limits: Limits, namespace: string): void {
  if (version !== undefined && limits.versions !== undefined && !new RegExp(`^(?:${limits.versions})`).test(version)) {
    throw usageError(`version ${version} is not allowed for you in ${namespace} (allowed: ${limits.versions})`, 'choose a version your role allows');
  }
}

/** The gateway that writes: the bot itself, or the chat user's Kubernetes identity in impersonation mode. */
export function actingGateway(ctx: VerbContext, deps: ChangeDeps): ClusterGateway {
  const mode = deps.policy.impersonation;
  if (!mode.enabled) return ctx.gateway;
  return ctx.gateway.impersonate(mode.user.replace('{username}', usernameOf(ctx.caller)), mode.groups);
}

/**
 * The server-side dry run, without a resourceVersion precondition: the operator writes status all
 * the time, and a precondition here failed plans and re-plans on nothing but that churn. The real
 * write carries the precondition, so what is applied is still exactly what was planned against.
 */
async function dryRun(gateway: ClusterGateway, draft: ChangeDraft): Promise<Installation | undefined> {
  const { namespace, name } = draft.target;
  switch (draft.write.kind) {
    case 'patch': return await gateway.patchInstallation(namespace, name, draft.write.patch, { dryRun: true });
    case 'create': return await gateway.createInstallation(namespace, draft.write.body, { dryRun: true });
    case 'delete': await gateway.deleteInstallation(namespace, name, { dryRun: true }); return undefined;
  }
}

function diffOf(draft: ChangeDraft, preview: Installation | undefined): string[] {
  if (draft.write.kind === 'delete') return [`delete ${draft.target.namespace}/${draft.target.name}`];
  if (!preview) return [];
  return draft.before ? describeChange(draft.before, preview) : describeNew(preview);
}

export async function preview(ctx: VerbContext, deps: ChangeDeps, draft: ChangeDraft, operation: OperationBase): Promise<ChangePlan> {
  const gateway = actingGateway(ctx, deps);
  const after = await dryRun(gateway, draft);
  const diff = diffOf(draft, after);
  if (draft.write.kind === 'patch' && !diff.length) {
    throw new MatteropsError('invalid', `${operation.verb} would change nothing on ${draft.target.namespace}/${draft.target.name}`, 'it is already as you asked');
  }
  const now = deps.clock.now();
  return {
    id: deps.signer.randomId(4), verb: operation.verb, operation, draft, preview: after, diff, requester: ctx.caller,
    createdAt: now, expiresAt: new Date(now.getTime() + deps.confirmTtlMs),
    needsApprover: draft.risk === 'danger' && requiresTwoPersons(deps.policy, draft.target.namespace),
  };
}
