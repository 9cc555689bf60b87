/**
 * After a restart: every change a dead matterops left in flight (its Lease stopped being renewed)
 * is taken over, followed to its end, audited and reported where it was asked. Locks that are still
 * renewed belong to a live replica and are left alone.
 */
import type { InFlightRecord } from '../model/in-flight-record.ts';
import { MatteropsError, isMatteropsError } from '../errors.ts';
import { describeObject, type WrittenObject } from '../model/resource.ts';
import type { RecordedWrite, WriteStep } from '../model/step.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import type { FoundLock, HeldLock } from '../ports/lock-manager.ts';
import { code, heading, reply, text, type Reply } from '../reply.ts';
import type { ChangeDeps } from './change-deps.ts';
import { shownOutcome } from './change-replies.ts';
import { auditedWrite, auditOutcome } from './execute.ts';
import { writeStep } from './write-step.ts';
import type { FollowOutcome } from './follow.ts';
import { whileHolding } from './hold-lock.ts';
import { runSteps } from './run-steps.ts';

export interface ResumeReport {
  record: InFlightRecord;
  reply: Reply;
}

function resumedReply(record: InFlightRecord, outcome: FollowOutcome): Reply {
  const what = `${record.verb} ${record.namespace}/${record.name} (op ${record.operationId}, asked by ${record.requester})`;
  const tone = outcome.status === 'succeeded' ? 'good' : 'danger';
  const words = { succeeded: 'done', failed: 'failed', 'timed-out': 'not done by the deadline' }[outcome.status];
  return reply(tone, heading(`${what}: ${words} after a matterops restart`), text(record.summary), code(shownOutcome(outcome).text));
}

/**
 * Acquires the lock of an orphaned change once it has expired. The acquire holds it under a token of
 * its own: the matterops that held it before may only have been cut off, and when it comes back its
 * renewals fail as taken over and its release leaves this lock alone.
 */
async function takeOver(deps: ChangeDeps, found: FoundLock, waitMs: number): Promise<HeldLock | undefined> {
  const locks = deps.locks(found.target.cluster);
  for (let waited = 0; ; waited += 1_000) {
    const current = (await locks.list()).find((l) => l.holder.operationId === found.holder.operationId);
    if (!current) return undefined; // finished or released meanwhile
    if (current.expired) {
      // Its latest record: the step it reached may have moved since the sweep first listed it.
      const acquired = await locks.acquire(current.target, current.holder);
      return acquired.ok ? acquired.lock : undefined;
    }
    if (waited >= waitMs) return undefined; // renewed all along: a live replica follows it
    await deps.clock.sleep(1_000);
  }
}

/** One cluster to resume on. */
export interface ResumeTarget {
  cluster: string;
  /** The bot's own gateway on that cluster: following needs no impersonation. */
  gateway: ClusterGateway;
  /** How long to wait for a lock to expire before deciding a live replica holds it. */
  waitMs: number;
}

/** Resumes one orphaned change; undefined when a live replica holds it after all, or it ended meanwhile. */
async function resumeOne(
  deps: ChangeDeps,
  target: ResumeTarget,
  found: FoundLock,
  progress: (record: InFlightRecord, text: string) => void,
): Promise<ResumeReport | undefined> {
  const lock = await takeOver(deps, found, target.waitMs);
  if (!lock) return undefined;
  const record = lock.holder.record;
  // Renewed while followed (under this acquire's own token): otherwise the lock would expire again
  // and another replica, starting meanwhile, would resume (and report) the same change a second time.
  const outcome = await whileHolding(deps, lock, async (holding) => {
    const write = writeOnResume(deps, target.gateway, record, (t) => progress(record, t));
    const result = await runSteps(deps, { follower: target.gateway, holding, progress: (t) => progress(record, t), write }, record).catch(
      (error: unknown): FollowOutcome => ({ status: 'failed', text: (error as Error).message }),
    );
    await auditOutcome(deps, record, result);
    return result;
  });
  return { record, reply: resumedReply(record, outcome) };
}

