/**
 * `make sandbox`: every real peer on free loopback ports, filled with the installations, users and
 * channels the tests and a person need, then `.sandbox/env` and `.sandbox/kubeconfig`.
 * `make sandbox-down`: stops exactly the processes it recorded and removes its data.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { allocateControlPlanePorts, startApiserver, startControllers, startEtcd, waitApiserverReady } from './control-plane.ts';
import { readEnvFile, writeEnvFile } from './env-file.ts';
import { createFromYaml } from './kube-apply.ts';
import { renderKubeconfig, renderTokensCsv, type KubeIdentity } from './kubeconfig.ts';
import { createFakeNodes, kwokLogFiles, startKwok } from './kwok.ts';
import { bootstrapMattermost, type MattermostAccounts } from './mattermost-bootstrap.ts';
import { startMattermost, waitMattermostReady } from './mattermost-server.ts';
import { installOperatorCrds, startOperator } from './operator.ts';
import { bin, deployDir, envPath, kubeconfigPath, mattermostHome, peersDir, sandboxDir } from './paths.ts';
import { createPki, pkiPaths } from './pki.ts';
import { freePort } from './ports.ts';
import { createDatabase, psql, startPostgres, stopPostgres } from './postgres.ts';
import { stopProcess, type StartedProcess } from './processes.ts';
import { createInstallation, waitStable } from './installations.ts';
import { prepareBackupNamespace } from './backup-namespace.ts';
import { startRunnerPods, waitRunnerPodsWatching } from './runner-pods-harness.ts';
import { startAlertmanager, writeAlertmanagerReceiver, type StartedAlertmanager } from './alertmanager.ts';
import { createBucket, removeLocalSockets, startSeaweedfs, type StartedSeaweedfs } from './seaweedfs.ts';
import { readState, runningProcesses, writeState, type SandboxState } from './state.ts';
import { waitFor } from './wait.ts';

const token = (): string => randomBytes(16).toString('hex');
/** The apiserver's static tokens, in the data directory: a restarted apiserver reads the same file. */
const tokensCsvOf = (dataDir: string): string => join(dataDir, 'tokens.csv');

/** The bucket backups go to in the sandbox's SeaweedFS. */
export const backupBucket = 'matterops-backups';

/** SeaweedFS takes ~2.5 s to answer: started first, awaited last. Tracked at once, so a failed start stops it too. */
function startStore(dataDir: string, logs: string, track: (p: StartedProcess) => void): Promise<StartedSeaweedfs> {
  const store = startSeaweedfs({ dir: join(dataDir, 'seaweedfs'), logDir: logs, onStarted: track }).then(async (s) => {
    await createBucket(s, backupBucket);
    return s;
  });
  store.catch(() => undefined); // awaited below; avoid an unhandled rejection while the rest starts
  return store;
}

function identities(): KubeIdentity[] {
  return [
    { user: 'admin', token: token(), groups: ['system:masters'], context: 'sandbox' },
    { user: 'matterops', token: token(), groups: ['matterops'], context: 'sandbox-bot' },
    ...['alice', 'bob', 'mallory'].map((u) => ({ user: u, token: token(), groups: ['sandbox-users'], context: `sandbox-${u}` })),
  ];
}

function assertPeersBuilt(): void {
  const missing = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'mattermost-operator', 'weed', 'alertmanager', 'amtool']
    .map(bin)
    .concat(join(mattermostHome, 'bin', 'mattermost'))
    .filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`peers are not built (missing ${missing.join(', ')}): run make peers (builds into ${peersDir})`);
}

export interface UpResult {
  alreadyRunning: boolean;
  readyMs: number;
  env: Record<string, string>;
}

