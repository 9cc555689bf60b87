/**
 * Starts the runner-pod harness (runner-pods-main.ts) as a tracked sandbox process and waits until
 * it watches, so a Job created right after `make sandbox` is run.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, type StartedProcess } from './processes.ts';
import { waitFor } from './wait.ts';

const mainFile = join(import.meta.dirname, 'runner-pods-main.ts');

export function startRunnerPods(dataDir: string, logDir: string, adminKubeconfig: string): StartedProcess {
  const workDir = join(dataDir, 'runner-pods');
  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  return startProcess('runner-pods', process.execPath, { args: [mainFile, adminKubeconfig, workDir, logDir], log: join(logDir, 'runner-pods.log') });
}

export async function waitRunnerPodsWatching(harness: StartedProcess): Promise<void> {
  await waitFor(() => readFileSync(harness.log, 'utf8').includes('watching pods labelled'), {
    what: 'the runner-pod harness watching',
    timeoutMs: 30_000,
    log: harness.log,
  });
}
