/**
 * `matterops_backup_last_success_timestamp_seconds{namespace, installation}`: when the newest
 * complete backup of each installation started (its id's time, as `status` shows its age), from
 * one listing of the store per installation (`newestComplete`), never from a scrape. Refreshed
 * where the data changes: one installation when a backup of it succeeds on this replica
 * (createCore's `onFinished`), every installation on the leader's slow refresh
 * (src/leader/last-good-backups-refresh.ts). A value only moves forward while its installation
 * exists: a read that raced a newer backup, or a prune that removed the newest, does not take the
 * time of the last success back. An installation that is gone loses its series; one with no
 * complete backup has none. The incident watch reads the same times for the backup-too-old rule
 * (`newestGood`, told of each read through `onRead`), so the store is listed once for both.
 */
import { backupLastSuccessTimestampSeconds } from './metrics-catalog.ts';
import { backupIdTime } from './model/backup.ts';
import type { BackupStore } from './ports/backup-store.ts';
import type { Metrics } from './ports/metrics.ts';

interface InstallationKey {
  namespace: string;
  name: string;
}

const keyOf = (i: InstallationKey): string => `${i.namespace}/${i.name}`;
const labelsOf = (i: InstallationKey) => ({ namespace: i.namespace, installation: i.name });

export class LastGoodBackups {
  private readonly metrics: Metrics;
  private readonly store: BackupStore;
  /** The seconds shown per installation, and which it is. */
  private readonly shown = new Map<string, { installation: InstallationKey; seconds: number }>();
  /** Installations read with no complete backup in the store. */
  private readonly none = new Set<string>();
  private readonly readers = new Set<(installation: InstallationKey) => void>();

  constructor(metrics: Metrics, store: BackupStore) {
    this.metrics = metrics;
    this.store = store;
  }

  /** Reads one installation's newest complete backup now; rejects when the store does not answer. */
  async refresh(installation: InstallationKey): Promise<void> {
    const id = await this.store.newestComplete(installation);
    const key = keyOf(installation);
    if (id) this.show(key, installation, backupIdTime(id).getTime() / 1000);
    else if (!this.shown.has(key)) this.none.add(key);
    for (const read of this.readers) read(installation);
  }

  /** When the newest good backup started: null when the store holds none, undefined when not read yet (or gone). */
  newestGood(installation: InstallationKey): Date | null | undefined {
    const key = keyOf(installation);
    const shown = this.shown.get(key);
    if (shown) return new Date(shown.seconds * 1000);
    return this.none.has(key) ? null : undefined;
  }

  /** Tells `reader` after every read of an installation's newest backup; returns how to stop. */
  onRead(reader: (installation: InstallationKey) => void): () => void {
    this.readers.add(reader);
    return () => this.readers.delete(reader);
  }

  private show(key: string, installation: InstallationKey, seconds: number): void {
    this.none.delete(key);
    if ((this.shown.get(key)?.seconds ?? -1) >= seconds) return;
    this.shown.set(key, { installation: { namespace: installation.namespace, name: installation.name }, seconds });
    this.metrics.set(backupLastSuccessTimestampSeconds, labelsOf(installation), seconds);
  }

  /**
   * Every installation there is, one after the other (a burst of listings helps no one); the
   * series of any other installation go. Resolves with those whose store read failed (they keep
   * what they showed).
   */
  async refreshAll(installations: readonly InstallationKey[]): Promise<InstallationKey[]> {
    const present = new Set(installations.map(keyOf));
    for (const key of this.none) if (!present.has(key)) this.none.delete(key);
    for (const [key, { installation }] of this.shown) {
      if (present.has(key)) continue;
      this.shown.delete(key);
      this.metrics.remove(backupLastSuccessTimestampSeconds, labelsOf(installation));
    }
    const failed: InstallationKey[] = [];
    for (const installation of installations) await this.refresh(installation).catch(() => failed.push(installation));
    return failed;
  }

  /** Removes every series (a replica that stops leading leaves them to the new leader). */
  withdraw(): void {
    for (const { installation } of this.shown.values()) this.metrics.remove(backupLastSuccessTimestampSeconds, labelsOf(installation));
    this.shown.clear();
    this.none.clear();
  }
}
