/**
 * Applies a confirmed plan: take the installation's lock, carry out its steps in order (the first
 * write with its precondition, planned again on a conflict: replan.ts), audit every step, release
 * the lock. The steps reached are kept on the lock, so `resume` can finish what a dead matterops
 * began.
 */
import { MatteropsError, isMatteropsError } from '../errors.ts';
import type { InFlightRecord } from '../model/in-flight-record.ts';
import { describeObject } from '../model/resource.ts';
import { recorded } from '../model/step.ts';
import type { HeldLock } from '../ports/lock-manager.ts';
import type { Reply } from '../reply.ts';
import type { RunOptions } from '../run-options.ts';
import { formatAge } from '../text/duration.ts';
import { recordStep, viaOf, type AuditStep } from './audit-trail.ts';
import type { ChangeContext } from './change-context.ts';
import type { ChangeDeps } from './change-deps.ts';
import { outcomeReply } from './change-replies.ts';
import type { FollowOutcome } from './follow.ts';
import { whileHolding } from './hold-lock.ts';
import type { ChangePlan } from './plan.ts';
import { planContext } from './plan-context.ts';
import { actingGateway } from './preview.ts';
import { firstWriteWithReplan } from './replan.ts';
import { changeDeadline, runSteps } from './run-steps.ts';
import { writeStep } from './write-step.ts';

function inFlightRecord(deps: ChangeDeps, plan: ChangePlan, options: RunOptions): InFlightRecord {
  const now = deps.clock.now();
  return {
    operationId: plan.id,
    verb: plan.verb,
    requester: plan.requester.name,
    via: viaOf(plan.requester),
    cluster: plan.draft.target.cluster,
    namespace: plan.draft.target.namespace,
    name: plan.draft.target.name,
    summary: plan.draft.summary,
    steps: plan.draft.steps.map(recorded),
    step: 0,
    startedAt: now.toISOString(),
    deadline: changeDeadline(now, deps.followTimeoutMs, plan.draft.steps).toISOString(),
    ...(options.replyTo ? { replyTo: options.replyTo } : {}),
  };
}

async function acquire(deps: ChangeDeps, plan: ChangePlan, record: InFlightRecord): Promise<HeldLock> {
  const holder = { operationId: plan.id, verb: plan.verb, requester: plan.requester.name, startedAt: deps.clock.now(), record };
  const result = await deps.locks(plan.draft.target.cluster).acquire(plan.draft.target, holder);
  if (result.ok) return result.lock;
  const age = formatAge(deps.clock.now().getTime() - result.holder.startedAt.getTime());
  throw new LockBusyError(
    `${result.holder.verb} in progress on ${plan.draft.target.name} by ${result.holder.requester}, started ${age} ago`,
    'wait for it to finish (type status to watch it), then try again; if the matterops that started it is gone, matterops resume takes it over once its lock expires',
  );
}

/** Another change holds the installation: nothing was written, so a confirmed plan may wait on. */
export class LockBusyError extends MatteropsError {
  constructor(message: string, hint: string) {
    super('conflict', message, hint);
    this.name = 'LockBusyError';
  }
}

/** The audit step of a change in flight, from its record (execute and resume share it). */
export const auditStepOf = (record: InFlightRecord): Omit<AuditStep, 'phase' | 'detail'> => ({
  operationId: record.operationId,
  verb: record.verb,
  requester: record.requester,
  via: record.via,
  target: { cluster: record.cluster, namespace: record.namespace, name: record.name },
});

/** Audits how a change ended: succeeded, failed or timed out. */
export async function auditOutcome(deps: ChangeDeps, record: InFlightRecord, outcome: FollowOutcome): Promise<void> {
  await recordStep(deps, { ...auditStepOf(record), phase: outcome.status, detail: `${record.summary}: ${outcome.text}` });
  try {
    deps.onFinished?.({ verb: record.verb, target: auditStepOf(record).target, status: outcome.status });
  } catch (error) {
    // What follows a change (a metric) must never cost the change its reply.
    deps.logger.error({ operationId: record.operationId, err: (error as Error).message }, 'what follows a finished change failed');
  }
}

/** What an `applied` entry says: its line, and the change's inverse when it has one. */
export type Applied = Pick<AuditStep, 'detail' | 'undo'>;

/** Runs a write, auditing it as `applied`, or its failure (`denied` when refused) before it is thrown. */
export async function auditedWrite<T>(deps: ChangeDeps, record: InFlightRecord, write: () => Promise<T>, applied: (result: T) => Applied): Promise<T> {
  let result: T;
  try {
    result = await write();
  } catch (error) {
    const phase = isMatteropsError(error) && error.code === 'forbidden' ? 'denied' : 'failed';
    await recordStep(deps, { ...auditStepOf(record), phase, detail: `${record.summary}: ${(error as Error).message}` });
    throw error;
  }
  await recordStep(deps, { ...auditStepOf(record), phase: 'applied', ...applied(result) });
  return result;
}

/** Applies a confirmed plan exactly where it was planned (its cluster, namespace and name), whoever confirms it. */
export async function execute(commandCtx: ChangeContext, deps: ChangeDeps, planned: ChangePlan, options: RunOptions): Promise<Reply> {
  const ctx = planContext(commandCtx, deps, planned);
  const progress = options.progress ?? ((): void => undefined);
  const record = inFlightRecord(deps, planned, options);
  const lock = await acquire(deps, planned, record);
  let applied = { plan: planned, notes: [] as string[] };
  return await whileHolding(deps, lock, async (holding) => {
    const outcome = await runSteps(
      deps,
      {
        follower: ctx.gateway,
        holding,
        progress,
        async write(step, index) {
          if (index === 0) {
            // The first write may be planned again on a conflict: the plan as applied is the one reported.
            const first = await auditedWrite(
              deps,
              record,
              () => firstWriteWithReplan(ctx, deps, planned, holding.lost),
              // The inverse of the plan as applied: a replan read the installation again.
              (w) => ({ detail: w.plan.diff.join(', '), ...(w.plan.draft.undo ? { undo: w.plan.draft.undo } : {}) }),
            );
            applied = first;
            progress(`applied: ${first.plan.diff.join(', ')}`);
            return { written: first.written, steps: first.plan.draft.steps.map(recorded) };
          }
          // The record names the write; the plan (as applied) carries it.
          const full = applied.plan.draft.steps[index];
          if (full?.kind !== 'write') throw new MatteropsError('internal', `step ${index + 1} of ${planned.verb} is not the write its record names`);
          const written = await auditedWrite(
            deps,
            record,
            () => writeStep(actingGateway(ctx, deps), full, 'apply'),
            () => ({ detail: `${step.action.kind} ${describeObject(step)}` }),
          );
          progress(`applied: ${step.action.kind} ${describeObject(step)}`);
          return { written };
        },
      },
      record,
    );
    await auditOutcome(deps, record, outcome);
    return outcomeReply(applied.plan, outcome, applied.notes);
  });
}
