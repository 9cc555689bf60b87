/**
 * The rows of `backups <name>` (issue 11): what the store holds per backup id, joined with the
 * runner Jobs by their `backupLabels`, newest first. The store is the truth for a finished backup
 * (its metadata is written last, after the whole dump), the Job for one that is running or failed
 * before it wrote anything.
 *
 * - `ok`: metadata and dump are there; `verified`: and a drill's verification too.
 * - `dump missing`: the metadata is there but the dump object is gone from the store.
 * - `running`: no metadata yet, and its Job has not finished.
 * - `failed`: no metadata, and its Job gave up (`reason` says why).
 * - `incomplete`: no metadata, and no Job that is running or failed (it was interrupted, or its Job
 *   is gone).
 *
 * A Job that succeeded but whose backup is nowhere in the store gives no row: after a prune the
 * Job outlives the backup it made, and the catalog shows backups, not Jobs.
 */
import { backupAnnotations, backupIdPattern, backupIdTime, backupLabels, type StoredBackup } from './backup.ts';
import type { JobInfo } from './workload.ts';

export type BackupState = 'ok' | 'verified' | 'dump missing' | 'running' | 'failed' | 'incomplete' | 'pruned';

export interface CatalogRow {
  id: string;
  /** When the backup started (from its id). */
  time: Date;
  sizeBytes: number | undefined;
  requestedBy: string | undefined;
  note: string | undefined;
  state: BackupState;
  /** `failed`: why, from its Job; `pruned`: by whom and when. */
  reason: string | undefined;
  /** `verified`: when the drill verified it. */
  verifiedAt: Date | undefined;
  /** Whether the store holds any object of it (a Job alone may give a `running` or `failed` row). */
  stored: boolean;
  /**
   * Not a good backup, not running, in the store, and started over a day ago: garbage that prune
   * removes (backup-prune-plan.ts says why a day).
   */
  leftover: boolean;
}

/** How long a backup without metadata may be on its way before it counts as garbage. */
export const leftoverAfterMs = 24 * 60 * 60 * 1000;

const goodStates: ReadonlySet<BackupState> = new Set(['ok', 'verified']);
export const isGood = (row: CatalogRow): boolean => goodStates.has(row.state);

/** Runner Jobs of backups by backup id; the newest Job wins if a backup had several. */
function backupJobs(jobs: JobInfo[]): Map<string, JobInfo> {
  const byId = new Map<string, JobInfo>();
  const newestFirst = [...jobs].sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
  for (const job of newestFirst) {
    const id = job.labels?.[backupLabels.backupId];
    if (job.labels?.[backupLabels.operation] !== 'backup' || !id || !backupIdPattern.test(id) || byId.has(id)) continue;
    byId.set(id, job);
  }
  return byId;
}

type JobPhase = 'running' | 'failed' | 'succeeded' | 'none';

/** A Job failed once it has a Failed condition: before that, failed pods may still be retried. */
function jobPhase(job: JobInfo | undefined): JobPhase {
  if (!job) return 'none';
  if (job.failureReason !== undefined) return 'failed';
  if (job.active === 0 && job.succeeded > 0) return 'succeeded';
  return 'running';
}

function stateOf(stored: StoredBackup | undefined, phase: JobPhase): BackupState | undefined {
  if (stored?.metadata) return !stored.dump ? 'dump missing' : stored.verification ? 'verified' : 'ok';
  if (phase === 'running' || phase === 'failed') return phase;
  return stored ? 'incomplete' : undefined;
}

/** Size, who asked and the note: the metadata's once written, before that what the Job was given. */
function requestOf(stored: StoredBackup | undefined, job: JobInfo | undefined): Pick<CatalogRow, 'sizeBytes' | 'requestedBy' | 'note'> {
  const meta = stored?.metadata;
  return {
    sizeBytes: meta?.sizeBytes ?? stored?.dump?.sizeBytes,
    requestedBy: meta ? meta.requestedBy : job?.annotations?.[backupAnnotations.requestedBy],
    note: meta ? meta.note : job?.annotations?.[backupAnnotations.note],
  };
}

const garbageStates: ReadonlySet<BackupState> = new Set(['failed', 'incomplete', 'dump missing']);

function rowOf(id: string, stored: StoredBackup | undefined, job: JobInfo | undefined, now: Date): CatalogRow | undefined {
  const state = stateOf(stored, jobPhase(job));
  if (!state) return undefined;
  const time = backupIdTime(id);
  const verifiedAt = state === 'verified' ? stored?.verification?.verifiedAt : undefined;
  return {
    id,
    time,
    ...requestOf(stored, job),
    state,
    reason: state === 'failed' ? (job?.failureReason ?? 'the Job failed') : undefined,
    verifiedAt: verifiedAt === undefined ? undefined : new Date(verifiedAt),
    stored: stored !== undefined,
    leftover: garbageStates.has(state) && stored !== undefined && now.getTime() - time.getTime() > leftoverAfterMs,
  };
}

/** The Jobs of one installation among a namespace's (runner Jobs are labelled with its name). */
export const installationJobs = (jobs: JobInfo[], installation: string): JobInfo[] =>
  jobs.filter((j) => j.labels?.[backupLabels.installation] === installation);

/**
 * The catalog of one installation, newest first. `jobs` are the installation's Jobs
 * (`installationJobs`: two installations may share a namespace); only backup runner Jobs count.
 * Ids that are not backup ids are not ours and are left out.
 */
export function catalogRows(stored: StoredBackup[], jobs: JobInfo[], now: Date): CatalogRow[] {
  const byId = new Map(stored.filter((s) => backupIdPattern.test(s.id)).map((s) => [s.id, s]));
  const jobsById = backupJobs(jobs);
  const pruned = prunedBy(jobs);
  const ids = [...new Set([...byId.keys(), ...jobsById.keys(), ...pruned.keys()])].sort().reverse();
  return ids.flatMap((id) => {
    const prune = pruned.get(id);
    if (prune && !byId.has(id)) return [prunedRow(id, prune)];
    return rowOf(id, byId.get(id), jobsById.get(id), now) ?? [];
  });
}

/** Backups a prune Job that succeeded deleted, by id: the Job says who and when (while it is kept). */
function prunedBy(jobs: JobInfo[]): Map<string, JobInfo> {
  const byId = new Map<string, JobInfo>();
  for (const job of jobs) {
    if (job.labels?.[backupLabels.operation] !== 'prune' || jobPhase(job) !== 'succeeded') continue;
    for (const id of (job.annotations?.[backupAnnotations.pruneIds] ?? '').split(',')) if (backupIdPattern.test(id)) byId.set(id, job);
  }
  return byId;
}

function prunedRow(id: string, job: JobInfo): CatalogRow {
  const when = job.createdAt ? ` on ${job.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
  return {
    id,
    time: backupIdTime(id),
    sizeBytes: undefined,
    requestedBy: undefined,
    note: undefined,
    state: 'pruned',
    reason: `pruned by ${job.annotations?.[backupAnnotations.requestedBy] ?? 'matterops'}${when}`,
    verifiedAt: undefined,
    stored: false,
    leftover: false,
  };
}
