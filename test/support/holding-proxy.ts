/**
 * A loopback TCP proxy in front of Mattermost for the websocket's reconnects: it can drop every
 * connection and refuse new ones (`cut`), and, for the next websocket upgrade, pass the server's
 * 101 answer (the client's socket opens) but hold everything the server sends after it until
 * `release` (the replay of missed events, the hello, the answer to the client's first ping), as a
 * slow link or a busy server would. It can also make that upgrade ask for a new connection (no
 * connection id), as after a server restart: the server then starts a fresh stream and replays nothing.
 */
import type { Socket } from 'node:net';
import { forwardEnds, startLoopbackProxy } from './loopback-proxy.ts';

export interface HoldingProxy {
  port: number;
  cut(): void;
  restore(): void;
  /** The next websocket upgrade: its socket opens, the server's frames wait for `release`. */
  holdNextUpgrade(options?: { freshStream?: boolean }): void;
  release(): void;
  close(): Promise<void>;
}

const headerEnd = Buffer.from('\r\n\r\n');

/** A held upgrade: the server's answer headers passed, what follows waits for `release`. */
interface Hold {
  headersDone: boolean;
  pending: Buffer[];
  released: boolean;
}

/** Sends the server's bytes to the client, keeping back what follows a held upgrade's 101 headers. */
function fromServer(client: Socket, hold: () => Hold | undefined) {
  return (chunk: Buffer): void => {
    const h = hold();
    if (!h || h.released) {
      client.write(chunk);
      return;
    }
    if (h.headersDone) {
      h.pending.push(chunk);
      return;
    }
    const at = chunk.indexOf(headerEnd);
    if (at < 0) {
      client.write(chunk);
      return;
    } // the 101 answer, not yet whole
    h.headersDone = true;
    client.write(chunk.subarray(0, at + headerEnd.length));
    if (at + headerEnd.length < chunk.length) h.pending.push(chunk.subarray(at + headerEnd.length));
  };
}

export async function startHoldingProxy(targetPort: number): Promise<HoldingProxy> {
  const held: (() => void)[] = [];
  let armed: { freshStream: boolean } | undefined;
  const proxy = await startLoopbackProxy(targetPort, (client, upstream) => {
    let first = true;
    let hold: Hold | undefined;
    client.on('data', (chunk: Buffer) => {
      if (first) {
        first = false;
        const line = chunk.toString('latin1', 0, Math.min(chunk.length, 1024)).split('\r\n')[0] ?? '';
        if (armed && /^GET \/api\/v4\/websocket/.test(line)) {
          if (armed.freshStream) {
            const text = chunk.toString('latin1');
            chunk = Buffer.from(text.replace(line, line.replace(/connection_id=[^&\s]*/, 'connection_id=')), 'latin1');
          }
          armed = undefined;
          const h: Hold = { headersDone: false, pending: [], released: false };
          hold = h;
          held.push(() => {
            h.released = true;
            for (const b of h.pending.splice(0)) client.write(b);
          });
        }
      }
      upstream.write(chunk);
    });
    upstream.on(
      'data',
      fromServer(client, () => hold),
    );
    forwardEnds(client, upstream);
  });
  return {
    port: proxy.port,
    cut: proxy.cut,
    restore: proxy.restore,
    close: proxy.close,
    holdNextUpgrade(options = {}) {
      armed = { freshStream: options.freshStream ?? false };
    },
    release() {
      for (const r of held.splice(0)) r();
    },
  };
}
