/**
 * The closed set of error codes and the one error type the core throws.
 * Every message is safe to show to a user and says what to do next.
 */
export const errorCodes = ['usage', 'forbidden', 'not_found', 'conflict', 'invalid', 'unavailable', 'internal'] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** The installation a refused command was aimed at, so the refusal is audited on it. */
export interface RefusedTarget {
  cluster: string;
  namespace: string;
  name: string;
}

export class MatteropsError extends Error {
  readonly code: ErrorCode;
  /** What to type or do instead; shown under the message. */
  readonly hint: string | undefined;
  /** For `forbidden`: where the refused change was aimed, when it is known. */
  readonly target: RefusedTarget | undefined;

  constructor(code: ErrorCode, message: string, hint?: string, target?: RefusedTarget) {
    super(message);
    this.name = 'MatteropsError';
    this.code = code;
    this.hint = hint;
    this.target = target;
  }
}

export const usageError = (message: string, hint?: string): MatteropsError => new MatteropsError('usage', message, hint);
export const notFound = (message: string, hint?: string): MatteropsError => new MatteropsError('not_found', message, hint);

export function isMatteropsError(error: unknown): error is MatteropsError {
  return error instanceof MatteropsError;
}
