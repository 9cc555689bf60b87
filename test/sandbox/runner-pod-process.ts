/**
 * Runs one runner pod as a local process, standing in for kubelet: resolves its environment, gets
 * its service account a token (TokenRequest, bound to the pod), starts `node src/cli.ts ...` with
 * only that, and writes the pod's status when it starts and when it ends. Values of the pod's
 * environment are never logged; only names and reasons are.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { ApiException, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { resolveEnv, type EnvSources } from './runner-pod-env.ts';
import { exitReason, notStartedStatus, runningStatus, terminatedStatus, terminationMessage, waitingStatus } from './runner-pod-status.ts';
import { podRef, processEnv, pullFailure, runnerInvocation, runnerLogName, tokenKubeconfig } from './runner-pods.ts';

export interface HarnessContext {
  /** The admin kubeconfig: the harness acts as the node (reads the pod's Secrets, writes its status). */
  kc: KubeConfig;
  /** Per-pod work directories (the token's kubeconfig, HOME, the termination log) go under it. */
  workDir: string;
  logDir: string;
  /** `<repo>/src/cli.ts` of the repository the harness runs from. */
  cliPath: string;
  log(line: string): void;
}

export interface RunnerHandle {
  /** The pod is being deleted: SIGTERM the process, SIGKILL 5 s later (a grace period). */
  stop(): void;
  done: Promise<void>;
}

const killGraceMs = 5_000;
/** How often a pod that cannot start yet is tried again (kubelet re-syncs a pod about so often). */
const retryMs = 3_000;
const tokenSeconds = 3600;

function envSources(core: CoreV1Api, namespace: string): EnvSources {
  const read = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  };
  return {
    secret: async (name) => {
      const s = await read(() => core.readNamespacedSecret({ name, namespace }));
      return s && Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    },
    configMap: async (name) => (await read(() => core.readNamespacedConfigMap({ name, namespace })))?.data ?? (undefined as Record<string, string> | undefined),
  };
}

/** The apiserver's own words from an error's Status body. */
function statusMessage(error: ApiException<unknown>): string {
  try {
    const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return (body as { message?: string } | undefined)?.message ?? '';
  } catch {
    return '';
  }
}

async function patchStatus(ctx: HarnessContext, pod: V1Pod, body: object): Promise<void> {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  try {
    await ctx.kc.makeApiClient(CoreV1Api).patchNamespacedPodStatus({ namespace, name, body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  } catch (error) {
    const code = error instanceof ApiException ? error.code : undefined;
    ctx.log(`${podRef(pod)}: could not write the pod status (${code ?? (error as Error).message})`);
  }
}

/** A token for the pod's service account, valid while the pod exists (as kubelet's projected token). */
async function serviceAccountToken(core: CoreV1Api, pod: V1Pod): Promise<string> {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.spec?.serviceAccountName || 'default';
  // Bound to the pod only when the pod names its account: the apiserver refuses to bind to a pod
  // whose serviceAccountName differs, and the sandbox runs without the ServiceAccount admission
  // plugin that would have filled in `default`.
  const boundObjectRef = pod.spec?.serviceAccountName ? { kind: 'Pod', apiVersion: 'v1', name: pod.metadata?.name, uid: pod.metadata?.uid } : undefined;
  const request = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: tokenSeconds, boundObjectRef } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`no token for service account ${namespace}/${name}`);
  return token;
}

interface Prepared {
  args: string[];
  env: Record<string, string>;
  dir: string;
  terminationLog: string;
}

/** Why a node does not start the container; `final`: it never will (the pod fails), else it tries again. */
type Refusal = { reason: string; message: string; final: boolean };

/** The container's environment and command line, or why a node would not start it. */
async function resolveContainer(ctx: HarnessContext, pod: V1Pod, attempt: number): Promise<{ args: string[]; env: Record<string, string> } | Refusal> {
  const container = pod.spec?.containers[0];
  if (!container) return { reason: 'StartError', message: 'the pod has no container', final: true };
  const pull = pullFailure(container.image ?? '', attempt);
  if (pull) return { ...pull, final: false };
  const resolved = await resolveEnv(pod, container, envSources(ctx.kc.makeApiClient(CoreV1Api), pod.metadata?.namespace ?? ''));
  if (!resolved.ok) return { reason: 'CreateContainerConfigError', message: resolved.message, final: false };
  const invocation = runnerInvocation(container, ctx.cliPath, resolved.env);
  if (!invocation.ok) return { reason: 'StartError', message: invocation.message, final: true };
  return { args: invocation.args, env: resolved.env };
}

/** The service account's kubeconfig (none when the pod opts out of a token, as it would get none). */
async function writeKubeconfig(ctx: HarnessContext, pod: V1Pod, dir: string): Promise<string | undefined> {
  if (pod.spec?.automountServiceAccountToken === false) return undefined;
  const token = await serviceAccountToken(ctx.kc.makeApiClient(CoreV1Api), pod);
  const file = join(dir, 'kubeconfig');
  const cluster = ctx.kc.getCurrentCluster();
  const rendered = tokenKubeconfig({ server: cluster?.server ?? '', caData: cluster?.caData, caFile: cluster?.caFile }, token, pod.metadata?.namespace ?? '');
  writeFileSync(file, rendered, { mode: 0o600 });
  return file;
}

