/** Backups as the store and the cluster give them, for the catalog and prune tests. */
import { type BackupMetadata, backupAnnotations, backupIdTime, backupLabels, type StoredBackup } from '../../../../src/core/model/backup.ts';
import type { JobInfo } from '../../../../src/core/model/workload.ts';

export function metadata(id: string, over: Partial<BackupMetadata> = {}): BackupMetadata {
  const started = backupIdTime(id);
  return {
    format: 'matterops-backup/v1',
    id,
    installation: { namespace: 'chat', name: 'mattermost' },
    dumpKey: `chat/mattermost/${id}/dump.pgcustom`,
    startedAt: started.toISOString(),
    finishedAt: new Date(started.getTime() + 60_000).toISOString(),
    sizeBytes: 1_048_576,
    sha256: 'a'.repeat(64),
    pgVersion: '15.8',
    rowCounts: { posts: 10, users: 3, channels: 2, teams: 1 },
    requestedBy: 'alice',
    ...over,
  };
}

/** A good backup: dump and metadata, and a drill's verification when `verifiedAt` is given. */
export function good(id: string, options: { verifiedAt?: string; note?: string } = {}): StoredBackup {
  const meta = metadata(id, options.note === undefined ? {} : { note: options.note });
  return {
    id,
    dump: { key: meta.dumpKey, sizeBytes: meta.sizeBytes },
    metadata: meta,
    verification: options.verifiedAt
      ? { format: 'matterops-verification/v1', backupId: id, verifiedAt: options.verifiedAt, drillId: `drill-${id}`, rowCounts: meta.rowCounts }
      : undefined,
  };
}

/** A dump whose metadata was never written (the runner stopped before its end). */
export const dumpOnly = (id: string, sizeBytes = 4096): StoredBackup => ({
  id,
  dump: { key: `chat/mattermost/${id}/dump.pgcustom`, sizeBytes },
  metadata: undefined,
  verification: undefined,
});

/** Metadata whose dump object is gone. */
export const dumpGone = (id: string): StoredBackup => ({ id, dump: undefined, metadata: metadata(id), verification: undefined });

/** A runner Job of a backup (or of another operation), running unless `over` says otherwise. */
export function runnerJob(id: string, over: Partial<JobInfo> = {}, operation = 'backup'): JobInfo {
  return {
    name: `${operation}-${id}`,
    owner: undefined,
    active: 1,
    succeeded: 0,
    failed: 0,
    createdAt: backupIdTime(id),
    failureReason: undefined,
    labels: { [backupLabels.runner]: 'job', [backupLabels.operation]: operation, [backupLabels.backupId]: id, [backupLabels.installation]: 'mattermost' },
    annotations: { [backupAnnotations.requestedBy]: 'bob', [backupAnnotations.note]: 'before upgrade' },
    ...over,
  };
}

export const failedJob = (id: string, reason = 'BackoffLimitExceeded'): JobInfo => runnerJob(id, { active: 0, failed: 1, failureReason: reason });
export const succeededJob = (id: string): JobInfo => runnerJob(id, { active: 0, succeeded: 1 });
