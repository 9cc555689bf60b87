/**
 * After a restart: every change a dead matterops left in flight (its Lease stopped being renewed)
 * is taken over, followed to its end, audited and reported where it was asked. Locks that are still
 * renewed belong to a live replica and are left alone.
 */
import type { ClusterGateway } from '../ports/cluster-gateway.ts';
import type { FoundLock } from '../ports/lock-manager.ts';
import { code, heading, reply, text, type Reply } from '../reply.ts';
import type { ChangeDeps } from './change-deps.ts';
import { followAndAudit, whileHolding } from './execute.ts';
import type { FollowOutcome } from './follow.ts';
import type { InFlightRecord } from './in-flight.ts';

export interface ResumeReport { record: InFlightRecord; reply: Reply }

function resumedReply(record: InFlightRecord, outcome: FollowOutcome): Reply {
  const what = `${record.verb} ${record.namespace}/${record.name} (op ${record.operationId}, asked by ${record.requester})`;
  const tone = outcome.status === 'succeeded' ? 'good' : 'danger';
  const words = { succeeded: 'done', failed: 'failed', 'timed-out': 'not done by the deadline' }[outcome.status];
  return reply(tone, heading(`${what}: ${words} after a matterops restart`), text(record.summary), code(outcome.text));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function takeOver(deps: ChangeDeps, found: FoundLock, waitMs: number): Promise<boolean> {
  const locks = deps.locks(found.target.cluster);
  for (let waited = 0; ; waited += 1_000) {
    const current = (await locks.list()).find((l) => l.holder.operationId === found.holder.operationId);
    if (!current) return false; // finished or released meanwhile
    if (current.expired) return (await locks.acquire(found.target, found.holder)).ok;
    if (waited >= waitMs) return false; // renewed all along: a live replica follows it
    await sleep(1_000);
  }
}

/** Resumes every orphaned change on one cluster; `waitMs` bounds how long to wait for a lock to expire. */
export interface ResumeTarget {
  cluster: string;
  /** The bot's own gateway on that cluster: following needs no impersonation. */
  gateway: ClusterGateway;
  /** How long to wait for a lock to expire before deciding a live replica holds it. */
  waitMs: number;
}

export async function resumeInFlight(deps: ChangeDeps, target: ResumeTarget, progress: (record: InFlightRecord, text: string) => void): Promise<ResumeReport[]> {
  const { cluster, gateway, waitMs } = target;
  const reports: ResumeReport[] = [];
  for (const found of await deps.locks(cluster).list()) {
    if (!(await takeOver(deps, found, waitMs))) continue;
    const record = found.holder.record;
    // Renewed while followed: otherwise the lock would expire again and another replica, starting
    // meanwhile, would resume (and report) the same change a second time.
    const outcome = await whileHolding(deps, { target: found.target, holder: found.holder }, () => followAndAudit(gateway, deps, record, (t) => progress(record, t)));
    reports.push({ record, reply: resumedReply(record, outcome) });
  }
  return reports;
}
