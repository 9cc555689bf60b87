/**
 * `matterops restore run`: a backup restored into a new database beside the installation's, never
 * in place (issue 11). The dump's sha256 is checked before any database is touched; the restored
 * database is verified; then the Secret pointing at it is written, last, so the bot switches to it
 * only when all of this succeeded. A failure after the database was created drops it again.
 */
import { withDatabase } from './postgres-url.ts';
import { fetchVerifiedDump } from './fetch-verified-dump.ts';
import { restoreDatabase, withDropped, type RestoreTarget } from './restore-database.ts';
import { restoreSettings, type RunnerConfig } from './runner-config.ts';
import type { RunnerDeps, RunnerSuccess } from './runner-deps.ts';
import { RunnerFailure } from './runner-failure.ts';
import { kubeErrorText, writeTargetSecret } from './target-secret.ts';

export async function runRestore(config: RunnerConfig, deps: RunnerDeps): Promise<RunnerSuccess> {
  const started = deps.now().getTime();
  const { admin, targetDatabase: name, targetSecret: secret } = restoreSettings(config);
  const { metadata, dump, location } = await fetchVerifiedDump(config, deps.s3);
  const target: RestoreTarget = { database: config.database, admin, name };
  try {
    deps.log(`restoring backup ${config.backupId} (${dump.sizeBytes} bytes, sha256 checked) into database ${name}`);
    const counts = await restoreDatabase(target, dump.path, metadata);
    const where = `${config.installation.namespace}/${secret}`;
    await writeTargetSecret(await deps.kubeConfig(), {
      namespace: config.installation.namespace,
      name: secret,
      connectionString: withDatabase(config.database.url, name),
      backupId: config.backupId,
    }).catch(async (error: unknown) => {
      throw await withDropped(target, new RunnerFailure('secret', `could not write Secret ${where}: ${kubeErrorText(error)}`));
    });
    return {
      ok: true,
      operation: 'restore',
      backupId: config.backupId,
      sizeBytes: metadata.sizeBytes,
      sha256: metadata.sha256,
      durationMs: deps.now().getTime() - started,
      location,
      rowCounts: counts,
      database: name,
      secret,
    };
  } finally {
    await dump.remove();
  }
}
