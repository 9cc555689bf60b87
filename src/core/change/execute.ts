/**
 * Applies a confirmed plan: take the installation's lock, write with a resourceVersion
 * precondition (re-plan once on a conflict and say what changed), follow until done, audit every
 * step, release the lock.
 */
import { MatteropsError, isMatteropsError } from '../errors.ts';
import type { Installation } from '../model/installation.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import type { HeldLock } from '../ports/lock-manager.ts';
import type { Reply } from '../reply.ts';
import { formatAge } from '../text/duration.ts';
import type { VerbContext } from '../verb-context.ts';
import { recordStep, viaOf } from './audit-trail.ts';
import type { ChangeDeps, RunOptions } from './change-deps.ts';
import { outcomeReply } from './change-replies.ts';
import { describeChange } from './diff.ts';
import { follow, type FollowOutcome } from './follow.ts';
import type { InFlightRecord } from './in-flight.ts';
import type { ChangePlan } from './plan.ts';
import { actingGateway, preview } from './preview.ts';

async function write(ctx: VerbContext, deps: ChangeDeps, plan: ChangePlan): Promise<Installation | undefined> {
  const gateway = actingGateway(ctx, deps);
  const { draft } = plan;
  const { namespace, name } = draft.target;
  const rv = draft.before?.resourceVersion;
  switch (draft.write.kind) {
    case 'patch': return await gateway.patchInstallation(namespace, name, draft.write.patch, rv ? { resourceVersion: rv } : {});
    case 'create': return await gateway.createInstallation(namespace, draft.write.body, {});
    case 'delete': await gateway.deleteInstallation(namespace, name, rv ? { resourceVersion: rv } : {}); return undefined;
  }
}

/** On a conflict, plan again against the new version once, and say what changed meanwhile. */
/**
 * Writes the plan with its resourceVersion precondition. On a conflict the change is planned again
 * from the installation as it now is. The operator writes status all the time, and every status
 * write moves the resourceVersion: such conflicts are retried without a word (a few times). When
 * the spec itself changed under the user, the new plan is applied once and the reply says what
 * changed; a second such change is refused.
 */
async function writeWithReplan(ctx: VerbContext, deps: ChangeDeps, plan: ChangePlan): Promise<{ plan: ChangePlan; written: Installation | undefined; notes: string[] }> {
  let current = plan;
  const notes: string[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      return { plan: current, written: await write(ctx, deps, current), notes };
    } catch (error) {
      if (!isMatteropsError(error) || error.code !== 'conflict' || current.draft.write.kind === 'create' || attempt >= 5) throw error;
    }
    const next = await replan(ctx, deps, current);
    if (next.note && notes.length) {
      throw new MatteropsError('conflict', `${plan.draft.target.name} changed again while this ${plan.verb} was being applied`, 'run the command again to see a fresh plan');
    }
    if (next.note) notes.push(next.note);
    current = next.plan;
  }
}

/** A fresh plan for the same operation; `note` says what changed in the spec, if anything did. */
async function replan(ctx: VerbContext, deps: ChangeDeps, plan: ChangePlan): Promise<{ plan: ChangePlan; note: string | undefined }> {
  const verb = ctx.registry.find(plan.verb);
  if (verb?.kind !== 'change') throw new MatteropsError('internal', `verb ${plan.verb} cannot be planned again`);
  const draft = await verb.plan(ctx, plan.operation);
  if (draft.kind !== 'change') throw new MatteropsError('conflict', `${plan.draft.target.namespace}/${plan.draft.target.name} changed meanwhile and needs no ${plan.verb} any more`);
  if (draft.risk === 'danger' && plan.draft.risk !== 'danger') {
    throw new MatteropsError('conflict', `${plan.draft.target.name} changed meanwhile and this ${plan.verb} is now a danger operation`, 'run the command again to see the new plan');
  }
  const fresh = { ...(await preview(ctx, deps, draft, plan.operation)), id: plan.id };
  const meanwhile = plan.draft.before && draft.before ? describeChange(plan.draft.before, draft.before) : [];
  const note = meanwhile.length ? `The installation changed while this was waiting (${meanwhile.join(', ')}); planned again: ${fresh.diff.join(', ')}.` : undefined;
  return { plan: fresh, note };
}

