/**
 * The matterops image (Dockerfile, built by scripts/image.sh in CI) run by podman on the host's
 * network against the sandbox, as a user would run it: `version`; `register` and `serve` with the
 * bot's own kubeconfig only, a slash `/k8s status` answered, the HEALTHCHECK healthy; and the
 * backup runner from the same image, a `backup run` of the sandbox Mattermost's database into the
 * sandbox SeaweedFS, read back from the store; the companion plugin's tarball for its version, the
 * very bytes `make plugin` builds from these sources, installed and enabled on the sandbox
 * Mattermost by `plugin install` without --file from the image. Secrets reach the container as
 * `-e NAME` only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { MattermostApi } from '../../src/adapters/mattermost/mattermost-api.ts';
import { pluginStatus } from '../../src/adapters/mattermost/plugin-install.ts';
import { companionPluginId } from '../../src/adapters/mattermost/plugin-presence.ts';
import { readPluginManifest } from '../../src/adapters/mattermost/plugin-tarball.ts';
import { createS3BackupStore } from '../../src/adapters/s3/s3-backup-store.ts';
import { createS3Client } from '../../src/adapters/s3/s3-client.ts';
import { newBackupId, RunnerResultSchema } from '../../src/core/model/backup.ts';
import { silentLogger } from '../../src/core/ports/logger.ts';
import { freePort } from '../sandbox/ports.ts';
import { httpOk, waitFor } from '../sandbox/wait.ts';
import { passEnv, podman, podmanProcess, testImage } from '../support/podman.ts';
import { env, kubeConfig } from '../support/sandbox.ts';
import { slashReply } from '../support/slash-reply.ts';
import { buildPluginTarball } from '../../webapp/plugin-tarball.ts';

const dir = mkdtempSync(join(tmpdir(), 'matterops-image-'));
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const container = `matterops-e2e-${randomBytes(3).toString('hex')}`;
chmodSync(dir, 0o755);

/** A kubeconfig with the bot's context alone (README: never give serve more), readable by the image's user. */
function botKubeconfig(): string {
  const bot = kubeConfig('sandbox-bot');
  const context = bot.getContextObject('sandbox-bot')!;
  const cluster = bot.getCluster(context.cluster)!;
  const user = bot.getUser(context.user)!;
  const only = new KubeConfig();
  const caData = Buffer.from(readFileSync(cluster.caFile!)).toString('base64');
  only.loadFromOptions({
    clusters: [{ name: cluster.name, server: cluster.server, caData, skipTLSVerify: false }],
    users: [user],
    contexts: [context],
    currentContext: context.name,
  });
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, only.exportConfig(), { mode: 0o644 });
  return path;
}

beforeAll(async () => {
  await podman('podman_', ['image', 'exists', testImage]).catch(() => {
    throw new Error(`the image ${testImage} is not built: run bash scripts/image.sh (.ci/run does)`);
  });
});
afterAll(async () => {
  await podman('podman_', ['rm', '--force', '--ignore', container]);
});

