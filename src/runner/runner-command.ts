/**
 * `matterops <operation> run`, the command a runner Job's pod runs: one word after the operation,
 * everything else from the environment (runner-config.ts). Exit 0 done, 1 failed, 2 bad usage.
 */
import type { RunnerOperation } from '../core/model/backup.ts';
import { runRunner } from './run-runner.ts';

export async function runnerCommand(operation: RunnerOperation, args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] !== 'run') {
    console.error(
      `${operation} takes one word, run: matterops ${operation} run (the backup runner of a Job's pod, configured by its environment only; see matterops --help)`,
    );
    return 2;
  }
  return await runRunner(operation);
}
