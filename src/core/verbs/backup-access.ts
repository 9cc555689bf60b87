/** What the backup verbs share: backups must be on, and the latest good backup of an installation. */
import { MatteropsError } from '../errors.ts';
import { catalogRows, installationJobs, type CatalogRow } from '../model/backup-catalog.ts';
import type { Installation } from '../model/installation.ts';
import type { BackupStore, Backups } from '../ports/backup-store.ts';
import type { VerbContext } from '../verb-context.ts';

export function enabledBackups(ctx: VerbContext): Extract<Backups, { enabled: true }> {
  if (ctx.backups.enabled) return ctx.backups;
  throw new MatteropsError('invalid', ctx.backups.why, 'docs/backups.md says how to set up the store, its Secrets and the runner');
}

/** The id of the newest backup with its metadata and its dump in the store. */
export async function latestGoodBackup(store: BackupStore, installation: Installation): Promise<string | undefined> {
  const good = (await store.list(installation)).filter((b) => b.metadata && b.dump).map((b) => b.id);
  return good.sort().at(-1);
}

/** One installation's catalog: the store's objects and its runner Jobs, newest first. */
export async function readCatalog(ctx: VerbContext, installation: Installation): Promise<CatalogRow[]> {
  const { store } = enabledBackups(ctx);
  const [stored, jobs] = await Promise.all([store.list(installation), ctx.gateway.listJobs(installation.namespace)]);
  return catalogRows(stored, installationJobs(jobs, installation.name), ctx.clock.now());
}
