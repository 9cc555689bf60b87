/**
 * Applies a confirmed plan: take the installation's lock, write with a resourceVersion
 * precondition (re-plan once on a conflict and say what changed), follow until done, audit every
 * step, release the lock.
 */
import { MatteropsError, isMatteropsError } from '../errors.ts';
import { authorize } from '../policy/authorize.ts';
import type { Installation } from '../model/installation.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import type { HeldLock } from '../ports/lock-manager.ts';
import type { Reply } from '../reply.ts';
import { formatAge } from '../text/duration.ts';
import type { VerbContext } from '../verb-context.ts';
import { recordStep, viaOf } from './audit-trail.ts';
import type { RunOptions } from '../run-options.ts';
import type { ChangeContext } from './change-context.ts';
import type { ChangeDeps } from './change-deps.ts';
import { outcomeReply } from './change-replies.ts';
import { describeChange } from './diff.ts';
import { follow, type FollowOutcome } from './follow.ts';
import type { InFlightRecord } from './in-flight.ts';
import type { ChangePlan } from './plan.ts';
import { planContext } from './plan-context.ts';
import { actingGateway, checkLimits, preview } from './preview.ts';
import { sleep } from '../sleep.ts';

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

/**
 * Writes the plan with its resourceVersion precondition. On a conflict the change is planned again
 * from the installation as it now is. The operator writes status all the time, and every status
 * write moves the resourceVersion: such conflicts are retried without a word, backing off. When
 * the spec itself changed under the user, the new plan is applied once and the reply says what
 * changed; a second such change is refused. Nothing is written once the lock is lost.
 */
async function writeWithReplan(ctx: VerbContext, deps: ChangeDeps, plan: ChangePlan, signal: AbortSignal): Promise<{ plan: ChangePlan; written: Installation | undefined; notes: string[] }> {
  let current = plan;
  const notes: string[] = [];
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw signal.reason as Error;
    try {
      return { plan: current, written: await write(ctx, deps, current), notes };
    } catch (error) {
      if (!isMatteropsError(error) || error.code !== 'conflict' || current.draft.write.kind === 'create' || attempt >= maxWriteAttempts) throw error;
    }
    // Back off a little: during a rollout the operator writes status several times a second.
    await sleep(Math.min(1_000, 50 * 2 ** (attempt - 1)));
    const next = await replan(ctx, deps, current);
    if (next.note && notes.length) {
      throw new MatteropsError('conflict', `${plan.draft.target.name} changed again while this ${plan.verb} was being applied`, 'run the command again to see a fresh plan');
    }
    if (next.note) notes.push(next.note);
    current = next.plan;
  }
}

/** Conflicts from status churn are retried this often (about 3.5 s of backing off in all). */
const maxWriteAttempts = 8;

const sameTarget = (a: ChangePlan['draft']['target'], b: ChangePlan['draft']['target']): boolean =>
  a.cluster === b.cluster && a.namespace === b.namespace && a.name === b.name;

/**
 * A fresh plan for the same operation, in the plan's own scope (`ctx` is the plan's, see
 * plan-context.ts), authorised again for the plan's verb with the policy's limits; `note` says what
 * changed in the spec, if anything did.
 */
async function replan(ctx: VerbContext, deps: ChangeDeps, plan: ChangePlan): Promise<{ plan: ChangePlan; note: string | undefined }> {
  const verb = ctx.registry.find(plan.verb);
  if (verb?.kind !== 'change') throw new MatteropsError('internal', `verb ${plan.verb} cannot be planned again`);
  const draft = await verb.plan(ctx, plan.operation);
  if (draft.kind !== 'change') throw new MatteropsError('conflict', `${plan.draft.target.namespace}/${plan.draft.target.name} changed meanwhile and needs no ${plan.verb} any more`);
  if (!sameTarget(draft.target, plan.draft.target)) throw new MatteropsError('internal', `a new plan for ${plan.verb} named another installation`);
  const decision = authorize(deps.policy, plan.requester, plan.verb, draft.target);
  if (!decision.allowed) throw new MatteropsError('forbidden', decision.reason, 'ask an admin to bind you to a role for it in the matterops policy', draft.target);
  checkLimits(draft, decision.limits, draft.target.namespace);
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
  throw new LockBusyError(`${result.holder.verb} in progress on ${plan.draft.target.name} by ${result.holder.requester}, started ${age} ago`,
    'wait for it to finish (type status to watch it), then try again; if the matterops that started it is gone, matterops resume takes it over once its lock expires');
}

/** Another change holds the installation: nothing was written, so a confirmed plan may wait on. */
export class LockBusyError extends MatteropsError {
  constructor(message: string, hint: string) {
    super('conflict', message, hint);
    this.name = 'LockBusyError';
  }
}

/** Follows an applied change to its end and audits the outcome; shared with resume after a restart. */
export interface FollowHooks {
  progress: (text: string) => void;
  /** Aborts when the lock is lost: following then stops and says so. */
  lost?: AbortSignal;
}

export async function followAndAudit(gateway: ClusterGateway, deps: ChangeDeps, record: InFlightRecord, hooks: FollowHooks): Promise<FollowOutcome> {
  const outcome = await follow({
    gateway, namespace: record.namespace, name: record.name, until: record.until, generation: record.generation,
    deadline: new Date(record.deadline), clock: deps.clock, onProgress: hooks.progress, ...(hooks.lost ? { signal: hooks.lost } : {}),
  });
  await recordStep(deps, {
    operationId: record.operationId, verb: record.verb, requester: record.requester, via: record.via,
    target: { cluster: record.cluster, namespace: record.namespace, name: record.name }, phase: outcome.status, detail: `${record.summary}: ${outcome.text}`,
  });
  return outcome;
}