/** Starts the sandbox, or says it is already running and changes nothing. */
export async function up(log: (line: string) => void = console.log): Promise<UpResult> {
  const existing = readState();
  if (existing && runningProcesses(existing).length === existing.processes.length && existsSync(envPath)) {
    return { alreadyRunning: true, readyMs: existing.readyMs ?? 0, env: {} };
  }
  if (existing) await down(() => undefined); // a half-dead sandbox: clear it before starting anew
  assertPeersBuilt();
  const t0 = Date.now();
  mkdirSync(join(sandboxDir, 'logs'), { recursive: true });
  const state: SandboxState = { dataDir: mkdtempSync(join(tmpdir(), 'matterops-sandbox-')), startedAt: new Date().toISOString(), processes: [] };
  const track = (p: StartedProcess): void => {
    state.processes.push(p);
    writeState(state);
  };
  // Traversable but not listable: PostgreSQL runs as its own user and must reach its subdirectory.
  chmodSync(state.dataDir, 0o711);
  writeState(state);
  try {
    const env = await startAll(state, track, log);
    state.readyMs = Date.now() - t0;
    writeState(state);
    return { alreadyRunning: false, readyMs: state.readyMs, env };
  } catch (error) {
    log(`sandbox failed to start: ${(error as Error).message}`);
    await down(() => undefined, { keepLogs: true });
    throw error;
  }
}

async function startAll(state: SandboxState, track: (p: StartedProcess) => void, log: (line: string) => void): Promise<Record<string, string>> {
  const logs = join(sandboxDir, 'logs');
  const ports = await allocateControlPlanePorts();
  const mmPort = await freePort();
  const pgPort = await freePort();
  const pki = createPki(state.dataDir);
  const ids = identities();
  const admin = ids[0]!;
  const tokensCsv = tokensCsvOf(state.dataDir);
  writeFileSync(tokensCsv, renderTokensCsv(ids), { mode: 0o600 });
  const server = `https://127.0.0.1:${ports.apiserver}`;
  writeFileSync(kubeconfigPath, renderKubeconfig(server, pki.caCert, ids, 'sandbox'), { mode: 0o600 });

  track(startEtcd(state.dataDir, logs, ports));
  const storeReady = startStore(state.dataDir, logs, track);
  // Where `make run` serves the bot, and so where the sandbox's Alertmanager delivers.
  const botPort = await freePort();
  const alerts = await startSandboxAlertmanager(state.dataDir, logs, botPort, track);
  state.postgres = startPostgres(join(state.dataDir, 'postgres'), pgPort);
  writeState(state);
  const dbPassword = token();
  psql(state.postgres, `CREATE ROLE mmuser LOGIN PASSWORD '${dbPassword}'`);
  createDatabase(state.postgres, 'mattermost', 'mmuser');
  const pgUrl = (db: string): string => `postgres://mmuser:${dbPassword}@127.0.0.1:${pgPort}/${db}?sslmode=disable&connect_timeout=10`;
  // Restores and drills create databases owned by mmuser (and drop them): PostgreSQL 15 asks for
  // membership in the owner role for both.
  const adminPassword = token();
  psql(state.postgres, `CREATE ROLE mmadmin LOGIN CREATEDB PASSWORD '${adminPassword}'`);
  psql(state.postgres, 'GRANT mmuser TO mmadmin');
  const dbAdminUrl = `postgres://mmadmin:${adminPassword}@127.0.0.1:${pgPort}/postgres?sslmode=disable`;
  state.mattermost = { dir: join(state.dataDir, 'mattermost'), port: mmPort, dataSource: pgUrl('mattermost') };
  const mm = startMattermost(state.mattermost, logs);
  track(mm);
  const mmReady = waitMattermostReady(mmPort, mm.log).then(() => bootstrapMattermost(`http://127.0.0.1:${mmPort}`));
  mmReady.catch(() => undefined); // awaited below; avoid an unhandled rejection while the cluster starts

  const apiserver = startApiserver(logs, ports, pki, tokensCsv);
  track(apiserver);
  await waitApiserverReady(ports, pki, admin.token, apiserver.log);
  const adminKubeconfig = join(state.dataDir, 'admin.kubeconfig');
  writeFileSync(adminKubeconfig, renderKubeconfig(server, pki.caCert, [admin], 'sandbox'), { mode: 0o600 });
  startControllers(logs, ports, pki, adminKubeconfig).forEach(track);
  track(await startKwok(state.dataDir, logs, adminKubeconfig, { cert: pki.serverCert, key: pki.serverKey }));
  const kc = new KubeConfig();
  kc.loadFromFile(adminKubeconfig);
  await installOperatorCrds(kc, server, pki.caCert, admin.token);
  await createFromYaml(kc, join(deployDir, 'rbac.yaml'));
  await createFromYaml(kc, join(deployDir, 'impersonation.yaml'));
  await Promise.all(['chat', 'staging'].map((ns) => kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } })));
  await createFromYaml(kc, join(import.meta.dirname, 'rbac.yaml'));
  await createFakeNodes(kc, 3);
  const harness = startRunnerPods(state.dataDir, logs, adminKubeconfig);
  track(harness);
  track(await startOperator(logs, adminKubeconfig));
  await createInstallation(kc, { namespace: 'chat', name: 'mattermost', version: '9.9.0', replicas: 2, databaseUrl: pgUrl('mattermost') });
  // Staging's database is the one the sandbox Mattermost server serves from, with the parameter
  // Mattermost's own DSNs carry: its backups hold real posts, and a restore of it has them back.
  await createInstallation(kc, {
    namespace: 'staging',
    name: 'mattermost-staging',
    version: '9.9.0',
    replicas: 1,
    databaseUrl: `${pgUrl('mattermost')}&binary_parameters=yes`,
  });
  await waitNodesReady(kc, 3);
  const accounts = await mmReady;
  await Promise.all([waitStable(kc, 'chat', 'mattermost'), waitStable(kc, 'staging', 'mattermost-staging'), waitRunnerPodsWatching(harness)]);
  const store = await storeReady;
  state.seaweedfsPorts = store.ports;
  writeState(state);
  const backup = backupEnv(store, dbAdminUrl);
  await Promise.all(['chat', 'staging'].map((ns) => prepareBackupNamespace(kc, ns, backup)));
  const env = {
    ...sandboxEnv({ ports, mmPort, pgPort, ids, accounts, pgUrl: pgUrl('mattermost'), botPort }),
    ...backup,
    ...alerts.env,
    // The container logs kwok serves for every pod: a test writes them (CRI format), the previous
    // one before it crashes a pod, the current one before it reads logs.
    KWOK_PREVIOUS_LOG: kwokLogFiles(state.dataDir).previous,
    KWOK_CURRENT_LOG: kwokLogFiles(state.dataDir).current,
  };
  writeEnvFile(envPath, env);
  log(`sandbox ready`);
  return env;
}

