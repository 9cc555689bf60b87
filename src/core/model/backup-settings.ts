/**
 * How backups are set up (config `backups`, docs/backups.md): where the store is, which Secrets in
 * each installation's namespace the runner pods read, and which image and service account run
 * them. The bot itself never reads those Secrets: it names them in the Jobs it creates.
 */
export interface BackupSettings {
  store: {
    /** An S3-compatible endpoint (`http://127.0.0.1:8333`); absent: AWS S3 itself. */
    endpoint: string | undefined;
    bucket: string;
    region: string;
    /** Every key starts with it (`matterops/`); may be empty. */
    prefix: string;
  };
  /** Secret in each installation's namespace with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. */
  storeSecret: string;
  /** Secret in each installation's namespace with `DB_ADMIN_CONNECTION_STRING` (restore and drill create databases). */
  adminSecret: string;
  /** matterops's own image: the runner is `matterops backup run` in it. */
  runnerImage: string;
  /** The service account runner pods run as (the restore runner writes one Secret). */
  serviceAccount: string;
  /** Retention rules applied after every good backup; all absent: keep everything. */
  retention: { keepLast?: number; keepDaily?: number; keepWeekly?: number; keepMonthly?: number };
  /** How long finished runner Jobs stay, so the catalog can show failures. */
  jobTtlSeconds: number;
}
