/** The runner reads only runnerEnv's variables, says every problem at once, and never repeats a value. */
import { describe, expect, it } from 'vitest';
import { readRunnerConfig, secretValues, terminationLogPath } from '../../../src/runner/runner-config.ts';

const backupEnv = {
  DB_CONNECTION_STRING: 'postgres://mmuser:s3cret@db:5432/mattermost?sslmode=disable&binary_parameters=yes',
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY',
  MATTEROPS_S3_ENDPOINT: 'http://127.0.0.1:8333',
  MATTEROPS_S3_BUCKET: 'backups',
  MATTEROPS_S3_PREFIX: 'matterops/',
  MATTEROPS_BACKUP_ID: '20261201-231800-a1b2',
  MATTEROPS_INSTALLATION: 'chat/mattermost',
  MATTEROPS_REQUESTED_BY: 'alice',
};
const restoreEnv = {
  ...backupEnv,
  DB_ADMIN_CONNECTION_STRING: 'postgres://admin:adm1n@db:5432/postgres',
  MATTEROPS_TARGET_DATABASE: 'mattermost_r_20261201_231800_a1b2',
  MATTEROPS_TARGET_SECRET: 'mattermost-db-restored',
};

/** The environment without one variable. */
function without(env: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key !== name));
}

describe('readRunnerConfig', () => {
  it('reads a backup from its variables, with defaults for region, termination log and note', () => {
    const read = readRunnerConfig('backup', backupEnv);
    expect(read).toMatchObject({
      ok: true,
      config: {
        operation: 'backup',
        database: { url: backupEnv.DB_CONNECTION_STRING, params: { user: 'mmuser', dbname: 'mattermost', binary_parameters: 'yes' } },
        admin: undefined,
        s3: { endpoint: 'http://127.0.0.1:8333', region: 'us-east-1', bucket: 'backups', prefix: 'matterops/', accessKeyId: 'AKIAEXAMPLE' },
        backupId: '20261201-231800-a1b2',
        installation: { namespace: 'chat', name: 'mattermost' },
        requestedBy: 'alice',
        note: undefined,
        terminationLog: '/dev/termination-log',
      },
    });
  });

  it('names the one variable that is missing', () => {
    expect(readRunnerConfig('backup', without(backupEnv, 'MATTEROPS_S3_BUCKET'))).toEqual({ ok: false, error: 'MATTEROPS_S3_BUCKET is not set' });
  });

  it('counts FOO= as unset, and says every problem at once, never a value', () => {
    const read = readRunnerConfig('restore', {
      ...restoreEnv,
      MATTEROPS_S3_BUCKET: '',
      DB_ADMIN_CONNECTION_STRING: 'admin:adm1n@tcp(db)/postgres',
      MATTEROPS_BACKUP_ID: 'latest',
      MATTEROPS_INSTALLATION: 'mattermost',
      MATTEROPS_TARGET_DATABASE: 'Robert"; DROP',
    });
    expect(read.ok).toBe(false);
    const error = read.ok ? '' : read.error;
    expect(error.split('; ')).toEqual([
      'MATTEROPS_S3_BUCKET is not set',
      'DB_ADMIN_CONNECTION_STRING is not a postgres:// URL',
      'MATTEROPS_BACKUP_ID must look like 20261201-231800-a1b2',
      'MATTEROPS_INSTALLATION must be namespace/name',
      'MATTEROPS_TARGET_DATABASE must be 1 to 63 of a-z, 0-9 and _, not starting with a digit',
    ]);
    expect(error).not.toContain('adm1n');
  });

  it('asks a restore for the admin DSN, the target database and the Secret; a drill for no Secret', () => {
    expect(readRunnerConfig('restore', backupEnv)).toEqual({
      ok: false,
      error: 'DB_ADMIN_CONNECTION_STRING is not set; MATTEROPS_TARGET_DATABASE is not set; MATTEROPS_TARGET_SECRET is not set',
    });
    expect(readRunnerConfig('drill', without(restoreEnv, 'MATTEROPS_TARGET_SECRET')).ok).toBe(true);
    expect(readRunnerConfig('restore', without(restoreEnv, 'MATTEROPS_REQUESTED_BY')).ok).toBe(true);
  });

  it('refuses to restore into the installation’s own database, or without a role to own the new one', () => {
    expect(readRunnerConfig('restore', { ...restoreEnv, MATTEROPS_TARGET_DATABASE: 'mattermost' })).toEqual({
      ok: false,
      error: "MATTEROPS_TARGET_DATABASE is the installation's own database: a restore never goes in place",
    });
    expect(readRunnerConfig('drill', { ...restoreEnv, DB_CONNECTION_STRING: 'postgres://db/mattermost' })).toEqual({
      ok: false,
      error: 'DB_CONNECTION_STRING names no user (the role that will own the restored database)',
    });
  });

  it('reads nothing but its own variables', () => {
    const read = readRunnerConfig('backup', { ...backupEnv, MATTEROPS_S3_REGION: undefined, AWS_REGION: 'eu-west-1', MATTEROPS_NAMESPACE: 'other' });
    expect(read.ok && read.config.s3.region).toBe('us-east-1');
  });
});

describe('what the runner masks and where it reports', () => {
  it('knows every secret value it was given: both DSNs, their passwords, the S3 keys', () => {
    expect(secretValues(restoreEnv).sort()).toEqual(
      [
        restoreEnv.DB_CONNECTION_STRING,
        's3cret',
        restoreEnv.DB_ADMIN_CONNECTION_STRING,
        'adm1n',
        restoreEnv.AWS_SECRET_ACCESS_KEY,
        restoreEnv.AWS_ACCESS_KEY_ID,
      ].sort(),
    );
  });

  it('writes its result to /dev/termination-log unless told otherwise', () => {
    expect(terminationLogPath({})).toBe('/dev/termination-log');
    expect(terminationLogPath({ MATTEROPS_TERMINATION_LOG: '/tmp/result.json' })).toBe('/tmp/result.json');
  });
});