/**
 * The sandbox's Alertmanager (test/sandbox/alertmanager.ts), delivering to the bot `make run`
 * serves; a test points it at its own bot through the URL file. Its env: the token the bot
 * checks, where Alertmanager answers (amtool's --alertmanager.url), the receiver's files.
 */
async function startSandboxAlertmanager(dataDir: string, logs: string, botPort: number, track: (p: StartedProcess) => void) {
  const secret = token();
  const receiver = writeAlertmanagerReceiver(join(dataDir, 'alertmanager-receiver'), `http://127.0.0.1:${botPort}/hooks/alertmanager`, secret);
  const am: StartedAlertmanager = await startAlertmanager({ dir: join(dataDir, 'alertmanager'), logDir: logs, receiver, onStarted: track });
  return {
    env: {
      MATTEROPS_ALERTMANAGER_TOKEN: secret,
      ALERTMANAGER_URL: am.url,
      ALERTMANAGER_WEBHOOK_URL_FILE: receiver.urlFile,
      ALERTMANAGER_WEBHOOK_TOKEN_FILE: receiver.tokenFile,
      PORT_ALERTMANAGER: String(am.port),
    },
  };
}

async function waitNodesReady(kc: KubeConfig, count: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await waitFor(
    async () => {
      const nodes = await core.listNode();
      return nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length >= count;
    },
    { what: `${count} kwok nodes Ready`, timeoutMs: 30_000, log: join(sandboxDir, 'logs', 'kwok.log') },
  );
}

