/**
 * While serving, @mattermost/client's console lines go through the logger (issue 14: plain lines
 * among pino's JSON), and the websocket events it logs whole are reduced to a word, never their
 * contents (their target holds the upgrade request with the bot's token).
 */
import { describe, expect, it } from 'vitest';
import { routeConsoleToLogger } from '../../../src/adapters/logging/console-to-logger.ts';
import type { Logger } from '../../../src/core/ports/logger.ts';

function recorder(): { logger: Logger; lines: { level: string; fields: Record<string, unknown>; message: string }[] } {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, fields, message });
    };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

const plain = () => {
  const printed: string[] = [];
  const print = (...args: unknown[]) => printed.push(args.join(' '));
  return { target: { log: print, info: print, debug: print, warn: print, error: print }, printed };
};

class ErrorEvent {
  type = 'error';
  target = { _req: { headers: { authorization: 'Bearer sekret-token' } } };
}

describe('routeConsoleToLogger', () => {
  it("sends the websocket client's console lines to the logger at their level", () => {
    const { logger, lines } = recorder();
    const { target, printed } = plain();
    routeConsoleToLogger(logger, target);
    target.log('got connection id ', 'abc123');
    target.warn('WebSocketClient has 6 message listeners registered');
    target.error('boom', new Error('socket hang up'));
    expect(printed).toEqual([]);
    expect(lines).toEqual([
      { level: 'info', fields: { source: 'console' }, message: 'got connection id  abc123' },
      { level: 'warn', fields: { source: 'console' }, message: 'WebSocketClient has 6 message listeners registered' },
      { level: 'error', fields: { source: 'console' }, message: 'boom socket hang up' },
    ]);
  });

  it('reduces an event object to its kind, so nothing it holds (a bearer token) is logged', () => {
    const { logger, lines } = recorder();
    const { target } = plain();
    routeConsoleToLogger(logger, target);
    target.log(new ErrorEvent());
    target.log({ seq_reply: 3, error: { id: 'api.web_socket_router.bad_seq' } }, 42, null);
    expect(lines.map((l) => l.message)).toEqual(['[ErrorEvent error]', '[Object] 42 null']);
    expect(JSON.stringify(lines)).not.toContain('sekret');
  });

  it('gives the console back when asked', () => {
    const { logger, lines } = recorder();
    const { target, printed } = plain();
    const restore = routeConsoleToLogger(logger, target);
    restore();
    target.log('plain again');
    expect(printed).toEqual(['plain again']);
    expect(lines).toEqual([]);
  });
});