describe('the matterops image', () => {
  it('says its version, as the non-root user', async () => {
    const { stdout } = await podman('podman_run', ['--rm', testImage, 'version']);
    expect(stdout.trim()).toBe(version);
    const { stdout: id } = await podman('podman_run', ['--rm', '--entrypoint', 'id', testImage, '-u']);
    expect(id.trim()).toBe('10001');
  });

  it('registers, serves, answers a slash /k8s status, and its HEALTHCHECK says healthy', async () => {
    const listen = `127.0.0.1:${await freePort()}`;
    const registerEnv = { MM_URL: env('MM_URL'), MM_ADMIN_TOKEN: env('MM_ADMIN_TOKEN'), MATTEROPS_PUBLIC_URL: `http://${listen}` };
    const { stdout } = await podman('podman_run', ['--rm', ...passEnv(registerEnv), testImage, 'register'], registerEnv);
    const written = Object.fromEntries([...stdout.matchAll(/^export ([A-Z_]+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(written.MATTEROPS_HTTP_LISTEN).toBe(listen);

    const serveEnv = {
      ...written,
      KUBECONFIG: '/config/kubeconfig',
      MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
      MATTEROPS_NAMESPACE: env('MATTEROPS_NAMESPACE'),
      MATTEROPS_POLICY: '/config/policy.yaml',
      MATTEROPS_SIGNING_KEY: env('MATTEROPS_SIGNING_KEY'),
      MATTEROPS_LOG_LEVEL: 'warn',
    };
    writeFileSync(join(dir, 'policy.yaml'), readFileSync(env('MATTEROPS_POLICY')), { mode: 0o644 });
    botKubeconfig();
    const bot = podmanProcess(['--name', container, '-v', `${dir}:/config:ro`, ...passEnv(serveEnv), testImage, 'serve'], serveEnv);
    await waitFor(() => httpOk(`http://${listen}/readyz`), { what: `the image's serve ready on ${listen}`, timeoutMs: 90_000 }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; output:\n${bot.output()}`);
    });
    expect(await slashReply('MM_TOKEN_ALICE', '/k8s status mattermost', /chat\/mattermost: stable/)).toContain('replicas');
    await podman('podman_', ['healthcheck', 'run', container]); // rejects unless healthy
    const { stdout: ps } = await podman('podman_', ['ps', '--filter', `name=${container}`, '--format', '{{.Command}}']);
    expect(ps).not.toMatch(/token|secret/i);
    await podman('podman_', ['stop', '--time', '20', container]);
    expect(bot.output()).not.toContain(written.MM_BOT_TOKEN!);
  });

  it('runs the backup runner: backup run of the sandbox database into the sandbox store', async () => {
    const prefix = `image-e2e-${randomBytes(3).toString('hex')}/`;
    const id = newBackupId(new Date());
    const installation = { namespace: 'chat', name: 'mattermost' };
    const runnerEnv = {
      DB_CONNECTION_STRING: `${env('PGURL')}&binary_parameters=yes`,
      AWS_ACCESS_KEY_ID: env('MATTEROPS_BACKUP_S3_ACCESS_KEY_ID'),
      AWS_SECRET_ACCESS_KEY: env('MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY'),
      MATTEROPS_S3_ENDPOINT: env('MATTEROPS_BACKUP_S3_ENDPOINT'),
      MATTEROPS_S3_REGION: env('MATTEROPS_BACKUP_S3_REGION'),
      MATTEROPS_S3_BUCKET: env('MATTEROPS_BACKUP_S3_BUCKET'),
      MATTEROPS_S3_PREFIX: prefix,
      MATTEROPS_BACKUP_ID: id,
      MATTEROPS_INSTALLATION: `${installation.namespace}/${installation.name}`,
      MATTEROPS_REQUESTED_BY: 'alice',
      MATTEROPS_TERMINATION_LOG: '/out/termination-log',
    };
    const out = mkdtempSync(join(dir, 'out-'));
    chmodSync(out, 0o777);
    const run = await podman('podman_run', ['--rm', '-v', `${out}:/out`, ...passEnv(runnerEnv), testImage, 'backup', 'run'], runnerEnv);
    const result = RunnerResultSchema.parse(JSON.parse(readFileSync(join(out, 'termination-log'), 'utf8')));
    expect(result).toMatchObject({ ok: true });
    expect(`${run.stdout}${run.stderr}`).not.toContain(runnerEnv.AWS_SECRET_ACCESS_KEY);
    const s3 = createS3Client({
      endpoint: runnerEnv.MATTEROPS_S3_ENDPOINT,
      region: runnerEnv.MATTEROPS_S3_REGION,
      accessKeyId: runnerEnv.AWS_ACCESS_KEY_ID,
      secretAccessKey: runnerEnv.AWS_SECRET_ACCESS_KEY,
      bucket: runnerEnv.MATTEROPS_S3_BUCKET,
      prefix,
    });
    const store = createS3BackupStore(s3, { bucket: runnerEnv.MATTEROPS_S3_BUCKET, prefix }, silentLogger);
    expect(await store.newestComplete(installation)).toBe(id);
    await store.remove(installation, id);
  });

  it('carries the companion plugin for its version, and plugin install from it installs and enables it on the sandbox Mattermost', async () => {
    // The tarball in the image, copied out by the image's own user, is the one this checkout's sources build.
    const out = mkdtempSync(join(dir, 'plugin-'));
    chmodSync(out, 0o777);
    const name = `${companionPluginId}-${version}.tar.gz`;
    await podman('podman_run', ['--rm', '-v', `${out}:/out`, '--entrypoint', 'cp', testImage, `/app/dist/${name}`, '/out/']);
    expect((await readPluginManifest(join(out, name))).version).toBe(version);
    const built = await buildPluginTarball(join(dir, 'built'), join(dir, 'built', 'main.js'));
    expect(sha256(join(out, name))).toBe(sha256(built.file));

    const admin = new MattermostApi(env('MM_URL'), env('MM_ADMIN_TOKEN'));
    const mmEnv = { MM_URL: env('MM_URL'), MM_ADMIN_TOKEN: env('MM_ADMIN_TOKEN') };
    // From nothing, so the image's install has to upload it (another test may have left it installed).
    await admin.call('DELETE', `/plugins/${companionPluginId}`).catch(() => undefined);
    try {
      const install = await podman('podman_run', ['--rm', ...passEnv(mmEnv), testImage, 'plugin', 'install'], mmEnv);
      expect(install.stdout.trim()).toBe(`uploaded version ${version}, enabled it; running (version ${version})`);
      expect(await pluginStatus(admin, companionPluginId)).toEqual({ id: companionPluginId, version, enabled: true, state: 'running' });
      const again = await podman('podman_run', ['--rm', ...passEnv(mmEnv), testImage, 'plugin', 'install'], mmEnv);
      expect(again.stdout.trim()).toBe(`already installed and enabled (version ${version})`);
      const status = await podman('podman_run', ['--rm', ...passEnv(mmEnv), testImage, 'plugin', 'status'], mmEnv);
      expect(status.stdout.trim()).toBe(`${companionPluginId} ${version}: enabled, running`);
      for (const run of [install, again, status]) expect(`${run.stdout}${run.stderr}`).not.toContain(mmEnv.MM_ADMIN_TOKEN);
    } finally {
      // Installed and disabled, as test/chat/companion-plugin.test.ts leaves it: other tests' bots post plain posts.
      await admin.call('POST', `/plugins/${companionPluginId}/disable`).catch(() => undefined);
    }
  });
});