/** What backups in the sandbox need: the store, and the database admin for restores and drills. */
function backupEnv(store: StartedSeaweedfs, dbAdminUrl: string) {
  return {
    MATTEROPS_BACKUP_S3_ENDPOINT: store.endpoint,
    MATTEROPS_BACKUP_S3_BUCKET: backupBucket,
    MATTEROPS_BACKUP_S3_REGION: store.region,
    MATTEROPS_BACKUP_S3_ACCESS_KEY_ID: store.accessKeyId,
    MATTEROPS_BACKUP_S3_SECRET_ACCESS_KEY: store.secretAccessKey,
    MATTEROPS_DB_ADMIN_URL: dbAdminUrl,
    PORT_S3: String(store.port),
  };
}

interface EnvInputs {
  ports: Awaited<ReturnType<typeof allocateControlPlanePorts>>;
  mmPort: number;
  pgPort: number;
  ids: KubeIdentity[];
  accounts: MattermostAccounts;
  pgUrl: string;
  botPort: number;
}

function sandboxEnv(i: EnvInputs): Record<string, string> {
  const kubeTokens = Object.fromEntries(i.ids.map((id) => [`KUBE_TOKEN_${id.user.toUpperCase()}`, id.token]));
  const mmTokens = Object.fromEntries(Object.entries(i.accounts.userTokens).map(([u, t]) => [`MM_TOKEN_${u.toUpperCase()}`, t]));
  return {
    KUBECONFIG: kubeconfigPath,
    MATTEROPS_KUBE_CONTEXT: 'sandbox-bot',
    MATTEROPS_NAMESPACE: 'chat',
    MATTEROPS_POLICY: join(import.meta.dirname, 'policy.yaml'),
    MATTEROPS_SIGNING_KEY: randomBytes(24).toString('hex'),
    // Where `make run` serves the bot: fixed per sandbox, so registering again changes nothing.
    MATTEROPS_HTTP_LISTEN: `127.0.0.1:${i.botPort}`,
    KUBE_API_URL: `https://127.0.0.1:${i.ports.apiserver}`,
    ...kubeTokens,
    MM_URL: `http://127.0.0.1:${i.mmPort}`,
    MM_TEAM: 'ops',
    MM_TEAM_ID: i.accounts.teamId,
    MM_ADMIN_TOKEN: i.accounts.adminToken,
    MM_BOT_TOKEN: i.accounts.botToken,
    MM_BOT_USER_ID: i.accounts.botUserId,
    ...mmTokens,
    MM_PASSWORD: i.accounts.password,
    ...Object.fromEntries(Object.entries(i.accounts.userIds).map(([u, id]) => [`MM_USER_ID_${u.toUpperCase()}`, id])),
    ...Object.fromEntries(Object.entries(i.accounts.channelIds).map(([n, id]) => [`MM_CHANNEL_${n.toUpperCase().replace('-', '_')}`, id])),
    PGURL: i.pgUrl,
    PORT_ETCD: String(i.ports.etcd),
    PORT_APISERVER: String(i.ports.apiserver),
    PORT_CONTROLLER_MANAGER: String(i.ports.controllerManager),
    PORT_SCHEDULER: String(i.ports.scheduler),
    PORT_MATTERMOST: String(i.mmPort),
    PORT_POSTGRES: String(i.pgPort),
    MATTEROPS_PEERS_DIR: peersDir,
  };
}

/** Stops every process the sandbox recorded (reverse start order), then removes its data. */
export async function down(log: (line: string) => void = console.log, options: { keepLogs?: boolean } = {}): Promise<boolean> {
  const state = readState();
  if (!state) {
    log('no sandbox is running');
    return false;
  }
  for (const p of [...state.processes].reverse()) {
    await stopProcess(p.pid);
    log(`stopped ${p.name} (pid ${p.pid})`);
  }
  if (state.postgres && existsSync(state.postgres.dataDir)) {
    try {
      stopPostgres(state.postgres);
      log('stopped postgres');
    } catch {
      /* already stopped */
    }
  }
  if (state.seaweedfsPorts) removeLocalSockets(state.seaweedfsPorts);
  rmSync(state.dataDir, { recursive: true, force: true });
  for (const f of ['state.json', 'env', 'kubeconfig']) rmSync(join(sandboxDir, f), { force: true });
  if (!options.keepLogs) rmSync(sandboxDir, { recursive: true, force: true });
  return true;
}

