/**
 * The object store that keeps backups (S3 or compatible), as the bot sees it: list, read and
 * delete. The runner writes dumps; the bot never does. `adapters/s3/s3-backup-store.ts` implements
 * it against a real store (SeaweedFS in tests); test/fakes/fake-backup-store.ts in memory; both pass
 * test/contract/backup-store.contract.ts.
 */
import type { BackupSettings } from '../model/backup-settings.ts';
import type { StoredBackup } from '../model/backup.ts';

/** What the store holds per backup id; a model shape (the catalog reads it), named here too for the port's users. */
export type { StoredBackup } from '../model/backup.ts';

export interface BackupStore {
  /** `s3://bucket/prefix`, for messages. */
  readonly location: string;
  /** The prefix every key starts with (config; may be empty). */
  readonly prefix: string;
  /** Every backup of the installation found in the store, any order (reads every metadata object). */
  list(installation: { namespace: string; name: string }): Promise<StoredBackup[]>;
  /**
   * The id of the newest backup whose dump and metadata objects are both there, from one listing
   * and no reads (metadata is written last, so a complete backup has it): what `status` shows the
   * age of, without reading a whole catalog on every status.
   */
  newestComplete(installation: { namespace: string; name: string }): Promise<string | undefined>;
  /** Deletes the backup's objects (dump, metadata, verification). Deleting what is gone is fine. */
  remove(installation: { namespace: string; name: string }, id: string): Promise<void>;
}

/** What backup verbs reach: the settings and the store, or why backups are off. */
export type Backups = { enabled: true; settings: BackupSettings; store: BackupStore } | { enabled: false; why: string };
