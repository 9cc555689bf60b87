/**
 * @mattermost/client's WebSocketClient writes its connection chatter with console.log and
 * console.warn and takes no logger, so `serve` printed plain lines among pino's JSON (issue 14).
 * While serving, the console goes through the Logger instead: every line is JSON, redacted like the
 * rest. Objects are reduced to their message or type: the client logs whole websocket events,
 * whose target holds the upgrade request and its bearer token.
 */
import type { Logger } from '../../core/ports/logger.ts';

type ConsoleMethod = 'log' | 'info' | 'debug' | 'warn' | 'error';
const levels: Record<ConsoleMethod, keyof Logger> = { log: 'info', info: 'info', debug: 'info', warn: 'warn', error: 'error' };

/** One argument as a short, safe word: strings as they are, anything else by its message or kind. */
function describe(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg === null || typeof arg !== 'object') return String(arg);
  const { message, type } = arg as { message?: unknown; type?: unknown };
  if (typeof message === 'string' && message) return message;
  const kind = arg.constructor?.name ?? 'object';
  return typeof type === 'string' ? `[${kind} ${type}]` : `[${kind}]`;
}

/** Sends `target`'s log, info, debug, warn and error to `logger` until the returned function restores them. */
export function routeConsoleToLogger(logger: Logger, target: Pick<Console, ConsoleMethod> = console): () => void {
  const saved = { ...target } as Record<ConsoleMethod, (...args: unknown[]) => void>;
  for (const method of Object.keys(levels) as ConsoleMethod[]) {
    target[method] = (...args: unknown[]) => logger[levels[method]]({ source: 'console' }, args.map(describe).join(' '));
  }
  return () => {
    for (const method of Object.keys(levels) as ConsoleMethod[]) target[method] = saved[method];
  };
}
