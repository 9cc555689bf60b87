/**
 * backup, backups, restore, --undo and drills through the real pipeline, against the real
 * apiserver and operator, the sandbox's runner-pod harness (it runs the Jobs' `matterops ...
 * run` as processes), its SeaweedFS and the PostgreSQL the sandbox Mattermost server really uses:
 * a post written through Mattermost before the backup is in the database the restore makes, and
 * the installation ends stable on it. Also: the lock refuses a second backup, and a matterops
 * killed mid-restore is resumed at the step its record names, reporting once.
 */
import { execFileSync, spawn } from 'node:child_process';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { renderTerminal } from '../../src/adapters/terminal/render-terminal.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import type { App } from '../../src/app.ts';
import { createApp } from '../../src/main.ts';
import { prepareBackupNamespace } from '../sandbox/backup-namespace.ts';
import { createInstallation, readInstallation, waitStable } from '../sandbox/installations.ts';
import { MattermostRest } from '../sandbox/mattermost-rest.ts';
import { repoRoot } from '../sandbox/paths.ts';
import { waitFor } from '../sandbox/wait.ts';
import { env, kubeConfig, testNamespace } from '../support/sandbox.ts';
import { BatchV1Api } from '@kubernetes/client-node';
import { installationPods } from '../support/pods.ts';
import { patchInstallation } from '../support/steer.ts';

const admin = kubeConfig();
const caller = { id: 'terminal:tester', name: 'tester', via: 'terminal' as const };
let namespace = '';
let app: App;
const marker = `restore-marker-${Date.now().toString(36)}`;

function configFor(extra: Record<string, string> = {}): Record<string, string> {
  return {
    MATTEROPS_KUBECONFIG: env('KUBECONFIG'),
    MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
    MATTEROPS_NAMESPACE: namespace,
    MATTEROPS_POLICY: env('MATTEROPS_POLICY'),
    MATTEROPS_FOLLOW_TIMEOUT: '120s',
    MATTEROPS_LOCK_SECONDS: '3',
    MATTEROPS_SIGNING_KEY: env('MATTEROPS_SIGNING_KEY'),
    // Locks in a state namespace of its own: `matterops resume` below must resume this file's
    // changes only, not another test file's running beside it.
    MATTEROPS_STATE_NAMESPACE: namespace,
    MATTEROPS_BACKUP_S3_ENDPOINT: env('MATTEROPS_BACKUP_S3_ENDPOINT'),
    MATTEROPS_BACKUP_S3_BUCKET: env('MATTEROPS_BACKUP_S3_BUCKET'),
    MATTEROPS_BACKUP_S3_ACCESS_KEY_ID: env('MATTEROPS_BACKUP_S3_ACCESS_KEY_ID'),
    MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY: env('MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY'),
    // Every test run has its own corner of the bucket.
    MATTEROPS_BACKUP_S3_PREFIX: `tests/${namespace}/`,
    MATTEROPS_RUNNER_IMAGE: 'matterops:test',
    ...extra,
  };
}

async function run(input: string, on: App = app): Promise<{ text: string; error: string | undefined }> {
  const { reply } = await on.pipeline.run(input, caller, {});
  return { text: renderTerminal(reply, { color: false }), error: reply.error };
}

