/**
 * The backup runner as a Job's pod runs it: `node src/cli.ts <operation> run` as a child process,
 * with nothing in its environment but what the test gives (the runner's variables) plus PATH and
 * HOME, and its result read back from the termination log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunnerResultSchema, type RunnerResult } from '../../src/core/model/backup.ts';

const cli = resolve(import.meta.dirname, '..', '..', 'src', 'cli.ts');

export interface RunnerRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The termination log as written (empty when nothing was). */
  terminationLog: string;
  result: RunnerResult | undefined;
}

export interface StartedRunner {
  child: ChildProcess;
  done: Promise<RunnerRun>;
}

export function startRunner(operation: 'backup' | 'restore' | 'drill', env: Record<string, string>): StartedRunner {
  const dir = mkdtempSync(join(tmpdir(), 'runner-test-'));
  const terminationLog = join(dir, 'termination-log');
  const child = spawn(process.execPath, [cli, operation, 'run'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MATTEROPS_TERMINATION_LOG: terminationLog, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const done = new Promise<RunnerRun>((resolveRun, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      let log = '';
      try {
        log = readFileSync(terminationLog, 'utf8');
      } catch {
        // nothing written: the run says so by result undefined
      }
      rmSync(dir, { recursive: true, force: true });
      resolveRun({ code, stdout, stderr, terminationLog: log, result: log ? RunnerResultSchema.parse(JSON.parse(log)) : undefined });
    });
  });
  return { child, done };
}

export async function runRunner(operation: 'backup' | 'restore' | 'drill', env: Record<string, string>): Promise<RunnerRun> {
  return await startRunner(operation, env).done;
}

/** Every output a run produced, for asserting a secret is in none. */
export function allOutput(run: RunnerRun): string {
  return `${run.stdout}\n${run.stderr}\n${run.terminationLog}`;
}
