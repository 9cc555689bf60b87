/**
 * `matterops_backup_last_success_timestamp_seconds{namespace, installation}`: when the newest
 * complete backup of each installation started (its id's time, as `status` shows its age), from
 * one listing of the store per installation (`newestComplete`), never from a scrape. Refreshed
 * where the data changes: one installation when a backup of it succeeds on this replica
 * (createCore's `onFinished`), every installation on the leader's slow refresh
 * (src/leader/last-good-backups-refresh.ts). A value only moves forward while its installation
 * exists: a read that raced a newer backup, or a prune that removed the newest, does not take the
 * time of the last success back. An installation that is gone loses its series; one with no
 * complete backup has none.
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

  constructor(metrics: Metrics, store: BackupStore) {
    this.metrics = metrics;
    this.store = store;
  }

  /** Reads one installation's newest complete backup now; rejects when the store does not answer. */
  async refresh(installation: InstallationKey): Promise<void> {
    const id = await this.store.newestComplete(installation);
    if (!id) return;
    const seconds = backupIdTime(id).getTime() / 1000;
    const key = keyOf(installation);
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
  }
}
