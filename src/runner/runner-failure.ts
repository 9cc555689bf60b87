/**
 * A runner failure names the stage it happened in (RunnerResultSchema's `stage`) and a sentence
 * for the operator; `atStage` turns whatever a step throws (a pg tool's failure, an S3 error, a
 * bug) into one. The sentence is sanitised once, when the result is written (report-result.ts).
 */
import { PgToolFailure } from './pg-process.ts';

export type RunnerStage = 'config' | 'connect' | 'dump' | 'upload' | 'download' | 'checksum' | 'restore' | 'verify' | 'secret';

export class RunnerFailure extends Error {
  readonly stage: RunnerStage;
  constructor(stage: RunnerStage, message: string) {
    super(message);
    this.stage = stage;
  }
}

/** An error's own words: S3 errors carry their code as `name`, network errors as `code`. */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const name = error.name && error.name !== 'Error' ? error.name : typeof code === 'string' ? code : '';
  // AggregateError (a connection tried on several addresses) has an empty message of its own.
  const message = error.message || (error instanceof AggregateError ? errorText(error.errors[0]) : '');
  return name && !message.includes(name) ? `${name}: ${message}` : message || name || 'unknown error';
}

/** Runs a step; what it throws becomes a failure at `stage` (a failed connection at `connect`). */
export async function atStage<T>(stage: RunnerStage, step: () => Promise<T>, prefix = ''): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof RunnerFailure) throw error;
    if (error instanceof PgToolFailure) throw new RunnerFailure(error.connect ? 'connect' : stage, `${prefix}${error.message}`);
    throw new RunnerFailure(stage, `${prefix}${errorText(error)}`);
  }
}