function inFlightRecord(ctx: VerbContext, deps: ChangeDeps, plan: ChangePlan, options: RunOptions): InFlightRecord {
  const now = deps.clock.now();
  return {
    operationId: plan.id, verb: plan.verb, requester: plan.requester.name, via: viaOf(plan.requester),
    cluster: plan.draft.target.cluster, namespace: plan.draft.target.namespace, name: plan.draft.target.name,
    until: plan.draft.until, generation: plan.preview?.generation ?? 0, summary: plan.draft.summary,
    startedAt: now.toISOString(), deadline: new Date(now.getTime() + deps.followTimeoutMs).toISOString(),
    ...(options.replyTo ? { replyTo: options.replyTo } : {}),
  };
}

async function acquire(deps: ChangeDeps, plan: ChangePlan, record: InFlightRecord): Promise<HeldLock> {
  const holder = { operationId: plan.id, verb: plan.verb, requester: plan.requester.name, startedAt: deps.clock.now(), record };
  const result = await deps.locks(plan.draft.target.cluster).acquire(plan.draft.target, holder);
  if (result.ok) return result.lock;
  const age = formatAge(deps.clock.now().getTime() - result.holder.startedAt.getTime());
  throw new MatteropsError('conflict', `${result.holder.verb} in progress on ${plan.draft.target.name} by ${result.holder.requester}, started ${age} ago`,
    'wait for it to finish (type status to watch it), then try again');
}

/** Follows an applied change to its end and audits the outcome; shared with resume after a restart. */
export async function followAndAudit(gateway: ClusterGateway, deps: ChangeDeps, record: InFlightRecord, progress: (text: string) => void): Promise<FollowOutcome> {
  const outcome = await follow({
    gateway, namespace: record.namespace, name: record.name, until: record.until, generation: record.generation,
    deadline: new Date(record.deadline), clock: deps.clock, onProgress: progress,
  });
  await recordStep(deps, {
    operationId: record.operationId, verb: record.verb, requester: record.requester, via: record.via,
    target: { cluster: record.cluster, namespace: record.namespace, name: record.name }, phase: outcome.status, detail: `${record.summary}: ${outcome.text}`,
  });
  return outcome;
}

/**
 * Runs `work` while holding `lock`: renews it every `lockRenewMs` and releases it afterwards.
 * Renewals are chained, so the release waits for the last one instead of racing it (a renewal that
 * landed between the release's read and delete made the delete fail, leaving the lock held until it
 * expired: seen as "scale in progress" on the next command).
 */
export async function whileHolding<T>(deps: ChangeDeps, lock: HeldLock, work: () => Promise<T>): Promise<T> {
  const locks = deps.locks(lock.target.cluster);
  const operationId = lock.holder.operationId;
  let renewing: Promise<void> = Promise.resolve();
  const renew = setInterval(() => {
    renewing = renewing.then(() => locks.renew(lock))
      .catch((e: unknown) => deps.logger.warn({ operationId, err: String(e) }, 'lock renewal failed'));
  }, deps.lockRenewMs);
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await renewing;
    await locks.release(lock).catch((e: unknown) => deps.logger.warn({ operationId, err: String(e) }, 'lock release failed'));
  }
}

export async function execute(ctx: VerbContext, deps: ChangeDeps, plan: ChangePlan, options: RunOptions): Promise<Reply> {
  const progress = options.progress ?? ((): void => undefined);
  const lock = await acquire(deps, plan, inFlightRecord(ctx, deps, plan, options));
  const step = { operationId: plan.id, verb: plan.verb, requester: plan.requester.name, via: viaOf(plan.requester), target: plan.draft.target };
  return await whileHolding(deps, lock, async () => {
    let applied: Awaited<ReturnType<typeof writeWithReplan>>;
    try {
      applied = await writeWithReplan(ctx, deps, plan);
    } catch (error) {
      await recordStep(deps, { ...step, phase: 'failed', detail: `${plan.draft.summary}: ${(error as Error).message}` });
      throw error;
    }
    await recordStep(deps, { ...step, phase: 'applied', detail: applied.plan.diff.join(', ') });
    progress(`applied: ${applied.plan.diff.join(', ')}`);
    const record = { ...inFlightRecord(ctx, deps, applied.plan, options), generation: applied.written?.generation ?? 0 };
    const outcome = await followAndAudit(ctx.gateway, deps, record, progress);
    return outcomeReply(applied.plan, outcome, applied.notes);
  });
}
