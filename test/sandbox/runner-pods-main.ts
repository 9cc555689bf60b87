/**
 * The runner-pod harness process, started and tracked by the sandbox (log: .sandbox/logs/runner-pods.log):
 * `node test/sandbox/runner-pods-main.ts <admin kubeconfig> <work dir> <log dir>`. Lists and watches
 * pods labelled `matterops.io/runner=job` in every namespace, runs each bound Pending one once
 * (runner-pod-process.ts), and stops a process whose pod is deleted. A failed list or a watch that
 * ends is retried with backoff, so the harness outlives apiserver hiccups.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { repoRoot } from './paths.ts';
import { runPod, type HarnessContext, type RunnerHandle } from './runner-pod-process.ts';
import { isStartable, podRef, runnerPodSelector } from './runner-pods.ts';

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
};

const handled = new Set<string>();
const running = new Map<string, RunnerHandle>();

function onPod(ctx: HarnessContext, type: string, pod: V1Pod): void {
  const uid = pod.metadata?.uid ?? '';
  if (type === 'DELETED' || pod.metadata?.deletionTimestamp) {
    running.get(uid)?.stop();
    return;
  }
  if (!isStartable(pod, handled)) return;
  handled.add(uid);
  log(`${podRef(pod)}: taking it (node ${pod.spec?.nodeName ?? '?'})`);
  const handle = runPod(ctx, pod);
  running.set(uid, handle);
  void handle.done.finally(() => running.delete(uid));
}

/** One list, then one watch from its resourceVersion until the watch ends; resolves when it does. */
async function listThenWatch(ctx: HarnessContext, announce: () => void): Promise<void> {
  const list = await ctx.kc.makeApiClient(CoreV1Api).listPodForAllNamespaces({ labelSelector: runnerPodSelector });
  for (const pod of list.items) onPod(ctx, 'ADDED', pod);
  announce();
  await new Promise<void>((resolveDone, reject) => {
    new Watch(ctx.kc)
      .watch(
        '/api/v1/pods',
        { labelSelector: runnerPodSelector, resourceVersion: list.metadata?.resourceVersion ?? '' },
        (type: string, object: unknown) => {
          if (type === 'ERROR') return log(`watch error: ${(object as { message?: string })?.message ?? 'unknown'}`);
          onPod(ctx, type, object as V1Pod);
        },
        (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolveDone()),
      )
      .catch(reject);
  });
}

async function watchForever(ctx: HarnessContext): Promise<never> {
  let announced = false;
  const announce = (): void => {
    if (!announced) log(`watching pods labelled ${runnerPodSelector} in every namespace`);
    announced = true;
  };
  let backoffMs = 500;
  for (;;) {
    const started = Date.now();
    try {
      await listThenWatch(ctx, announce);
    } catch (error) {
      log(`list or watch failed, retrying: ${(error as Error).message}`);
    }
    if (Date.now() - started > 30_000) backoffMs = 500; // it ran a while: start the backoff over
    await sleep(backoffMs);
    backoffMs = Math.min(backoffMs * 2, 10_000);
  }
}

/** Sandbox down: stop every runner (SIGTERM, then SIGKILL), then exit. */
function stopAllAndExit(): void {
  log(`stopping (${running.size} runner(s) running)`);
  for (const handle of running.values()) handle.stop();
  void Promise.race([Promise.all([...running.values()].map((h) => h.done)), sleep(6_000)]).then(() => process.exit(0));
}

function main(): void {
  const [kubeconfig, workDir, logDir] = process.argv.slice(2);
  if (!kubeconfig || !workDir || !logDir) {
    console.error('usage: node test/sandbox/runner-pods-main.ts <admin kubeconfig> <work dir> <log dir>');
    process.exit(2);
  }
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const ctx: HarnessContext = { kc, workDir, logDir, cliPath: join(repoRoot, 'src', 'cli.ts'), log };
  process.on('unhandledRejection', (reason) => log(`unhandled rejection (kept running): ${reason instanceof Error ? reason.message : String(reason)}`));
  process.once('SIGTERM', stopAllAndExit);
  process.once('SIGINT', stopAllAndExit);
  void watchForever(ctx);
}

main();
