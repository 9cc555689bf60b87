/**
 * How a runner ends: its result as JSON in the termination log (the pod's termination message,
 * which the bot reads; Kubernetes keeps 4096 bytes of it), a short line for a person on stdout, and
 * the exit code (0 done, 1 failed). The error text goes through the sanitiser here, once, for both.
 */
import { writeFileSync } from 'node:fs';
import { RunnerResultSchema, type RunnerResult } from '../core/model/backup.ts';
import type { Sanitiser } from './sanitise-error.ts';

export interface RunnerOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function humanLine(result: RunnerResult): string {
  if (!result.ok) return `${result.operation} failed at ${result.stage}: ${result.error}`;
  if (result.operation === 'prune') return `prune done: deleted ${result.pruned?.join(', ') || 'nothing'}`;
  const into = result.database ? `, into database ${result.database}` : '';
  const secret = result.secret ? `, Secret ${result.secret} written` : '';
  return `${result.operation} ${result.backupId} done: ${megabytes(result.sizeBytes)}, sha256 ${result.sha256.slice(0, 12)}…, ${(result.durationMs / 1000).toFixed(1)} s, ${result.location}${into}${secret}`;
}

export function reportResult(result: RunnerResult, terminationLog: string, output: RunnerOutput, sanitise: Sanitiser): number {
  const clean = RunnerResultSchema.parse(result.ok ? result : { ...result, error: sanitise(result.error) });
  try {
    writeFileSync(terminationLog, JSON.stringify(clean));
  } catch (error) {
    output.stderr(`could not write the result to ${terminationLog}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
  }
  output.stdout(`${humanLine(clean)}\n`);
  return clean.ok ? 0 : 1;
}
