/**
 * What the sandbox gives a namespace for backups (test/sandbox/backup-namespace.ts), on the real
 * apiserver and PostgreSQL: the two Secrets with the keys runner pods read, the runner's identity
 * from deploy/backup-runner-rbac.yaml with exactly its Secret rights, and a database admin that
 * may create and drop databases owned by the installations' role.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { AuthorizationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { backupStoreSecret, dbAdminSecret, prepareBackupNamespace, runnerServiceAccount, type BackupEnv } from '../sandbox/backup-namespace.ts';
import { env, kubeConfig, sandboxEnv, testNamespace } from '../support/sandbox.ts';

const admin = kubeConfig();
const core = admin.makeApiClient(CoreV1Api);
let namespace: string;

beforeAll(async () => {
  namespace = await testNamespace('backup-ns');
  await prepareBackupNamespace(admin, namespace, sandboxEnv() as BackupEnv);
});

const secretKeys = async (ns: string, name: string): Promise<string[]> =>
  Object.keys((await core.readNamespacedSecret({ name, namespace: ns })).data ?? {}).sort();

async function runnerMay(verb: string, resource: string, ns: string): Promise<boolean> {
  const review = await admin.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      spec: {
        user: `system:serviceaccount:${namespace}:${runnerServiceAccount}`,
        groups: ['system:serviceaccounts'],
        resourceAttributes: { verb, resource, namespace: ns },
      },
    },
  });
  return review.status?.allowed === true;
}

/** psql with the DSN's parts in PG* variables: a password never goes on a command line. */
function psqlAs(url: string, sql: string): string {
  const u = new URL(url);
  const pgEnv = {
    PGHOST: u.hostname,
    PGPORT: u.port,
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: u.pathname.slice(1),
  };
  return execFileSync('psql', ['-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { env: { PATH: process.env.PATH, ...pgEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();
}

describe('a namespace prepared for backups', () => {
  it('holds the store credentials and the database admin DSN under the keys runner pods read', async () => {
    expect(await secretKeys(namespace, backupStoreSecret)).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    expect(await secretKeys(namespace, dbAdminSecret)).toEqual(['DB_ADMIN_CONNECTION_STRING']);
  });

  it('the sandbox prepared chat and staging the same way', async () => {
    for (const ns of ['chat', 'staging']) {
      expect(await secretKeys(ns, backupStoreSecret)).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
      expect(await secretKeys(ns, dbAdminSecret)).toEqual(['DB_ADMIN_CONNECTION_STRING']);
      await core.readNamespacedServiceAccount({ name: runnerServiceAccount, namespace: ns });
    }
  });

  it('may be prepared again (a test may call it twice)', async () => {
    await prepareBackupNamespace(admin, namespace, sandboxEnv() as BackupEnv);
    expect(await secretKeys(namespace, backupStoreSecret)).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
  });

  it('lets the runner get, create, update and patch Secrets in its namespace, and nothing more', async () => {
    for (const verb of ['get', 'create', 'update', 'patch']) expect(await runnerMay(verb, 'secrets', namespace)).toBe(true);
    for (const verb of ['list', 'watch', 'delete']) expect(await runnerMay(verb, 'secrets', namespace)).toBe(false);
    expect(await runnerMay('get', 'secrets', 'chat')).toBe(false);
    expect(await runnerMay('create', 'pods', namespace)).toBe(false);
  });

  it('gives a database admin who may create and drop a database owned by mmuser', () => {
    const adminUrl = env('MATTEROPS_DB_ADMIN_URL');
    const db = `scratch_${randomBytes(3).toString('hex')}`;
    psqlAs(adminUrl, `CREATE DATABASE ${db} OWNER mmuser`);
    expect(psqlAs(adminUrl, `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${db}'`)).toBe('mmuser');
    psqlAs(adminUrl, `DROP DATABASE ${db}`);
    expect(psqlAs(adminUrl, `SELECT count(*) FROM pg_database WHERE datname = '${db}'`)).toBe('0');
  });
});
