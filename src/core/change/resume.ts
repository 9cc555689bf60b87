/**
 * After a restart: every change a dead matterops left in flight (its Lease stopped being renewed)
 * is taken over, followed to its end, audited and reported where it was asked. Locks that are still
 * renewed belong to a live replica and are left alone.
 */
import type { InFlightRecord } from '../model/in-flight-record.ts';
import { describeObject } from '../model/resource.ts';
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import type { FoundLock, HeldLock } from '../ports/lock-manager.ts';
import { code, heading, reply, text, type Reply } from '../reply.ts';
import { alreadyWritten } from './already-written.ts';
import type { ChangeDeps } from './change-deps.ts';
import { auditOutcome, auditedWrite } from './execute.ts';
import type { FollowOutcome } from './follow.ts';
import { whileHolding } from './hold-lock.ts';
import { runSteps } from './run-steps.ts';
import { writeStep } from './write-step.ts';

export interface ResumeReport {
  record: InFlightRecord;
  reply: Reply;
}

function resumedReply(record: InFlightRecord, outcome: FollowOutcome): Reply {
  const what = `${record.verb} ${record.namespace}/${record.name} (op ${record.operationId}, asked by ${record.requester})`;
  const tone = outcome.status === 'succeeded' ? 'good' : 'danger';
  const words = { succeeded: 'done', failed: 'failed', 'timed-out': 'not done by the deadline' }[outcome.status];
  return reply(tone, heading(`${what}: ${words} after a matterops restart`), text(record.summary), code(outcome.text));
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
      const acquired = await locks.acquire(found.target, found.holder);
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
  const record = found.holder.record;
  // Renewed while followed (under this acquire's own token): otherwise the lock would expire again
  // and another replica, starting meanwhile, would resume (and report) the same change a second time.
  const outcome = await whileHolding(deps, lock, async (holding) => {
    const result = await runSteps(
      deps,
      {
        follower: target.gateway,
        holding,
        progress: (t) => progress(record, t),
        // A write the dead matterops may have made just before it died is not made twice.
        async write(step) {
          const found = await alreadyWritten(target.gateway, step);
          if (found) return { written: found };
          const written = await auditedWrite(
            deps,
            record,
            () => writeStep(target.gateway, step, 'apply'),
            () => `${step.action.kind} ${describeObject(step)} (after a restart)`,
          );
          return { written };
        },
      },
      record,
    );
    await auditOutcome(deps, record, result);
    return result;
  });
  return { record, reply: resumedReply(record, outcome) };
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