/**
 * After a restart only resumable writes are made (model/step.ts `resumable`: nothing secret in
 * them, and making one twice does no harm, so it does not matter whether the dead matterops made it
 * just before it died). They were authorised, previewed and confirmed with the plan, which the
 * signed record proves; the bot's own identity makes them. Any other write stops the change there,
 * saying where it stands: the record does not carry what to write (docs/adr/0004-changes-are-steps.md).
 */
const writeOnResume =
  (deps: ChangeDeps, gateway: ClusterGateway, record: InFlightRecord, progress: (text: string) => void) =>
  async (step: RecordedWrite, index: number): Promise<{ written: WrittenObject | undefined }> => {
    if (!step.resumable || !step.full) stopBefore(record, step, index);
    // A record past its deadline is stale (matterops was gone for longer than the change may take):
    // its writes would act on an installation that has moved on since (a restore's scale to 0).
    if (deps.clock.now() > new Date(record.deadline)) stopBefore(record, step, index, 'past the deadline of the change');
    const full: WriteStep = { ...step, action: step.full };
    const what = `${step.action.kind} ${describeObject(step)}`;
    const written = await auditedWrite(
      deps,
      record,
      () => writeStep(gateway, full, 'apply').catch((error: unknown) => madeBefore(error, step)),
      () => ({ detail: `${what} (after a matterops restart)` }),
    );
    progress(`applied after a restart: ${what}`);
    return { written };
  };

/** A create that finds its object there was made by the matterops that died: done. */
function madeBefore(error: unknown, step: RecordedWrite): undefined {
  if (step.action.kind === 'create' && isMatteropsError(error) && error.code === 'conflict' && /already exists/.test(error.message)) return undefined;
  throw error;
}

function stopBefore(record: InFlightRecord, step: RecordedWrite, index: number, why = 'a write whose record does not carry it in full'): never {
  throw new MatteropsError(
    'conflict',
    `matterops was restarted before step ${index + 1} of ${record.steps.length} (${step.action.kind} ${describeObject(step)}); the restarted matterops does not make this write (${why}), so it was not made after the restart`,
    `type status to see where ${record.namespace}/${record.name} stands, and run the command again if it is still needed`,
  );
}

const isReport = (r: ResumeReport | undefined): r is ResumeReport => r !== undefined;

/**
 * Resumes every orphaned change on one cluster, side by side (one long follow does not hold the
 * others back). One that cannot be resumed (its installation unreadable, its lock taken meanwhile)
 * is logged and the others go on.
 */
export async function resumeInFlight(
  deps: ChangeDeps,
  target: ResumeTarget,
  progress: (record: InFlightRecord, text: string) => void,
): Promise<ResumeReport[]> {
  const found = await deps.locks(target.cluster).list();
  const reports = await Promise.all(
    found.map((f) =>
      resumeOne(deps, target, f, progress).catch((error: unknown) => {
        deps.logger.error(
          { cluster: target.cluster, operation: f.holder.operationId, installation: `${f.target.namespace}/${f.target.name}`, err: (error as Error).message },
          'could not resume a change left in flight; the next sweep tries again',
        );
        return undefined;
      }),
    ),
  );
  return reports.filter(isReport);
}

/** What a sweep over every cluster found: the reports, and the clusters it could not look in (and why). */
export interface SweepResult {
  reports: ResumeReport[];
  failed: { cluster: string; error: string }[];
}

/**
 * Resumes what was left in flight on every cluster given (every context matterops serves, not only
 * the default one); a cluster that cannot be listed is logged and reported, the others still resumed.
 */
export async function resumeEveryCluster(
  deps: ChangeDeps,
  targets: readonly ResumeTarget[],
  progress: (record: InFlightRecord, text: string) => void,
): Promise<SweepResult> {
  const result: SweepResult = { reports: [], failed: [] };
  await Promise.all(
    targets.map(async (t) => {
      try {
        result.reports.push(...(await resumeInFlight(deps, t, progress)));
      } catch (error) {
        deps.logger.error({ cluster: t.cluster, err: (error as Error).message }, 'could not look for changes left in flight on this cluster');
        result.failed.push({ cluster: t.cluster, error: (error as Error).message });
      }
    }),
  );
  return result;
}
