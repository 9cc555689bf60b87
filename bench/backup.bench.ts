/**
 * Backup throughput (issue 11, Performance): `matterops backup run` as a Job's pod runs it (the CLI
 * as a child with only the runner's environment: snapshot, row counts, pg_dump --format=custom
 * through the sha256 counter into a multipart upload to S3, size check, metadata) against plain
 * `pg_dump --format=custom -f <file>` with the same PG* connection, same database, same run,
 * interleaved. Both read a private PostgreSQL 15 grown to each size in turn (100 MiB, then 1 GiB);
 * the runner writes to a private SeaweedFS. Throughput is database bytes (pg_database_size) per
 * second of wall clock; the runner's node process's peak RSS is measured at each size.
 *
 * Run: node bench/backup.bench.ts (BENCH_ROUNDS=3 rounds a size, BENCH_SIZES_MB=100,1024)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { newBackupId, RunnerResultSchema } from '../src/core/model/backup.ts';
import { libpqConnection } from '../src/runner/libpq-environment.ts';
import { parsePostgresUrl } from '../src/runner/postgres-url.ts';
import { s3Client } from '../test/sandbox/seaweedfs.ts';
import { createBenchSchema, growDatabase } from './backup-data.ts';
import { startBackupPeers, type BackupPeers } from './backup-peers.ts';
import { cpuSeconds, measuredRun, type MeasuredRun } from './measured-run.ts';
import { RunUsage } from './run-usage.ts';
import { interleave, percentile } from './stats.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const sizesMiB = (process.env.BENCH_SIZES_MB ?? '100,1024').split(',').map(Number);
const cli = resolve(import.meta.dirname, '..', 'src', 'cli.ts');
const MiB = 1024 * 1024;

interface SizeResult {
  databaseBytes: number;
  baselineDumpBytes: number;
  runnerDumpBytes: number;
  runnerMs: number[];
  pgDumpMs: number[];
  runner: RunUsage;
  baseline: RunUsage;
}

/** What a runner pod gets: the runner's variables (runnerEnv), PATH and HOME, nothing else. */
function runnerEnv(peers: BackupPeers, terminationLog: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DB_CONNECTION_STRING: peers.dsn,
    AWS_ACCESS_KEY_ID: peers.store.accessKeyId,
    AWS_SECRET_ACCESS_KEY: peers.store.secretAccessKey,
    MATTEROPS_S3_ENDPOINT: peers.store.endpoint,
    MATTEROPS_S3_BUCKET: peers.bucket,
    MATTEROPS_BACKUP_ID: newBackupId(new Date()),
    MATTEROPS_INSTALLATION: 'bench/mattermost',
    MATTEROPS_REQUESTED_BY: 'bench',
    MATTEROPS_TERMINATION_LOG: terminationLog,
  };
}

/** pg_dump's environment as the runner builds it for its own pg_dump: the same PG* connection. */
function baselineEnv(peers: BackupPeers): Record<string, string> {
  const { env } = libpqConnection(parsePostgresUrl(peers.dsn).params, 'bench-pg-dump');
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LC_ALL: 'C', ...env };
}

/** Runs `command` and adds what it and the store used meanwhile to `usage`. */
async function measured(peers: BackupPeers, usage: RunUsage, command: string, args: string[], env: Record<string, string>): Promise<MeasuredRun> {
  const storeBefore = cpuSeconds(peers.store.process.pid) ?? 0;
  const run = await measuredRun(command, args, env, peers.dir);
  usage.add(run, (cpuSeconds(peers.store.process.pid) ?? 0) - storeBefore);
  return run;
}

async function runnerBackup(peers: BackupPeers, usage: RunUsage): Promise<number> {
  const log = join(peers.dir, 'termination-log');
  const run = await measured(peers, usage, process.execPath, [cli, 'backup', 'run'], runnerEnv(peers, log));
  const result = RunnerResultSchema.parse(JSON.parse(readFileSync(log, 'utf8')));
  if (run.code !== 0 || !result.ok) throw new Error(`the runner failed (exit ${run.code}): ${result.ok ? run.stderr : result.error}`);
  return result.sizeBytes;
}

async function baselineDump(peers: BackupPeers, usage: RunUsage): Promise<number> {
  const file = join(peers.dir, 'baseline.dump');
  const run = await measured(peers, usage, 'pg_dump', ['--format=custom', '-f', file], baselineEnv(peers));
  if (run.code !== 0) throw new Error(`pg_dump failed (exit ${run.code}): ${run.stderr}`);
  return statSync(file).size;
}

