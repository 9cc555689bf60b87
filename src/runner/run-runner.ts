/**
 * `matterops backup run` / `restore run` / `drill run`, as a Job's pod runs them: the configuration
 * from the runner's environment only, the operation, and its result reported (report-result.ts).
 * Whatever goes wrong, including a configuration that cannot be read, ends as a result with a stage
 * and a sanitised sentence, never as a stack trace holding a DSN.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { RunnerResult } from '../core/model/backup.ts';
import { createS3Client } from '../adapters/s3/s3-client.ts';
import { runBackup } from './backup-run.ts';
import { runDrill } from './drill-run.ts';
import { reportResult, type RunnerOutput } from './report-result.ts';
import { runRestore } from './restore-run.ts';
import { runPrune } from './prune-run.ts';
import { readRunnerConfig, secretValues, terminationLogPath, type RunnerConfig, type RunnerOperation } from './runner-config.ts';
import type { RunnerDeps, RunnerSuccess } from './runner-deps.ts';
import { errorText, RunnerFailure } from './runner-failure.ts';
import { createSanitiser } from './sanitise-error.ts';

const operations: Record<RunnerOperation, (config: RunnerConfig, deps: RunnerDeps) => Promise<RunnerSuccess>> = {
  backup: runBackup,
  restore: runRestore,
  drill: runDrill,
  prune: runPrune,
};

const processOutput: RunnerOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function loadKubeConfig(): KubeConfig {
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
    result = await operations[operation](config, deps);
  } catch (error) {
    const stage = error instanceof RunnerFailure ? error.stage : 'internal';
    result = { ok: false, operation, stage, error: error instanceof RunnerFailure ? error.message : errorText(error) };
  } finally {
    s3.destroy();
  }
  return reportResult(result, config.terminationLog, output, sanitise);
}