/**
 * Stops the sandbox's Mattermost server and starts it again on the same port and database, with
 * extra settings if given (a low rate limit); returns once it answers. For fault tests.
 */
export async function restartMattermost(settings: Record<string, string> = {}): Promise<void> {
  const state = readState();
  const index = state?.processes.findIndex((p) => p.name === 'mattermost') ?? -1;
  const old = state?.processes[index];
  if (!state?.mattermost || !old) throw new Error('no sandbox Mattermost to restart: run make sandbox');
  await stopProcess(old.pid);
  const started = startMattermost({ ...state.mattermost, settings }, join(sandboxDir, 'logs'));
  state.processes[index] = started;
  writeState(state);
  await waitMattermostReady(state.mattermost.port, started.log);
}

/**
 * Kills the sandbox's kube-apiserver (SIGKILL: its clients see their connections drop, with no
 * goodbye) and returns how to start it again: the same binary, ports, flags, certificates, tokens
 * and etcd, so every object and resourceVersion is as it was. For fault tests; etcd, the
 * controllers, kwok and the operator keep running and reconnect.
 */
export async function stopApiserver(): Promise<{ start: () => Promise<void> }> {
  const state = readState();
  const index = state?.processes.findIndex((p) => p.name === 'kube-apiserver') ?? -1;
  const old = state?.processes[index];
  if (!state || !old) throw new Error('no sandbox kube-apiserver to stop: run make sandbox');
  const env = readEnvFile(envPath);
  const ports = { ...(await allocateControlPlanePorts()), apiserver: Number(env.PORT_APISERVER), etcd: Number(env.PORT_ETCD) };
  const pki = pkiPaths(state.dataDir);
  await stopProcess(old.pid, 'SIGKILL', 0);
  return {
    start: async () => {
      const started = startApiserver(join(sandboxDir, 'logs'), ports, pki, tokensCsvOf(state.dataDir));
      state.processes[index] = started;
      writeState(state);
      await waitApiserverReady(ports, pki, env.KUBE_TOKEN_ADMIN ?? '', started.log);
    },
  };
}

/**
 * Stops the sandbox's kube-controller-manager and kube-scheduler and starts them again (new
 * ports of their own, the same kubeconfig). After an apiserver restart the real controller-manager
 * was slow to catch up ("read version ... is not as new as written version": ReplicaSets unsynced
 * for over a minute), which failed the next e2e file's rollout; a fault test that restarted the
 * apiserver calls this when it is done, so the files after it find a working cluster.
 */
export async function restartControllers(): Promise<void> {
  const state = readState();
  if (!state) throw new Error('no sandbox to restart the controllers of: run make sandbox');
  const names = ['kube-controller-manager', 'kube-scheduler'];
  await Promise.all(state.processes.filter((p) => names.includes(p.name)).map((p) => stopProcess(p.pid)));
  const env = readEnvFile(envPath);
  const ports = { ...(await allocateControlPlanePorts()), apiserver: Number(env.PORT_APISERVER), etcd: Number(env.PORT_ETCD) };
  const started = startControllers(join(sandboxDir, 'logs'), ports, pkiPaths(state.dataDir), join(state.dataDir, 'admin.kubeconfig'));
  state.processes = [...state.processes.filter((p) => !names.includes(p.name)), ...started];
  writeState(state);
}

/** Kills the sandbox's kube-apiserver and starts it again as it was; returns once it is ready. */
export async function restartApiserver(): Promise<void> {
  await (await stopApiserver()).start();
}