/** Untimed, before each run: the last run's objects and file gone and its writes on disk, so no run pays for the one before. */
async function settle(peers: BackupPeers): Promise<void> {
  const client = s3Client(peers.store);
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: peers.bucket }));
    const objects = (listed.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (objects.length) await client.send(new DeleteObjectsCommand({ Bucket: peers.bucket, Delete: { Objects: objects, Quiet: true } }));
  } finally {
    client.destroy();
  }
  rmSync(join(peers.dir, 'baseline.dump'), { force: true });
  execFileSync('sync');
}

async function benchSize(peers: BackupPeers, sizeMiB: number): Promise<SizeResult> {
  const databaseBytes = growDatabase(peers.pg, peers.database, sizeMiB * MiB, (size) => console.log(`  grown to ${(size / MiB).toFixed(0)} MiB`));
  const out: SizeResult = {
    databaseBytes,
    baselineDumpBytes: 0,
    runnerDumpBytes: 0,
    runnerMs: [],
    pgDumpMs: [],
    runner: new RunUsage(),
    baseline: new RunUsage(),
  };
  const subject = async () => (out.runnerDumpBytes = await runnerBackup(peers, out.runner));
  const baseline = async () => (out.baselineDumpBytes = await baselineDump(peers, out.baseline));
  console.log(
    `  ${(databaseBytes / MiB).toFixed(1)} MiB; warm-up, then ${rounds} rounds (load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  await interleave(1, subject, baseline, () => settle(peers)); // caches warm on both sides
  const samples = await interleave(rounds, subject, baseline, () => settle(peers));
  return { ...out, runnerMs: samples.subject, pgDumpMs: samples.baseline };
}

const mib = (bytes: number): string => (bytes / MiB).toFixed(1);
const one = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1));
const seconds = (ms: number[]): string => ms.map((m) => (m / 1000).toFixed(2)).join(' ');

function reportSize(size: number, r: SizeResult): void {
  const [runnerP50, pgDumpP50] = [percentile(r.runnerMs, 50), percentile(r.pgDumpMs, 50)];
  const throughput = (ms: number): string => (r.databaseBytes / MiB / (ms / 1000)).toFixed(1);
  const columns = [
    `${mib(r.databaseBytes)} (${size})`,
    `${mib(r.runnerDumpBytes)}, ${mib(r.baselineDumpBytes)}`,
    (runnerP50 / 1000).toFixed(2),
    (pgDumpP50 / 1000).toFixed(2),
    throughput(runnerP50),
    throughput(pgDumpP50),
    (pgDumpP50 / runnerP50).toFixed(3),
    one(r.runner.peakMiB('command')),
    one(r.runner.peakMiB('tree')),
    `${one(r.runner.peakMiB('pg_dump'))}, ${one(r.baseline.peakMiB('command'))}`,
  ];
  console.log(columns.join(' | '));
  console.log(`  wall s: runner ${seconds(r.runnerMs)}; pg_dump ${seconds(r.pgDumpMs)}`);
  const [runner, plain] = [r.runner, r.baseline];
  console.log(
    `  CPU s p50: runner tree ${one(runner.cpuP50('tree'))} (node ${one(runner.cpuP50('command'))}, pg_dump ${one(runner.cpuP50('pg_dump'))}, psql ${one(runner.cpuP50('psql'))}), store ${one(runner.cpuP50('store'))}; plain pg_dump ${one(plain.cpuP50('command'))}, store ${one(plain.cpuP50('store'))}`,
  );
}

function report(results: Map<number, SizeResult>): void {
  console.log(`\nbackup of a generated database, ${rounds} rounds interleaved (node ${process.version}, ${cpus().length} cores)`);
  console.log(
    'size MiB | dump MiB (runner, pg_dump) | runner p50 s | pg_dump p50 s | runner MiB/s | pg_dump MiB/s | ratio | node peak MiB | tree peak MiB | pg_dump peak MiB (runner, plain)',
  );
  for (const [size, r] of results) reportSize(size, r);
}

function checkDisk(dir: string): void {
  const { bavail, bsize } = statfsSync(dir);
  // The database, the store (each runner dump stays until weed vacuums) and the plain dump.
  const needed = Math.max(...sizesMiB) * MiB * 4;
  if (bavail * bsize < needed) throw new Error(`${dir} has ${mib(bavail * bsize)} MiB free; the benchmark needs about ${mib(needed)} MiB`);
}

const peers = await startBackupPeers();
const stopOnSignal = () => void peers.stop().finally(() => process.exit(130));
process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);
try {
  checkDisk(peers.dir);
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${cpus().length} cores)`,
  );
  createBenchSchema(peers.pg, peers.database, peers.role);
  const results = new Map<number, SizeResult>();
  for (const size of [...sizesMiB].sort((a, b) => a - b)) {
    console.log(`size ${size} MiB`);
    results.set(size, await benchSize(peers, size));
  }
  report(results);
} finally {
  await peers.stop();
}
