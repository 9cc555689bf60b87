/**
 * The runner's configuration, read only from the variables `runnerEnv` names (the Job sets them;
 * secrets arrive through secretKeyRef) and checked all at once, so a bad Job says every problem in
 * one result. `FOO=` counts as unset. Messages name variables, never their values: a value may be
 * a DSN or a key.
 */
import { z } from 'zod';
import { backupIdPattern, runnerEnv } from '../core/model/backup.ts';
import { dnsLabelSource } from '../core/model/patterns.ts';
import type { S3Settings } from '../adapters/s3/s3-client.ts';
import { InvalidPostgresUrl, parsePostgresUrl } from './postgres-url.ts';

import type { RunnerOperation } from '../core/model/backup.ts';

export interface DatabaseSettings {
  /** The DSN as the secret holds it (the restored database's secret is this with another database). */
  url: string;
  /** libpq keywords, decoded (`user`, `password`, `host`, `dbname`, `sslmode`...). */
  params: Record<string, string>;
}

export interface RunnerConfig {
  operation: RunnerOperation;
  database: DatabaseSettings;
  /** restore and drill: a role that may create and drop databases on the same server. */
  admin: DatabaseSettings | undefined;
  s3: S3Settings;
  backupId: string;
  installation: { namespace: string; name: string };
  requestedBy: string;
  note: string | undefined;
  targetDatabase: string | undefined;
  targetSecret: string | undefined;
  /** prune: the ids to delete. */
  pruneIds: string[];
  terminationLog: string;
}

export type RunnerConfigResult = { ok: true; config: RunnerConfig } | { ok: false; error: string };

export const defaultTerminationLog = '/dev/termination-log';
/** S3-compatible stores accept any region; AWS needs the bucket's. */
const defaultRegion = 'us-east-1';

const e = runnerEnv;
const store = [e.accessKeyId, e.secretAccessKey, e.bucket, e.backupId, e.installation];
const always = [e.databaseUrl, ...store];
const requiredFor: Record<RunnerOperation, readonly string[]> = {
  // A prune only deletes objects: it is given no database.
  prune: [...store, e.pruneIds],
  backup: [...always, e.requestedBy],
  restore: [...always, e.adminDatabaseUrl, e.targetDatabase, e.targetSecret],
  drill: [...always, e.adminDatabaseUrl, e.targetDatabase],
};

function databaseUrl(name: string) {
  return z.string().transform((url, ctx): DatabaseSettings => {
    try {
      return { url, params: parsePostgresUrl(url).params };
    } catch (error) {
      if (!(error instanceof InvalidPostgresUrl)) throw error;
      ctx.addIssue({ code: 'custom', message: `${name} ${error.message}` });
      return z.NEVER;
    }
  });
}

/** Each variable's shape when it is set; whether it must be set depends on the operation. */
const VariablesSchema = z.object({
  [e.databaseUrl]: databaseUrl(e.databaseUrl).optional(),
  [e.adminDatabaseUrl]: databaseUrl(e.adminDatabaseUrl).optional(),
  [e.accessKeyId]: z.string().optional(),
  [e.secretAccessKey]: z.string().optional(),
  [e.endpoint]: z.url({ error: `${e.endpoint} must be a URL such as https://s3.example.com` }).optional(),
  [e.bucket]: z.string().optional(),
  [e.region]: z.string().optional(),
  [e.prefix]: z.string().optional(),
  [e.backupId]: z
    .string()
    .regex(backupIdPattern, { error: `${e.backupId} must look like 20261201-231800-a1b2` })
    .optional(),
  [e.installation]: z
    .string()
    .regex(new RegExp(`^${dnsLabelSource}/${dnsLabelSource}$`), { error: `${e.installation} must be namespace/name` })
    .optional(),
  [e.requestedBy]: z.string().optional(),
  [e.note]: z.string().optional(),
  // Derived by the bot from the installation and the backup id; created and dropped by the runner.
  [e.targetDatabase]: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: `${e.targetDatabase} must be 1 to 63 of a-z, 0-9 and _, not starting with a digit` })
    .optional(),
  [e.targetSecret]: z
    .string()
    .regex(/^(?=.{1,253}$)[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: `${e.targetSecret} must be a Kubernetes name` })
    .optional(),
  [e.terminationLog]: z.string().optional(),
  [e.pruneIds]: z
    .string()
    .regex(new RegExp(`^${backupIdPattern.source.slice(1, -1)}(,${backupIdPattern.source.slice(1, -1)})*$`), {
      error: `${e.pruneIds} must be backup ids separated by commas`,
    })
    .optional(),
});
type Variables = z.infer<typeof VariablesSchema>;