/** psql as the database admin, on one database of the sandbox server. */
function sql(database: string, query: string): string {
  const url = new URL(env('MATTEROPS_DB_ADMIN_URL'));
  url.pathname = `/${database}`;
  return execFileSync('psql', [url.toString(), '-X', '-qAt', '-c', query], { stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();
}

const idOf = (text: string): string => /backup (\d{8}-\d{6}-[0-9a-f]{4}):/.exec(text)?.[1] ?? '';
const secretOf = async (name: string): Promise<string> =>
  ((await readInstallation(admin, namespace, name)) as { spec?: { database?: { external?: { secret?: string } } } }).spec?.database?.external?.secret ?? '';

/** Where each running pod of the installation takes MM_SQLSETTINGS_DATASOURCE from: its Secret's name, or `value`. */
async function dataSourceSecrets(name: string): Promise<string[]> {
  const pods = (await installationPods(admin, namespace, name)).filter((p) => !p.metadata?.deletionTimestamp);
  return pods.map((p) => {
    const env = p.spec?.containers.find((c) => c.name === 'mattermost')?.env?.find((e) => e.name === 'MM_SQLSETTINGS_DATASOURCE');
    return env?.valueFrom?.secretKeyRef?.name ?? (env?.value !== undefined ? 'value' : 'none');
  });
}

beforeAll(async () => {
  namespace = await testNamespace('backups');
  await prepareBackupNamespace(admin, namespace, {
    MATTEROPS_BACKUP_S3_ACCESS_KEY_ID: env('MATTEROPS_BACKUP_S3_ACCESS_KEY_ID'),
    MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY: env('MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY'),
    MATTEROPS_DB_ADMIN_URL: env('MATTEROPS_DB_ADMIN_URL'),
  });
  app = createApp(loadConfig(configFor()), { logger: silentLogger });
  // The installations use the database the sandbox Mattermost server itself serves from, with the
  // parameter Mattermost's own DSNs carry and pg_dump rejects.
  const databaseUrl = `${env('PGURL')}&binary_parameters=yes`;
  for (const name of ['restored', 'killed']) {
    await createInstallation(admin, { namespace, name, version: '9.9.0', replicas: 2, databaseUrl, ingress: false });
  }
  await Promise.all(['restored', 'killed'].map((n) => waitStable(admin, namespace, n)));
  const alice = new MattermostRest(env('MM_URL'), env('MM_TOKEN_ALICE'));
  await alice.call('POST', '/posts', { channel_id: env('MM_CHANNEL_OPS'), message: marker });
}, 120_000);

afterAll(() => {
  for (const database of sql('postgres', `SELECT datname FROM pg_database WHERE datname LIKE 'restored_%' OR datname LIKE 'killed_%'`)
    .split('\n')
    .filter(Boolean)) {
    sql('postgres', `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
});

describe('backups against the real peers', () => {
  let backupId = '';

  it('backup dumps the database Mattermost serves from and reports id, size, sha256 and place', async () => {
    const { text, error } = await run('backup restored --note "before restore test" --yes');
    expect(error).toBeUndefined();
    backupId = idOf(text);
    expect(backupId).not.toBe('');
    expect(text).toMatch(
      new RegExp(
        `backup ${backupId}: [\\d.]+ [kMG]?B, sha256 [0-9a-f]{16}…, [\\d.]+ s, s3://${env('MATTEROPS_BACKUP_S3_BUCKET')}/tests/${namespace}/${namespace}/restored/${backupId}/dump.pgcustom`,
      ),
    );
    const catalog = await run('backups restored');
    expect(catalog.text).toMatch(new RegExp(`${backupId}\\s+\\S+ ago\\s+[\\d.]+ [kMG]?B\\s+tester\\s+before restore test\\s+ok`));
  }, 120_000);

  it('the lock refuses a second backup while one runs, naming who holds it', async () => {
    const [first, second] = await Promise.all([run('backup restored --yes'), new Promise((r) => setTimeout(r, 700)).then(() => run('backup restored --yes'))]);
    expect(first.error).toBeUndefined();
    expect(second.text).toContain('backup in progress on restored by tester');
  }, 120_000);

  it('a drill restores the latest backup into a scratch database, verifies it, drops it and marks the backup verified', async () => {
    const { text, error } = await run('backup restored --drill --yes');
    expect(error).toBeUndefined();
    expect(text).toContain('verified and dropped');
    expect(sql('postgres', `SELECT count(*) FROM pg_database WHERE datname LIKE 'restored_drill_%'`)).toBe('0');
    expect((await run('backups restored')).text).toMatch(/verified \d{4}-\d{2}-\d{2}/);
  }, 120_000);

  it('restore without the typed name changes nothing', async () => {
    const planned = await run(`restore restored ${backupId}`);
    expect(planned.text).toContain('confirm');
    expect(await secretOf('restored')).toBe('restored-db');
    const jobs = await admin.makeApiClient(BatchV1Api).listNamespacedJob({ namespace, labelSelector: 'matterops.io/operation=restore' });
    expect(jobs.items).toEqual([]);
  });

  it('restore puts the post in a new database and the installation stable on it; --undo puts the old one back', async () => {
    const { text, error } = await run(`restore restored ${backupId} --confirm restored`);
    expect(error, text).toBeUndefined();
    expect(text).toMatch(/restore \S+\/restored: done, stable 2\/2/);
    const secret = await secretOf('restored');
    expect(secret).toMatch(/^restored-db-restored-/);
    // The real operator mounts the DataSource from the database Secret: matterops says so, writes no env, and checked the pods.
    expect(text).toContain('The operator mounts MM_SQLSETTINGS_DATASOURCE from the database Secret');
    expect(text).toContain(`MM_SQLSETTINGS_DATASOURCE comes from Secret ${secret} on all 2 pods`);
    expect(await dataSourceSecrets('restored')).toEqual([secret, secret]);
    const database = sql('postgres', `SELECT datname FROM pg_database WHERE datname LIKE 'restored_restore_%'`);
    expect(database).not.toBe('');
    expect(sql(database, `SELECT message FROM posts WHERE message = '${marker}'`)).toBe(marker);
    await waitStable(admin, namespace, 'restored');
    const undo = await run('restore restored --undo --confirm restored');
    expect(undo.error, undo.text).toBeUndefined();
    expect(await secretOf('restored')).toBe('restored-db');
  }, 180_000);

  it("where the CR's own env sets the DataSource (it wins over the operator's), the restore points it at the new Secret, and --undo at the old", async () => {
    const literal = 'postgres://mmuser:not-this-one@old-host:5432/mattermost?sslmode=disable';
    await patchInstallation(admin, namespace, 'restored', { mattermostEnv: [{ name: 'MM_SQLSETTINGS_DATASOURCE', value: literal }] });
    await waitStable(admin, namespace, 'restored');
    await waitFor(async () => ((await dataSourceSecrets('restored')).join() === 'value,value' ? true : undefined), {
      what: 'pods with the literal DataSource',
      timeoutMs: 60_000,
    });
    const { text, error } = await run(`restore restored ${backupId} --confirm restored`);
    expect(error, text).toBeUndefined();
    expect(text).not.toContain('not-this-one');
    expect(text).toContain("The installation's own MM_SQLSETTINGS_DATASOURCE (in spec.mattermostEnv) wins over the operator's");
    const secret = await secretOf('restored');
    expect(await dataSourceSecrets('restored')).toEqual([secret, secret]);
    await waitStable(admin, namespace, 'restored');
    const undo = await run('restore restored --undo --confirm restored');
    expect(undo.error, undo.text).toBeUndefined();
    expect(await dataSourceSecrets('restored')).toEqual(['restored-db', 'restored-db']);
  }, 180_000);

  it('a matterops killed mid-restore is resumed at the step it reached and reports once', async () => {
    const made = await run('backup killed --yes');
    expect(made.error, made.text).toBeUndefined();
    const id = idOf(made.text);
    const processEnv = { ...process.env, ...configFor(), KUBECONFIG: env('KUBECONFIG') };
    const first = spawn(process.execPath, ['src/cli.ts', 'run', `restore killed ${id} --confirm killed`], { cwd: repoRoot, env: processEnv, stdio: 'ignore' });
    const batch = admin.makeApiClient(BatchV1Api);
    await waitFor(
      async () =>
        (await batch.listNamespacedJob({ namespace, labelSelector: 'matterops.io/operation=restore,matterops.io/installation=killed' })).items.length > 0 ||
        undefined,
      {
        what: 'the restore Job',
        timeoutMs: 60_000,
      },
    );
    first.kill('SIGKILL');
    const resumed = spawn(process.execPath, ['src/cli.ts', 'resume'], { cwd: repoRoot, env: processEnv });
    let out = '';
    resumed.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number>((r) => resumed.on('exit', (c) => r(c ?? -1)));
    expect(out, out).toContain('done after a matterops restart');
    expect(out.match(/after a matterops restart/g)).toHaveLength(1);
    expect(code).toBe(0);
    expect(await secretOf('killed')).toMatch(/^killed-db-restored-/);
    await waitStable(admin, namespace, 'killed');
    const audit = (await run('audit killed --since 1h')).text;
    expect(audit).toMatch(/\(after a matterops restart\)/);
  }, 240_000);

  it('prune deletes exactly what its dry run listed, and the catalog says they were pruned', async () => {
    expect((await run('backup restored --note "one more" --yes')).error).toBeUndefined(); // at least three, whatever ran before
    const keepTwo = createApp(loadConfig(configFor({ MATTEROPS_BACKUP_KEEP_LAST: '2' })), { logger: silentLogger });
    const before = (await run('backups restored', keepTwo)).text;
    const ids = [...before.matchAll(/^(\d{8}-\d{6}-[0-9a-f]{4})\s.*\b(ok|verified)\b/gm)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(2);
    const dry = await run('backups restored --prune --dry-run', keepTwo);
    const listed = [...dry.text.matchAll(/^- (\d{8}-\d{6}-[0-9a-f]{4}):/gm)].map((m) => m[1]!);
    expect(listed.sort()).toEqual(ids.slice(2).sort());
    const done = await run('backups restored --prune --confirm restored', keepTwo);
    expect(done.error, done.text).toBeUndefined();
    expect(done.text).toContain(`pruned ${listed.length} backup`);
    const after = (await run('backups restored', keepTwo)).text;
    for (const id of listed) expect(after).toMatch(new RegExp(`${id}.*pruned: pruned by tester`));
    for (const id of ids.slice(0, 2)) expect(after).toMatch(new RegExp(`${id}.*\\b(ok|verified)`));
  }, 120_000);

  it('a runner image no node can pull fails the backup in about 30 s, saying what to set, and frees the lock', async () => {
    const unpullable = createApp(loadConfig(configFor({ MATTEROPS_RUNNER_IMAGE: 'registry.invalid/matterops:nowhere' })), { logger: silentLogger });
    const started = Date.now();
    const { text, error } = await run('backup restored --yes', unpullable);
    expect(error, text).toBeDefined();
    expect(text).toMatch(/cannot start: ImagePullBackOff: Back-off pulling image "registry\.invalid\/matterops:nowhere" \(for \d+ s\)/);
    expect(text).toContain('set MATTEROPS_RUNNER_IMAGE to an image the cluster can pull');
    expect(Date.now() - started).toBeLessThan(90_000); // not the runner's 2 h deadline
    expect((await run('backup restored --yes')).error).toBeUndefined(); // the lock was given back
  }, 150_000);
});
