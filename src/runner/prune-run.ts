/**
 * `matterops prune run`: deletes exactly the backups the bot's plan listed (`MATTEROPS_PRUNE_IDS`:
 * the retention rules' verdict, shown and confirmed before this Job was made), each with every
 * object it has (dump, metadata, verification). Deleting what is already gone is fine, so a retried
 * Job does no harm.
 */
import { createS3BackupStore } from '../adapters/s3/s3-backup-store.ts';
import { s3Location } from '../adapters/s3/s3-client.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { RunnerConfig } from './runner-config.ts';
import type { RunnerDeps, RunnerSuccess } from './runner-deps.ts';
import { atStage } from './runner-failure.ts';

export async function runPrune(config: RunnerConfig, deps: RunnerDeps): Promise<RunnerSuccess> {
  const started = deps.now().getTime();
  const line = (message: string): void => deps.log(message);
  const logger: Logger = { info: (_f, m) => line(m), warn: (_f, m) => line(m), error: (_f, m) => line(m) };
  const store = createS3BackupStore(deps.s3, config.s3, logger);
  for (const id of config.pruneIds) {
    deps.log(`prune: deleting backup ${id} of ${config.installation.namespace}/${config.installation.name}`);
    await atStage('upload', () => store.remove(config.installation, id), `could not delete backup ${id}: `);
  }
  return {
    ok: true,
    operation: 'prune',
    backupId: config.backupId,
    sizeBytes: 0,
    sha256: '',
    durationMs: deps.now().getTime() - started,
    location: s3Location(config.s3, `${config.s3.prefix}${config.installation.namespace}/${config.installation.name}/`),
    rowCounts: {},
    pruned: config.pruneIds,
  };
}
