/** The Logger port over pino: JSON lines on stderr, secrets redacted by key and by pattern. */
import { pino } from 'pino';
import type { Logger } from '../../core/ports/logger.ts';
import { redactSecrets } from '../../core/text/redact.ts';

export function createPinoLogger(level: string, destination = 2): Logger {
  const base = pino({
    level,
    base: { service: 'matterops' },
    redact: { paths: ['token', 'botToken', '*.token', '*.botToken', 'authorization', '*.authorization', 'password'], censor: '***' },
  }, pino.destination(destination));
  const clean = (message: string): string => redactSecrets(message);
  return {
    info: (fields, message) => base.info(fields, clean(message)),
    warn: (fields, message) => base.warn(fields, clean(message)),
    error: (fields, message) => base.error(fields, clean(message)),
  };
}