/**
 * Everything the container needs before it starts, or the reason it cannot start (already written
 * to the pod): `waiting` when a node would try again (a missing Secret, an image it cannot pull),
 * undefined when the pod has failed for good.
 */
async function prepare(ctx: HarnessContext, pod: V1Pod, attempt: number): Promise<Prepared | 'waiting' | undefined> {
  const refuse = async ({ reason, message, final }: Refusal): Promise<undefined | 'waiting'> => {
    ctx.log(`${podRef(pod)}: not started: ${reason}: ${message}${final ? '' : ` (try ${attempt + 1}, again in ${retryMs / 1000} s)`}`);
    const now = new Date().toISOString();
    await patchStatus(ctx, pod, final ? notStartedStatus(pod, reason, message, now) : waitingStatus(pod, reason, message, now));
    return final ? undefined : 'waiting';
  };
  const resolved = await resolveContainer(ctx, pod, attempt);
  if ('reason' in resolved) return await refuse(resolved);
  const dir = join(ctx.workDir, pod.metadata?.uid ?? 'unknown');
  mkdirSync(join(dir, 'home'), { recursive: true, mode: 0o700 });
  const terminationLog = join(dir, 'termination-log');
  writeFileSync(terminationLog, '', { mode: 0o600 });
  let kubeconfig: string | undefined;
  try {
    kubeconfig = await writeKubeconfig(ctx, pod, dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const why = error instanceof ApiException ? `HTTP ${error.code}: ${statusMessage(error)}` : (error as Error).message;
    return await refuse({ reason: 'CreateContainerConfigError', message: `no token for the service account: ${why}`, final: false });
  }
  return { args: resolved.args, env: processEnv(resolved.env, { home: join(dir, 'home'), kubeconfig, terminationLog }), dir, terminationLog };
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

const readOr = (file: string, fallback: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
};

function startProcessFor(ctx: HarnessContext, pod: V1Pod, prepared: Prepared): { child: ChildProcess; log: string } {
  const log = join(ctx.logDir, runnerLogName(pod.metadata?.namespace ?? '', pod.metadata?.name ?? ''));
  const fd = openSync(log, 'a');
  try {
    const child = spawn(process.execPath, prepared.args, { env: prepared.env, cwd: join(prepared.dir, 'home'), stdio: ['ignore', fd, fd] });
    return { child, log };
  } finally {
    closeSync(fd);
  }
}

type Exit = { code: number | null; signal: NodeJS.Signals | null; error?: Error };

/** Starts the prepared process, writes Running, waits for it to end and writes how it ended. */
async function runPrepared(ctx: HarnessContext, pod: V1Pod, prepared: Prepared, onChild: (child: ChildProcess) => void): Promise<void> {
  const container = pod.spec?.containers[0];
  const startedAt = new Date().toISOString();
  const { child, log } = startProcessFor(ctx, pod, prepared);
  onChild(child);
  const exited = new Promise<Exit>((resolveExit) => {
    child.once('error', (error) => resolveExit({ code: 128, signal: null, error }));
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  // The spec's words, never the expanded ones: $(VAR) may name a secret.
  const words = [...(container?.command ?? ['matterops']), ...(container?.args ?? [])].join(' ');
  ctx.log(`${podRef(pod)}: started pid ${child.pid ?? '?'}: ${words} (log ${log})`);
  await patchStatus(ctx, pod, runningStatus(pod, startedAt));
  const { code, signal, error } = await exited;
  const exitCode = exitCodeOf(code, signal);
  const message = error
    ? `could not start node: ${error.message}`
    : terminationMessage(readOr(prepared.terminationLog, ''), exitCode, container?.terminationMessagePolicy, () => readOr(log, ''));
  ctx.log(`${podRef(pod)}: exited ${exitCode}${signal ? ` (${signal})` : ''}`);
  const finishedAt = new Date().toISOString();
  await patchStatus(ctx, pod, terminatedStatus(pod, { exitCode, reason: error ? 'StartError' : exitReason(exitCode), message, startedAt, finishedAt }));
}

const hasEnded = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Takes the pod: prepares it, runs its process, reports its end. `done` settles once its last status is written. */
export function runPod(ctx: HarnessContext, pod: V1Pod): RunnerHandle {
  let stopping = false;
  let child: ChildProcess | undefined;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const running = child;
    if (!running || hasEnded(running)) return;
    ctx.log(`${podRef(pod)}: pod deleted: SIGTERM to pid ${running.pid ?? '?'}`);
    running.kill('SIGTERM');
    setTimeout(() => {
      if (!hasEnded(running)) running.kill('SIGKILL');
    }, killGraceMs).unref();
  };
  const done = (async () => {
    let prepared = await prepare(ctx, pod, 0);
    for (let attempt = 1; prepared === 'waiting'; attempt++) {
      await new Promise((r) => setTimeout(r, retryMs));
      if (stopping) return;
      prepared = await prepare(ctx, pod, attempt);
    }
    if (!prepared) return;
    try {
      if (!stopping) await runPrepared(ctx, pod, prepared, (c) => (child = c));
    } finally {
      rmSync(prepared.dir, { recursive: true, force: true }); // the token goes with it
    }
  })().catch((error: unknown) => ctx.log(`${podRef(pod)}: harness error: ${(error as Error).message}`));
  return { stop, done };
}