/**
 * Waits at most `ms` for `work`. At the deadline its signal aborts (so the calls it has under way
 * stop too) and the wait is abandoned, whatever `work` still does: a renewal that hangs is never
 * waited for.
 */
function within<T>(ms: number, work: (signal: AbortSignal) => Promise<T>, what: string): Promise<T> {
  const deadline = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DOMException(`${what} took longer than ${ms} ms`, 'TimeoutError');
      deadline.abort(error);
      reject(error);
    }, ms);
  });
  return Promise.race([work(deadline.signal), late]).finally(() => clearTimeout(timer));
}

/**
 * Runs `work` while holding `lock`: renews it every `lockRenewMs` and releases it afterwards.
 *
 * The Lease lasts three renewal periods (main.ts), and another matterops may take it over once it
 * has stood still that long. So the change must have stopped before then, whatever its renewals do:
 * - a watchdog, independent of the renewals, gives the lock up once no renewal has succeeded for
 *   two thirds of the Lease (two periods), counted from when the last good one began (its write
 *   landed after that) or from the acquire;
 * - each renewal has half a period (below the Kubernetes call deadline with the defaults): at its
 *   deadline its calls are aborted and it is abandoned; a failed one is tried again a quarter
 *   period later, so a single hang leaves time for another try before the watchdog;
 * - a renewal refused because another holder took the lock over loses it at once.
 * A lost lock aborts `work`'s signal, so it stops before writing again. One renewal runs at a time,
 * and the release waits for it instead of racing it (a renewal that landed between the release's
 * read and delete made the delete fail, leaving the lock held until it expired: seen as "scale in
 * progress" on the next command).
 */
export async function whileHolding<T>(deps: ChangeDeps, lock: HeldLock, work: (lost: AbortSignal) => Promise<T>): Promise<T> {
  const locks = deps.locks(lock.target.cluster);
  const operationId = lock.holder.operationId;
  const lost = new AbortController();
  const where = `${lock.target.namespace}/${lock.target.name}`;
  const period = deps.lockRenewMs;
  /** When the last renewal that succeeded began (at first, the acquire): the Lease is fresh from then on. */
  let renewedFrom = deps.clock.now().getTime();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loseLock = (why: string): void => {
    if (lost.signal.aborted) return;
    deps.logger.error({ operationId, target: where }, `lock lost: ${why}`);
    lost.abort(new MatteropsError('conflict', `matterops lost its lock on ${where} (${why}); it stopped here`, 'type status to see where the installation stands'));
  };
  const watchdog = setInterval(() => {
    if (deps.clock.now().getTime() - renewedFrom > 2 * period) loseLock('it could not be renewed in time');
  }, Math.max(1, Math.min(250, period / 10)));
  let renewing: Promise<void> = Promise.resolve();
  const renewLater = (ms: number): void => {
    if (!stopped && !lost.signal.aborted) timer = setTimeout(() => { renewing = renewOnce(); }, ms);
  };
  async function renewOnce(): Promise<void> {
    const began = deps.clock.now().getTime();
    try {
      await within(period / 2, (signal) => locks.renew(lock, { signal }), 'a lock renewal');
      renewedFrom = began;
      renewLater(period);
    } catch (e: unknown) {
      deps.logger.warn({ operationId, err: String(e) }, 'lock renewal failed');
      if (isMatteropsError(e) && e.code === 'conflict') loseLock('another holder took it over');
      else renewLater(period / 4);
    }
  }
  renewLater(period);
  try {
    return await work(lost.signal);
  } finally {
    stopped = true;
    clearTimeout(timer);
    clearInterval(watchdog);
    await renewing;
    await locks.release(lock).catch((e: unknown) => deps.logger.warn({ operationId, err: String(e) }, 'lock release failed'));
  }
}

/** Applies a confirmed plan exactly where it was planned (its cluster, namespace and name), whoever confirms it. */
export async function execute(commandCtx: ChangeContext, deps: ChangeDeps, plan: ChangePlan, options: RunOptions): Promise<Reply> {
  const ctx = planContext(commandCtx, deps, plan);
  const progress = options.progress ?? ((): void => undefined);
  const lock = await acquire(deps, plan, inFlightRecord(ctx, deps, plan, options));
  const step = { operationId: plan.id, verb: plan.verb, requester: plan.requester.name, via: viaOf(plan.requester), target: plan.draft.target };
  return await whileHolding(deps, lock, async (lost) => {
    let applied: Awaited<ReturnType<typeof writeWithReplan>>;
    try {
      applied = await writeWithReplan(ctx, deps, plan, lost);
    } catch (error) {
      const phase = isMatteropsError(error) && error.code === 'forbidden' ? 'denied' : 'failed';
      await recordStep(deps, { ...step, phase, detail: `${plan.draft.summary}: ${(error as Error).message}` });
      throw error;
    }
    await recordStep(deps, { ...step, phase: 'applied', detail: applied.plan.diff.join(', ') });
    progress(`applied: ${applied.plan.diff.join(', ')}`);
    const record = { ...inFlightRecord(ctx, deps, applied.plan, options), generation: applied.written?.generation ?? 0 };
    const outcome = await followAndAudit(ctx.gateway, deps, record, { progress, lost });
    return outcomeReply(applied.plan, outcome, applied.notes);
  });
}
