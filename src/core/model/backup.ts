/**
 * Database backups of an installation (docs/backups.md): what the runner writes beside each dump,
 * what it reports when it ends, and the names it is given. Data only, shared by the bot (which
 * plans Jobs and reads the catalog) and the runner (which runs in the Job's pod).
 */
import { z } from 'zod';

/**
 * A backup id: UTC start time and 4 random hex digits, `20261201-231800-a1b2`. Sorts by time, and
 * fits a label value and (with `-` as `_`) a database name.
 */
export const backupIdPattern = /^\d{8}-\d{6}-[0-9a-f]{4}$/;
export const BackupIdSchema = z.string().regex(backupIdPattern, { error: 'a backup id looks like 20261201-231800-a1b2' });

export function newBackupId(now: Date, random: () => number = Math.random): string {
  const iso = now.toISOString(); // 2026-12-01T23:18:00.000Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `${stamp}-${suffix}`;
}

/** When the backup started, read back from its id. */
export function backupIdTime(id: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})/.exec(id);
  if (!m) throw new Error(`not a backup id: ${id}`);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

export const InstallationKeySchema = z.object({ namespace: z.string(), name: z.string() });

/**
 * The metadata object beside a dump, written by the runner after the dump is complete: a dump
 * without one is not a good backup (an interrupted upload never looks like one).
 */
export const BackupMetadataSchema = z.object({
  format: z.literal('matterops-backup/v1'),
  id: BackupIdSchema,
  installation: InstallationKeySchema,
  /** The dump's object key in the bucket. */
  dumpKey: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  sizeBytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** `server_version` of the database that was dumped. */
  pgVersion: z.string(),
  /** Rows per key table at dump time (`posts`, `users`, `channels`, `teams`). */
  rowCounts: z.record(z.string(), z.number().int().nonnegative()),
  requestedBy: z.string(),
  note: z.string().optional(),
});
export type BackupMetadata = z.infer<typeof BackupMetadataSchema>;

/** Written by a drill that restored the backup into a scratch database and verified it. */
export const BackupVerificationSchema = z.object({
  format: z.literal('matterops-verification/v1'),
  backupId: BackupIdSchema,
  verifiedAt: z.iso.datetime(),
  /** The drill's own id (its Job). */
  drillId: z.string(),
  rowCounts: z.record(z.string(), z.number().int().nonnegative()),
});
export type BackupVerification = z.infer<typeof BackupVerificationSchema>;

/** What the store holds per backup id (ports/backup-store.ts lists them; backup-catalog.ts reads them). */
export interface StoredBackup {
  id: string;
  /** Absent when the dump object is gone from the store (the catalog says so). */
  dump: { key: string; sizeBytes: number } | undefined;
  /** Absent when no metadata object was written (an interrupted or failed backup). */
  metadata: BackupMetadata | undefined;
  verification: BackupVerification | undefined;
}

/** Where a backup's objects live in the bucket: `<prefix><namespace>/<name>/<id>/...`. */
export function backupKeys(prefix: string, installation: { namespace: string; name: string }, id: string) {
  const dir = `${prefix}${installation.namespace}/${installation.name}/${id}/`;
  return { dir, dump: `${dir}dump.pgcustom`, metadata: `${dir}metadata.json`, verification: `${dir}verified.json` };
}

/** The key tables whose row counts a backup records and a restore checks. */
export const keyTables = ['posts', 'users', 'channels', 'teams'] as const;

/**
 * What a runner reports in its pod's termination message (at most 4096 bytes, JSON). Never a DSN,
 * a password or a key: the bot shows `error` in chat as it is.
 */
/** What a runner does: `matterops <operation> run`. */
export const runnerOperations = ['backup', 'restore', 'drill', 'prune'] as const;
export type RunnerOperation = (typeof runnerOperations)[number];

export const RunnerResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    operation: z.enum(runnerOperations),
    backupId: BackupIdSchema,
    sizeBytes: z.number().int().nonnegative(),
    sha256: z.string(),
    durationMs: z.number().int().nonnegative(),
    /** `s3://bucket/key` of the dump. */
    location: z.string(),
    rowCounts: z.record(z.string(), z.number().int().nonnegative()),
    /** restore and drill: the database restored into. */
    database: z.string().optional(),
    /** restore: the Secret the runner wrote, pointing at the restored database. */
    secret: z.string().optional(),
    /** prune: the backups it deleted. */
    pruned: z.array(BackupIdSchema).optional(),
  }),
  z.object({
    ok: z.literal(false),
    operation: z.enum(runnerOperations),
    /** Which part failed: `connect`, `dump`, `upload`, `download`, `checksum`, `restore`, `verify`, `secret`. */
    stage: z.string(),
    error: z.string().max(2000),
  }),
]);
export type RunnerResult = z.infer<typeof RunnerResultSchema>;

/**
 * The environment a runner pod gets (the Job sets it; the runner reads only these). Secrets come
 * through `secretKeyRef`, so the bot never reads them.
 */
export const runnerEnv = {
  /** The installation's database (secretKeyRef to its database secret). */
  databaseUrl: 'DB_CONNECTION_STRING',
  /** A role that may create and drop databases on the same server (restore and drill; secretKeyRef). */
  adminDatabaseUrl: 'DB_ADMIN_CONNECTION_STRING',
  accessKeyId: 'AWS_ACCESS_KEY_ID',
  secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  endpoint: 'MATTEROPS_S3_ENDPOINT',
  bucket: 'MATTEROPS_S3_BUCKET',
  region: 'MATTEROPS_S3_REGION',
  prefix: 'MATTEROPS_S3_PREFIX',
  backupId: 'MATTEROPS_BACKUP_ID',
  /** `namespace/name`. */
  installation: 'MATTEROPS_INSTALLATION',
  requestedBy: 'MATTEROPS_REQUESTED_BY',
  note: 'MATTEROPS_NOTE',
  /** restore and drill: the database to create and restore into. */
  targetDatabase: 'MATTEROPS_TARGET_DATABASE',
  /** restore: the Secret to write, pointing at the restored database. */
  targetSecret: 'MATTEROPS_TARGET_SECRET',
  /** prune: the backup ids to delete, comma-separated (exactly the plan's). */
  pruneIds: 'MATTEROPS_PRUNE_IDS',
  /** Where the result goes; Kubernetes reads /dev/termination-log by default. */
  terminationLog: 'MATTEROPS_TERMINATION_LOG',
} as const;

/** Labels on every runner Job (and its pod template), read back by the catalog. */
export const backupLabels = {
  /** `job`: the pod runs a matterops runner (kwok leaves it to the sandbox's runner harness). */
  runner: 'matterops.io/runner',
  operation: 'matterops.io/operation',
  backupId: 'matterops.io/backup-id',
  installation: 'matterops.io/installation',
} as const;

/** Annotations on every runner Job: who asked and why, for the catalog of failed runs. */
export const backupAnnotations = {
  requestedBy: 'matterops.io/requested-by',
  note: 'matterops.io/note',
  /** On a prune Job: the ids it deletes, comma-separated (the catalog shows them as pruned). */
  pruneIds: 'matterops.io/prune-ids',
} as const;
