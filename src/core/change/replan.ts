/**
 * The first write of a plan, with its resourceVersion precondition. On a conflict the change is
 * planned again from the installation as it now is. The operator writes status all the time, and
 * every status write moves the resourceVersion: such conflicts are retried without a word, backing
 * off. When the spec itself changed under the user, the new plan is applied once and the reply says
 * what changed; a second such change is refused. Nothing is written once the lock is lost.
 */
import { MatteropsError, isMatteropsError } from '../errors.ts';
import type { WrittenObject } from '../model/resource.ts';
import type { WriteStep } from '../model/step.ts';
import type { VerbContext } from '../verb-context.ts';
import { authoriseDraft } from './authorise-draft.ts';
import type { ChangeDeps } from './change-deps.ts';
import { describeChange } from './diff.ts';
import type { ChangePlan } from './plan.ts';
import { actingGateway, preview } from './preview.ts';
import { writeStep } from './write-step.ts';

/** Conflicts from status churn are retried this often (about 3.5 s of backing off in all). */
const maxWriteAttempts = 8;

export interface FirstWrite {
  plan: ChangePlan;
  written: WrittenObject | undefined;
  notes: string[];
}

const sameTarget = (a: ChangePlan['draft']['target'], b: ChangePlan['draft']['target']): boolean =>
  a.cluster === b.cluster && a.namespace === b.namespace && a.name === b.name;

const firstStep = (plan: ChangePlan): WriteStep => {
  const step = plan.draft.steps[0];
  if (step?.kind !== 'write') throw new MatteropsError('internal', `the plan of ${plan.verb} does not begin with a write`);
  return step;
};

export async function firstWriteWithReplan(ctx: VerbContext, deps: ChangeDeps, plan: ChangePlan, signal: AbortSignal): Promise<FirstWrite> {
  let current = plan;
  const notes: string[] = [];
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw signal.reason as Error;
    const step = firstStep(current);
    try {
      return { plan: current, written: await writeStep(actingGateway(ctx, deps), step, 'apply'), notes };
    } catch (error) {
      if (!isMatteropsError(error) || error.code !== 'conflict' || step.action.kind === 'create' || attempt >= maxWriteAttempts) throw error;
    }
    // Back off a little: during a rollout the operator writes status several times a second.
    await deps.clock.sleep(Math.min(1_000, 50 * 2 ** (attempt - 1)), signal);
    const next = await replan(ctx, deps, current);
    if (next.note && notes.length) {
      throw new MatteropsError(
        'conflict',
        `${plan.draft.target.name} changed again while this ${plan.verb} was being applied`,
        'run the command again to see a fresh plan',
      );
    }
    if (next.note) notes.push(next.note);
    current = next.plan;
  }
}

/**
 * A fresh plan for the same operation, in the plan's own scope (`ctx` is the plan's, see
 * plan-context.ts), authorised again for the plan's verb; `note` says what changed in the spec,
 * if anything did.
 */
async function replan(ctx: VerbContext, deps: ChangeDeps, plan: ChangePlan): Promise<{ plan: ChangePlan; note: string | undefined }> {
  const verb = ctx.registry.find(plan.verb);
  if (verb?.kind !== 'change') throw new MatteropsError('internal', `verb ${plan.verb} cannot be planned again`);
  const draft = await verb.plan(ctx, plan.operation);
  if (draft.kind !== 'change')
    throw new MatteropsError('conflict', `${plan.draft.target.namespace}/${plan.draft.target.name} changed meanwhile and needs no ${plan.verb} any more`);
  if (!sameTarget(draft.target, plan.draft.target)) throw new MatteropsError('internal', `a new plan for ${plan.verb} named another installation`);
  authoriseDraft(deps.policy, plan.requester, plan.verb, draft);
  if (draft.risk === 'danger' && plan.draft.risk !== 'danger') {
    throw new MatteropsError(
      'conflict',
      `${plan.draft.target.name} changed meanwhile and this ${plan.verb} is now a danger operation`,
      'run the command again to see the new plan',
    );
  }
  const fresh = { ...(await preview(ctx, deps, draft, plan.operation)), id: plan.id };
  const meanwhile = plan.draft.before && draft.before ? describeChange(plan.draft.before, draft.before) : [];
  const note = meanwhile.length
    ? `The installation changed while this was waiting (${meanwhile.join(', ')}); planned again: ${fresh.diff.join(', ')}.`
    : undefined;
  return { plan: fresh, note };
}
