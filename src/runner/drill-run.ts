/**
 * `matterops drill run`: a restore drill. The backup is restored into a scratch database exactly as
 * a restore would (sha256 first, then pg_restore, then the same checks), the scratch database is
 * always dropped, and only then, when it all passed, verified.json is written beside the dump, so
 * the catalog shows the backup as verified.
 */
import { backupKeys, type BackupVerification } from '../core/model/backup.ts';
import { putJson } from './backup-objects.ts';
import { fetchVerifiedDump } from './fetch-verified-dump.ts';
import { restoreDatabase, type RestoreTarget } from './restore-database.ts';
import { restoreSettings, type RunnerConfig } from './runner-config.ts';
import type { RunnerDeps, RunnerSuccess } from './runner-deps.ts';
import { atStage } from './runner-failure.ts';
import { dropDatabase } from './target-database.ts';

export async function runDrill(config: RunnerConfig, deps: RunnerDeps): Promise<RunnerSuccess> {
  const started = deps.now().getTime();
  const { admin, targetDatabase: name } = restoreSettings(config);
  const { bucket } = config.s3;
  const { metadata, dump, location } = await fetchVerifiedDump(config, deps.s3);
  const target: RestoreTarget = { database: config.database, admin, name };
  let counts: Record<string, number>;
  try {
    deps.log(`drill: restoring backup ${config.backupId} into scratch database ${name}`);
    counts = await restoreDatabase(target, dump.path, metadata);
    // A scratch database that stays would be mistaken for a restore: it goes before the verdict is written.
    await atStage('restore', () => dropDatabase(admin, name), `could not drop scratch database ${name}: `);
  } finally {
    await dump.remove();
  }
  const verification: BackupVerification = {
    format: 'matterops-verification/v1',
    backupId: config.backupId,
    verifiedAt: deps.now().toISOString(),
    // The scratch database is named for this drill by the bot (one per drill Job).
    drillId: name,
    rowCounts: counts,
  };
  const keys = backupKeys(config.s3.prefix, config.installation, config.backupId);
  await atStage('upload', () => putJson(deps.s3, bucket, keys.verification, verification), 'could not write the verification: ');
  return {
    ok: true,
    operation: 'drill',
    backupId: config.backupId,
    sizeBytes: metadata.sizeBytes,
    sha256: metadata.sha256,
    durationMs: deps.now().getTime() - started,
    location,
    rowCounts: counts,
    database: name,
  };
}
