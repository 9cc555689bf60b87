/**
 * Turns a draft into a plan: limits, the acting identity, the server-side dry run of every write
 * step and the diff the user reads.
 */
import { MatteropsError, usageError } from '../errors.ts';
import { toInstallation, type Installation } from '../model/installation.ts';
import { describeObject, kinds, sameKind, type WrittenObject } from '../model/resource.ts';
import type { WriteStep } from '../model/step.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import { requiresTwoPersons } from '../policy/authorize.ts';
import type { Limits } from '../policy/policy-schema.ts';
import { usernameOf } from '../model/caller.ts';
import type { OperationBase } from '../verb.ts';
import type { VerbContext } from '../verb-context.ts';
import type { ChangeDeps } from './change-deps.ts';
import { describeChange, describeNew } from './diff.ts';
import type { ChangeDraft } from '../model/draft.ts';
import type { ChangePlan } from './plan.ts';
import { writeStep } from './write-step.ts';

export function checkLimits(draft: ChangeDraft, limits: Limits, namespace: string): void {
  checkReplicas(draft.limits?.replicas, limits, namespace);
  checkVersion(draft.limits?.version, limits, namespace);
}

function checkReplicas(replicas: number | undefined, limits: Limits, namespace: string): void {
  if (replicas !== undefined && limits.maxReplicas !== undefined && replicas > limits.maxReplicas) {
    throw usageError(
      `replicas must be at most ${limits.maxReplicas} for you in ${namespace}, got ${replicas}`,
      'ask for a role with a higher limit, or choose fewer replicas',
    );
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
export function actingGateway(ctx: VerbContext, deps: Pick<ChangeDeps, 'policy'>): ClusterGateway {
  const mode = deps.policy.impersonation;
  if (!mode.enabled) return ctx.gateway;
  return ctx.gateway.impersonate(mode.user.replace('{username}', usernameOf(ctx.caller)), mode.groups);
}

const isInstallationWrite = (draft: ChangeDraft, step: WriteStep): boolean =>
  sameKind(step.resource, kinds.mattermost) && step.namespace === draft.target.namespace && step.name === draft.target.name;

const keyOf = (step: WriteStep): string => `${step.resource.apiVersion}/${step.resource.plural}/${step.namespace}/${step.name}`;

/** The lines one write adds to the diff: the installation's own change in detail, any other object by name. */
function diffOf(draft: ChangeDraft, step: WriteStep, after: Installation | undefined): string[] {
  if (!isInstallationWrite(draft, step)) return [`${step.action.kind} ${describeObject(step)}`];
  if (step.action.kind === 'delete') return [`delete ${draft.target.namespace}/${draft.target.name}`];
  if (!after) return [];
  return draft.before ? describeChange(draft.before, after) : describeNew(after);
}

interface DryRun {
  diff: string[];
  installation: Installation | undefined;
  onlyPatches: boolean;
}

/**
 * Dry-runs every write in order. A write to an object an earlier step of the same plan creates
 * cannot be dry-run before that create has happened: it is named in the diff and checked by the
 * apiserver when it is applied.
 */
async function dryRunAll(gateway: ClusterGateway, draft: ChangeDraft): Promise<DryRun> {
  const created = new Set<string>();
  const result: DryRun = { diff: [], installation: undefined, onlyPatches: true };
  for (const step of draft.steps) {
    if (step.kind !== 'write') continue;
    result.onlyPatches &&= step.action.kind === 'patch';
    const planned = created.has(keyOf(step));
    const written: WrittenObject | undefined = planned ? undefined : await writeStep(gateway, step, 'dry-run');
    if (step.action.kind === 'create') created.add(keyOf(step));
    const after = written && isInstallationWrite(draft, step) ? toInstallation(written.object) : undefined;
    if (after) result.installation = after;
    result.diff.push(...(planned ? [`${step.action.kind} ${describeObject(step)}`] : diffOf(draft, step, after)));
  }
  return result;
}

export async function preview(ctx: VerbContext, deps: ChangeDeps, draft: ChangeDraft, operation: OperationBase): Promise<ChangePlan> {
  const dry = await dryRunAll(actingGateway(ctx, deps), draft);
  if (dry.onlyPatches && !dry.diff.length) {
    throw new MatteropsError(
      'invalid',
      `${operation.verb} would change nothing on ${draft.target.namespace}/${draft.target.name}`,
      'it is already as you asked',
    );
  }
  const now = deps.clock.now();
  return {
    id: deps.signer.randomId(4),
    verb: operation.verb,
    operation,
    draft,
    preview: dry.installation,
    diff: dry.diff,
    requester: ctx.caller,
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.confirmTtlMs),
    needsApprover: draft.risk === 'danger' && requiresTwoPersons(deps.policy, draft.target.namespace),
  };
}
