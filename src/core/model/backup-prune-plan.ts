/**
 * What `backups <name> --prune` (and the prune after every good backup) removes from the store
 * (issue 11): the good backups the retention rules do not keep (retention.ts), and leftovers.
 *
 * The rules count only good backups (`ok`, `verified`), so a backup that cannot be restored never
 * takes the slot of one that can.
 *
 * A leftover (catalogRows' `leftover`) is a backup in the store that is not good (no metadata, so
 * failed or interrupted; or metadata whose dump is gone) and not running, started over a day ago.
 * Prune removes it, because it can never be restored (a restore checks the dump's sha256 against
 * the metadata: without either there is nothing to check or to restore) while it may hold a
 * full-size dump whose metadata write failed: storage paid for nothing. It waits a day because a
 * backup has no metadata until its very end, so a young one may still be uploading even when no
 * running Job is seen (a Job list from a lagging cache, a runner started by hand); a Job that is
 * still running protects its backup whatever its age. The failure itself stays on record in the
 * audit Events and in the prune's own report, which names each leftover it removed.
 *
 * Retention off (no rule above 0) removes nothing at all, leftovers included: off means off.
 */
import { type CatalogRow, isGood } from './backup-catalog.ts';
import { isRetentionOn, planRetention, type RetentionRules } from './retention.ts';

export interface PrunePlan {
  /** Newest first: what stays in the store, and why. */
  keep: { id: string; reasons: string[] }[];
  /** Newest first: what prune deletes (dump, metadata, verification), and why. */
  remove: { id: string; reason: string }[];
}

const newestFirst = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

function keptWhy(row: CatalogRow): string {
  return row.state === 'running' ? 'running' : `${row.state}, started less than a day ago`;
}

/** The prune of one installation's catalog rows (catalogRows); rows with nothing in the store are not its business. */
export function planPrune(rows: CatalogRow[], rules: RetentionRules): PrunePlan {
  const inStore = rows.filter((r) => r.stored);
  const good = inStore.filter(isGood);
  const bad = inStore.filter((r) => !isGood(r));
  const retention = planRetention(good, rules);
  const removeLeftovers = isRetentionOn(rules);
  const keep = [
    ...retention.keep,
    ...bad.filter((r) => !(removeLeftovers && r.leftover)).map((r) => ({ id: r.id, reasons: [removeLeftovers ? keptWhy(r) : 'retention off'] })),
  ];
  const remove = [
    ...retention.remove.map((id) => ({ id, reason: 'not kept by retention' })),
    ...bad.filter((r) => removeLeftovers && r.leftover).map((r) => ({ id: r.id, reason: `leftover: ${r.state}, started over a day ago` })),
  ];
  return { keep: keep.sort(newestFirst), remove: remove.sort(newestFirst) };
}
