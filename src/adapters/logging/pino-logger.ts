/**
 * The Logger port over pino: JSON lines on stderr, secrets redacted in the message and in every
 * string field value, nested ones too (issue 9, item 3): by key (`token`, `password`...) and by
 * pattern (URL passwords, DSNs, bearer tokens, JWTs); fields that hold a command line have their
 * `KEY=VALUE` values masked as well.
 */
import { pino } from 'pino';
import type { Logger } from '../../core/ports/logger.ts';
import { maskCommand, redactSecrets, secretMask } from '../../core/text/redact.ts';

/** Fields whose whole value is a secret, whatever it looks like. */
const secretKeys = /^(token|bottoken|slashtoken|authorization|password|secret|signingkey|cookie)$/i;
/** Fields that carry a command line as the user typed it. */
const commandKeys = new Set(['text', 'input', 'command', 'line']);
const maxDepth = 8;

function cleanValue(value: unknown, key: string, depth: number): unknown {
  if (typeof value === 'string') {
    if (secretKeys.test(key)) return secretMask;
    return commandKeys.has(key) ? maskCommand(value) : redactSecrets(value);
  }
  if (value instanceof Error) return cleanFields({ type: value.name, message: value.message, stack: value.stack }, depth + 1);
  if (Array.isArray(value)) return depth >= maxDepth ? '[too deep]' : value.map((v) => cleanValue(v, key, depth + 1));
  if (value && typeof value === 'object') return depth >= maxDepth ? '[too deep]' : cleanFields(value as Record<string, unknown>, depth + 1);
  return value;
}

/** A copy of the fields with every string judged; the caller's object is left as it was. */
export function cleanFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, cleanValue(value, key, depth)]));
}

export function createPinoLogger(level: string, destination: number | string = 2): Logger {
  const base = pino(
    {
      level,
      base: { service: 'matterops' },
      formatters: { log: (fields) => cleanFields(fields) },
    },
    pino.destination(destination),
  );
  const clean = (message: string): string => redactSecrets(message);
  return {
    info: (fields, message) => base.info(fields, clean(message)),
    warn: (fields, message) => base.warn(fields, clean(message)),
    error: (fields, message) => base.error(fields, clean(message)),
  };
}