/** Where the result goes, even when nothing else could be read. */
export function terminationLogPath(env: NodeJS.ProcessEnv): string {
  return env[e.terminationLog] || defaultTerminationLog;
}

/** Problems only a whole configuration shows: the roles and databases a restore needs. */
function crossChecks(operation: RunnerOperation, v: Variables): string[] {
  if (operation === 'backup' || operation === 'prune') return [];
  const problems: string[] = [];
  const database = v[e.databaseUrl];
  if (database && !database.params.user) problems.push(`${e.databaseUrl} names no user (the role that will own the restored database)`);
  const target = v[e.targetDatabase];
  if (target && database && target === (database.params.dbname ?? database.params.user))
    problems.push(`${e.targetDatabase} is the installation's own database: a restore never goes in place`);
  return problems;
}

const idsOf = (list: string | undefined): string[] => (list ? list.split(',') : []);

function toConfig(operation: RunnerOperation, v: Variables): RunnerConfig {
  const [namespace = '', name = ''] = (v[e.installation] ?? '').split('/');
  return {
    operation,
    database: v[e.databaseUrl] as DatabaseSettings,
    admin: v[e.adminDatabaseUrl],
    s3: {
      endpoint: v[e.endpoint],
      region: v[e.region] ?? defaultRegion,
      bucket: v[e.bucket] ?? '',
      prefix: v[e.prefix] ?? '',
      accessKeyId: v[e.accessKeyId] ?? '',
      secretAccessKey: v[e.secretAccessKey] ?? '',
    },
    backupId: v[e.backupId] ?? '',
    installation: { namespace, name },
    requestedBy: v[e.requestedBy] ?? '',
    note: v[e.note],
    targetDatabase: v[e.targetDatabase],
    targetSecret: v[e.targetSecret],
    pruneIds: idsOf(v[e.pruneIds]),
    terminationLog: v[e.terminationLog] ?? defaultTerminationLog,
  };
}

export function readRunnerConfig(operation: RunnerOperation, env: NodeJS.ProcessEnv): RunnerConfigResult {
  const set = Object.fromEntries(Object.values(runnerEnv).flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  const missing = requiredFor[operation].filter((name) => !(name in set)).map((name) => `${name} is not set`);
  const parsed = VariablesSchema.safeParse(set);
  const problems = [...missing, ...(parsed.success ? crossChecks(operation, parsed.data) : parsed.error.issues.map((i) => i.message))];
  if (problems.length || !parsed.success) return { ok: false, error: problems.join('; ') };
  return { ok: true, config: toConfig(operation, parsed.data) };
}

/** Every secret value the runner was given, for the sanitiser: passwords, DSNs, keys. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  const secrets: string[] = [];
  for (const name of [e.databaseUrl, e.adminDatabaseUrl]) {
    const url = env[name];
    if (!url) continue;
    secrets.push(url);
    try {
      const password = parsePostgresUrl(url).params.password;
      if (password) secrets.push(password);
    } catch {
      // An unreadable DSN is masked whole; its parts cannot be told apart.
    }
  }
  for (const name of [e.secretAccessKey, e.accessKeyId]) if (env[name]) secrets.push(env[name]);
  return secrets;
}

/** What a restore or drill needs beyond a backup; readRunnerConfig has required it for those operations. */
export function restoreSettings(config: RunnerConfig): { admin: DatabaseSettings; targetDatabase: string; targetSecret: string } {
  const { admin, targetDatabase, targetSecret } = config;
  if (!admin || !targetDatabase) throw new Error(`${config.operation} needs ${e.adminDatabaseUrl} and ${e.targetDatabase}`);
  return { admin, targetDatabase, targetSecret: targetSecret ?? '' };
}
