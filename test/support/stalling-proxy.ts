/**
 * A loopback TCP proxy that can stall or slow down: when stalled, connections stay open and nothing
 * passes either way, as with an apiserver that hangs or a network that holds packets; `delayMs`
 * holds every answer that long, as with a slow apiserver. Works under TLS and HTTP/2 (it never looks
 * at the bytes): a stall only pauses reading, so `flow()` delivers what waited, in order.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface StallingProxy { port: number; stall(): void; flow(): void; close(): Promise<void> }

export interface StallingProxyOptions {
  /** Every chunk from the server reaches the client this much later (order kept). */
  delayMs?: number;
}

export async function startStallingProxy(targetPort: number, options: StallingProxyOptions = {}): Promise<StallingProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const delayMs = options.delayMs ?? 0;
  const server = createServer((client) => {
    const upstream = createConnection(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
      if (stalled) s.pause();
    }
    client.pipe(upstream);
    // Timers of one delay fire in the order they were set, so the bytes stay in order.
    if (delayMs > 0) upstream.on('data', (chunk: Buffer) => { setTimeout(() => { if (!client.destroyed) client.write(chunk); }, delayMs); });
    else upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    stall() { stalled = true; for (const s of sockets) s.pause(); },
    flow() { stalled = false; for (const s of sockets) s.resume(); },
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}
