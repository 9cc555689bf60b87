/**
 * SeaweedFS as the S3-compatible store backups go to, with the verified flags of
 * ../shared/reference/real-peers.md (section 7): one `weed server` (master, volume, filer, S3
 * gateway) on loopback, its one identity's random keys in a 0600 file, never in argv.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { bin } from './paths.ts';
import { freePortWithTwin } from './ports.ts';
import { startProcess, stopProcess, type StartedProcess } from './processes.ts';
import { waitFor } from './wait.ts';

/** Where and as whom to reach an S3 store: what the backup runner and the bot are given. */
export interface S3Store {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface StartedSeaweedfs extends S3Store {
  process: StartedProcess;
  /** The S3 gateway's port (the endpoint's). */
  port: number;
  /** Every port it listens on (master, volume, filer, S3), each with its gRPC twin at +10000. */
  ports: number[];
}

export interface SeaweedfsOptions {
  /** Data and identities live here (created if missing). */
  dir: string;
  logDir: string;
  /** Process and log name; tests starting a private store give their own. */
  name?: string;
  /** Called as soon as the process exists, before it answers: the sandbox tracks it to stop it whatever happens next. */
  onStarted?: (process: StartedProcess) => void;
}

/** The identities file `-s3.config` reads: one identity allowed everything. */
function identities(accessKey: string, secretKey: string): string {
  return JSON.stringify({
    identities: [{ name: 'matterops', credentials: [{ accessKey, secretKey }], actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'] }],
  });
}

/**
 * weed also serves each port on a unix socket in /tmp (`seaweedfs-<role>[-grpc]-<port>.sock`, no
 * flag moves all of them) and leaves them behind when stopped: clear ours before a start and
 * after a stop, so a stale one never stands in the way of a later store on the same port.
 */
export function removeLocalSockets(ports: number[]): void {
  const ours = new Set(ports.flatMap((p) => [p, p + 10_000]).map(String));
  for (const file of readdirSync(tmpdir())) {
    const port = /^seaweedfs-[a-z0-9-]+?-(\d+)\.sock$/.exec(file)?.[1];
    if (port && ours.has(port)) rmSync(join(tmpdir(), file), { force: true });
  }
}

/** An S3 client on the store, path-style (no bucket subdomains on loopback). */
export function s3Client(store: S3Store): S3Client {
  return new S3Client({
    endpoint: store.endpoint,
    region: store.region,
    forcePathStyle: true,
    credentials: { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey },
  });
}

/** Starts SeaweedFS and returns once its S3 gateway answers ListBuckets with the new keys (~2.5 s). */
export async function startSeaweedfs(options: SeaweedfsOptions): Promise<StartedSeaweedfs> {
  const name = options.name ?? 'seaweedfs';
  mkdirSync(join(options.dir, 'data'), { recursive: true });
  const accessKeyId = randomBytes(10).toString('hex');
  const secretAccessKey = randomBytes(20).toString('hex');
  const config = join(options.dir, 'identities.json');
  writeFileSync(config, identities(accessKeyId, secretAccessKey), { mode: 0o600 });
  // Sequential: each call reserves its port and twin before the next one looks.
  const [master, volume, filer, s3] = [await freePortWithTwin(), await freePortWithTwin(), await freePortWithTwin(), await freePortWithTwin()];
  removeLocalSockets([master, volume, filer, s3]);
  const started = startProcess(name, bin('weed'), {
    log: join(options.logDir, `${name}.log`),
    args: [
      // glog's options come before the command; without this it writes log files into /tmp.
      '-logtostderr',
      'server',
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-dir=${join(options.dir, 'data')}`,
      `-master.port=${master}`,
      `-volume.port=${volume}`,
      '-filer',
      `-filer.port=${filer}`,
      '-s3',
      `-s3.port=${s3}`,
      `-s3.config=${config}`,
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
      // A volume count, not a size: each collection grows several at once, and few run out before 1 GB.
      '-volume.max=100',
      '-master.volumeSizeLimitMB=64',
      // Otherwise the master reports usage to telemetry.seaweedfs.com: a test peer looks up no outside host.
      '-master.telemetry=false',
    ],
  });
  options.onStarted?.(started);
  const store: StartedSeaweedfs = {
    process: started,
    port: s3,
    ports: [master, volume, filer, s3],
    endpoint: `http://127.0.0.1:${s3}`,
    region: 'us-east-1',
    accessKeyId,
    secretAccessKey,
  };
  const client = s3Client(store);
  try {
    await waitFor(async () => Boolean(await client.send(new ListBucketsCommand({}))), {
      what: `${name} S3 answering`,
      timeoutMs: 60_000,
      intervalMs: 200,
      log: started.log,
    });
  } catch (error) {
    await stopSeaweedfs(store); // a store that never answered is no use to anyone: do not leak it
    throw error;
  } finally {
    client.destroy();
  }
  return store;
}

export async function createBucket(store: S3Store, bucket: string): Promise<void> {
  const client = s3Client(store);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

export async function stopSeaweedfs(store: Pick<StartedSeaweedfs, 'process' | 'ports'>): Promise<void> {
  await stopProcess(store.process.pid);
  removeLocalSockets(store.ports);
}
