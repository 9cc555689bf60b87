/**
 * A loopback TCP proxy in front of Mattermost for the websocket's reconnects: it can drop every
 * connection and refuse new ones (`cut`), and, for the next websocket upgrade, pass the server's
 * 101 answer (the client's socket opens) but hold everything the server sends after it until
 * `release` (the replay of missed events, the hello, the answer to the client's first ping), as a
 * slow link or a busy server would. It can also make that upgrade ask for a new connection (no
 * connection id), as after a server restart: the server then starts a fresh stream and replays nothing.
 */
import { createConnection, createServer, type Socket } from 'node:net';

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

export async function startHoldingProxy(targetPort: number): Promise<HoldingProxy> {
  const sockets = new Set<Socket>();
  const held: (() => void)[] = [];
  let open = true;
  let armed: { freshStream: boolean } | undefined;
  const server = createServer((client) => {
    if (!open) { client.destroy(); return; }
    const upstream = createConnection(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    let first = true;
    let hold: { headersDone: boolean; pending: Buffer[]; released: boolean } | undefined;
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
          const h = { headersDone: false, pending: [] as Buffer[], released: false };
          hold = h;
          held.push(() => { h.released = true; for (const b of h.pending.splice(0)) client.write(b); });
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!hold || hold.released) { client.write(chunk); return; }
      if (hold.headersDone) { hold.pending.push(chunk); return; }
      const at = chunk.indexOf(headerEnd);
      if (at < 0) { client.write(chunk); return; } // the 101 answer, not yet whole
      hold.headersDone = true;
      client.write(chunk.subarray(0, at + headerEnd.length));
      if (at + headerEnd.length < chunk.length) hold.pending.push(chunk.subarray(at + headerEnd.length));
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut() { open = false; for (const s of sockets) s.destroy(); },
    restore() { open = true; },
    holdNextUpgrade(options = {}) { armed = { freshStream: options.freshStream ?? false }; },
    release() { for (const r of held.splice(0)) r(); },
    close: () => new Promise((resolve) => { open = false; for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
