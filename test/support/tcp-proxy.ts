/**
 * A loopback TCP proxy a test can cut and restore, to drop the bot's connections on purpose, or
 * tell to swallow the response to one HTTP request (the request itself reaches the server), so
 * the client meets a real timeout after the server did the work.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): void;
  restore(): void;
  /**
   * Forwards the next HTTP request whose request line matches, but never its response. Resolves
   * when such a request has been forwarded.
   */
  swallowResponse(requestLine: RegExp): Promise<void>;
  close(): Promise<void>;
}

const requestLineOf = (chunk: Buffer): string | undefined => {
  const line = chunk.toString('latin1', 0, Math.min(chunk.length, 512)).split('\r\n')[0] ?? '';
  return /^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(line) ? line : undefined;
};

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const swallows: { pattern: RegExp; forwarded: () => void }[] = [];
  let open = true;
  const server = createServer((client) => {
    if (!open) { client.destroy(); return; }
    const upstream = createConnection(targetPort, '127.0.0.1');
    let swallowing = false;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    client.on('data', (chunk: Buffer) => {
      const line = requestLineOf(chunk);
      const index = line === undefined ? -1 : swallows.findIndex((s) => s.pattern.test(line));
      const armed = index >= 0 ? swallows.splice(index, 1)[0] : undefined;
      if (armed) swallowing = true; // on this connection, from this request on
      upstream.write(chunk, () => armed?.forwarded());
    });
    upstream.on('data', (chunk: Buffer) => { if (!swallowing) client.write(chunk); });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut() { open = false; for (const s of sockets) s.destroy(); },
    restore() { open = true; },
    swallowResponse: (pattern) => new Promise((forwarded) => { swallows.push({ pattern, forwarded }); }),
    close: () => new Promise((resolve) => { open = false; for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
