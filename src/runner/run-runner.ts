/**
 * `matterops backup run` / `restore run` / `drill run` / `prune run`, as a Job's pod runs them: the
 * configuration from the runner's environment only, the operation, and its result reported
 * (report-result.ts). Whatever goes wrong, including a configuration that cannot be read, ends as a
 * result with a stage and a sanitised sentence, never as a stack trace holding a DSN.
 *
 * Each operation's code is loaded only when it runs: the Kubernetes client, which only a restore
 * needs (it writes a Secret), cost every backup pod about 1 s at start and 70 MB of memory, and
 * made each garbage collection during the upload longer (BENCHMARKS.md, backup).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { RunnerResult } from '../core/model/backup.ts';
import { createS3Client } from '../adapters/s3/s3-client.ts';
import { reportResult, type RunnerOutput } from './report-result.ts';
import type { RunnerOperation } from '../core/model/backup.ts';
import { readRunnerConfig, secretValues, terminationLogPath, type RunnerConfig } from './runner-config.ts';
import type { RunnerDeps, RunnerSuccess } from './runner-deps.ts';
import { errorText, RunnerFailure } from './runner-failure.ts';
import { createSanitiser } from './sanitise-error.ts';

type Operation = (config: RunnerConfig, deps: RunnerDeps) => Promise<RunnerSuccess>;

const operations: Record<RunnerOperation, () => Promise<Operation>> = {
  backup: async () => (await import('./backup-run.ts')).runBackup,
  restore: async () => (await import('./restore-run.ts')).runRestore,
  drill: async () => (await import('./drill-run.ts')).runDrill,
  prune: async () => (await import('./prune-run.ts')).runPrune,
};

const processOutput: RunnerOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

async function loadKubeConfig(): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

export async function runRunner(operation: RunnerOperation, env: NodeJS.ProcessEnv = process.env, output: RunnerOutput = processOutput): Promise<number> {
  const sanitise = createSanitiser(secretValues(env));
  const read = readRunnerConfig(operation, env);
  if (!read.ok) return reportResult({ ok: false, operation, stage: 'config', error: read.error }, terminationLogPath(env), output, sanitise);
  const { config } = read;
  const s3 = createS3Client(config.s3);
  const deps: RunnerDeps = { s3, now: () => new Date(), log: (line) => output.stderr(`${sanitise(line)}\n`), kubeConfig: loadKubeConfig };
  let result: RunnerResult;
  try {
    const run = await operations[operation]();
    result = await run(config, deps);
  } catch (error) {
    const stage = error instanceof RunnerFailure ? error.stage : 'internal';
    result = { ok: false, operation, stage, error: error instanceof RunnerFailure ? error.message : errorText(error) };
  } finally {
    s3.destroy();
  }
  return reportResult(result, config.terminationLog, output, sanitise);
}
