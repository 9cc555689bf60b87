/**
 * The one boundary that turns any thrown value into a reply: domain errors keep their message and
 * hint; anything else is logged with a reference the user can quote, and shown only as that.
 */
import { isMatteropsError, type ErrorCode } from './errors.ts';
import { errorsTotal } from './metrics-catalog.ts';
import type { Logger } from './ports/logger.ts';
import type { Metrics } from './ports/metrics.ts';
import { reply, text, type Reply, type Tone } from './reply.ts';
import { redactSecrets } from './text/redact.ts';

const toneByCode: Record<ErrorCode, Tone> = {
  usage: 'warning',
  invalid: 'warning',
  not_found: 'warning',
  conflict: 'warning',
  forbidden: 'danger',
  unavailable: 'danger',
  internal: 'danger',
};

export function errorReply(error: unknown, deps: { logger: Logger; metrics: Metrics }, context: Record<string, unknown>): Reply {
  const { logger } = deps;
  deps.metrics.inc(errorsTotal, { code: isMatteropsError(error) ? error.code : 'internal' });
  if (isMatteropsError(error)) {
    const blocks = [text(redactSecrets(error.message)), ...(error.hint ? [text(redactSecrets(error.hint))] : [])];
    return { ...reply(toneByCode[error.code], ...blocks), error: error.code };
  }
  const ref = globalThis.crypto.randomUUID().slice(0, 8);
  const detail = error instanceof Error ? { err: redactSecrets(error.stack ?? error.message) } : { err: redactSecrets(String(error)) };
  const safeContext = Object.fromEntries(Object.entries(context).map(([k, v]) => [k, typeof v === 'string' ? redactSecrets(v) : v]));
  logger.error({ ...safeContext, ref, ...detail }, 'internal error');
  return { ...reply('danger', text(`internal error (ref ${ref}); the bot's log has the details`)), error: 'internal' };
}
