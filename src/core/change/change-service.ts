/**
 * The change pipeline (docs/policy.md, Risk and confirmation): authorise, plan with a server-side dry
 * run, confirm when risky, then execute (lock, apply, follow, audit). The pipeline starts changes;
 * `confirm` and `cancel` reach the rest through the narrow `Confirmations` port; verbs only draft.
 */
import { MatteropsError } from '../errors.ts';
import type { ChangeFlags } from '../grammar/change-flags.ts';
import type { ConfirmRequest } from '../ports/confirmations.ts';
import { authorize } from '../policy/authorize.ts';
import { reply, text, type Reply } from '../reply.ts';
import type { ChangeVerb, OperationBase } from '../verb.ts';
import type { Caller } from '../model/caller.ts';
import type { VerbContext } from '../verb-context.ts';
import { recordStep, viaOf } from './audit-trail.ts';
import type { ChangeContext } from './change-context.ts';
import type { ChangeDeps } from './change-deps.ts';
import { confirmReply, dryRunReply } from './change-replies.ts';
import { auditDenied } from './denied.ts';
import { execute, LockBusyError } from './execute.ts';
import type { ChangePlan } from './plan.ts';
import { preview } from './preview.ts';
import { authoriseDraft } from './authorise-draft.ts';

export interface ChangeService {
  start(ctx: ChangeContext, verb: ChangeVerb, operation: OperationBase & ChangeFlags): Promise<Reply>;
  /** Applies a waiting plan where it was planned; `ctx` only says who confirms (and how the adapter runs it). */
  confirm(ctx: ChangeContext, request: ConfirmRequest): Promise<Reply>;
  cancel(ctx: ChangeContext, codeOrToken: string): Promise<Reply>;
}

const stepOf = (
  plan: ChangePlan,
  caller: Caller,
): { operationId: string; verb: string; requester: string; via: string; target: ChangePlan['draft']['target'] } => ({
  operationId: plan.id,
  verb: plan.verb,
  requester: caller.name,
  via: viaOf(caller),
  target: plan.draft.target,
});

/** Flags given on the command line stand in for a typed confirmation (non-interactive use). */
function confirmedByFlags(plan: ChangePlan, flags: ChangeFlags): boolean {
  if (plan.needsApprover) return false;
  if (plan.draft.risk === 'danger') return flags.confirm !== undefined && flags.confirm === (plan.draft.confirmWord ?? plan.draft.target.name);
  return flags.yes === true || flags.confirm === plan.draft.target.name;
}

type Authorised = { kind: 'no-change'; reply: Reply } | { kind: 'plan'; plan: ChangePlan };

/** The verb's draft, authorised by the policy and previewed; a no-change draft is only authorised. */
async function authorisedPlan(ctx: VerbContext, deps: ChangeDeps, verb: ChangeVerb, operation: OperationBase): Promise<Authorised> {
  const draft = await verb.plan(ctx, operation);
  if (draft.kind === 'no-change') {
    const decision = authorize(deps.policy, ctx.caller, draft.authorizeAs, draft.target);
    if (!decision.allowed)
      throw new MatteropsError(
        'forbidden',
        decision.reason,
        `ask an admin to bind you to a role with "${draft.authorizeAs}" in the matterops policy`,
        draft.target,
      );
    return { kind: 'no-change', reply: draft.reply };
  }
  authoriseDraft(deps.policy, ctx.caller, verb.name, draft);
  // A 403 from the dry run (Kubernetes RBAC) is a refusal on this target too.
  const plan = await preview(ctx, deps, draft, operation).catch((error: unknown) => {
    throw refusalOn(error, draft.target);
  });
  return { kind: 'plan', plan };
}

const refusalOn = (error: unknown, target: ChangePlan['draft']['target']): unknown =>
  error instanceof MatteropsError && error.code === 'forbidden' && !error.target ? new MatteropsError('forbidden', error.message, error.hint, target) : error;

export function createChangeService(deps: ChangeDeps): ChangeService {
  return {
    async start(ctx, verb, operation) {
      const authorised = await authorisedPlan(ctx, deps, verb, operation).catch(async (error: unknown) => {
        await auditDenied(deps, { verb: verb.name, caller: ctx.caller, cluster: ctx.scope.cluster }, error);
        throw error;
      });
      if (authorised.kind === 'no-change') return authorised.reply;
      const { plan } = authorised;
      const { draft } = plan;
      await recordStep(deps, { ...stepOf(plan, ctx.caller), phase: 'requested', detail: `${draft.summary} (${draft.risk})` });
      if (operation.dryRun) return dryRunReply(plan);
      const mustConfirm = plan.needsApprover || draft.risk === 'danger' || ctx.options.confirmChanges === true;
      if (mustConfirm && !confirmedByFlags(plan, operation)) return confirmReply(plan, await deps.pending.put(plan));
      return await execute(ctx, deps, plan, ctx.options);
    },

    async confirm(ctx, request) {
      const mayApprove = (plan: ChangePlan): void => {
        // The right the change needs (prune-backups for `backups --prune`), not only its verb's.
        const decision = authorize(deps.policy, ctx.caller, plan.draft.authorizeAs ?? plan.verb, plan.draft.target);
        if (!decision.allowed) throw new MatteropsError('forbidden', `${ctx.caller.name} cannot approve: ${decision.reason}`, undefined, plan.draft.target);
      };
      const taken = await deps.pending.take(request, ctx.caller, deps.clock.now(), mayApprove).catch(async (error: unknown) => {
        await auditDenied(deps, { verb: 'confirm', caller: ctx.caller, cluster: ctx.scope.cluster }, error);
        throw error;
      });
      const { plan } = taken;
      await recordStep(deps, { ...stepOf(plan, ctx.caller), phase: 'confirmed', detail: plan.draft.summary });
      return await execute(ctx, deps, plan, ctx.options).catch(async (error: unknown) => {
        // Nothing was written while another change held the installation: the plan waits on.
        if (error instanceof LockBusyError) await deps.pending.restore(taken);
        throw error;
      });
    },

    async cancel(ctx, codeOrToken) {
      const plan = await deps.pending.cancel(codeOrToken, ctx.caller).catch(async (error: unknown) => {
        await auditDenied(deps, { verb: 'cancel', caller: ctx.caller, cluster: ctx.scope.cluster }, error);
        throw error;
      });
      await recordStep(deps, { ...stepOf(plan, ctx.caller), phase: 'cancelled', detail: plan.draft.summary });
      return reply('neutral', text(`Cancelled: ${plan.draft.summary}. Nothing was changed.`));
    },
  };
}
