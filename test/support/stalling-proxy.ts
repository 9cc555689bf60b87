/**
 * A loopback TCP proxy that can stall or slow down: when stalled, connections stay open and nothing
 * passes either way, as with an apiserver that hangs or a network that holds packets; `delayMs`
 * holds every answer that long, as with a slow apiserver. Works under TLS and HTTP/2 (it never looks
 * at the bytes): a stall only pauses reading, so `flow()` delivers what waited, in order.
 */
import { startLoopbackProxy } from './loopback-proxy.ts';

export interface StallingProxy {
  port: number;
  stall(): void;
  flow(): void;
  close(): Promise<void>;
}

export interface StallingProxyOptions {
  /** Every chunk from the server reaches the client this much later (order kept). */
  delayMs?: number;
}

export async function startStallingProxy(targetPort: number, options: StallingProxyOptions = {}): Promise<StallingProxy> {
  let stalled = false;
  const delayMs = options.delayMs ?? 0;
  const proxy = await startLoopbackProxy(targetPort, (client, upstream) => {
    if (stalled) {
      client.pause();
      upstream.pause();
    }
    client.pipe(upstream);
    // Timers of one delay fire in the order they were set, so the bytes stay in order.
    if (delayMs > 0)
      upstream.on('data', (chunk: Buffer) => {
        setTimeout(() => {
          if (!client.destroyed) client.write(chunk);
        }, delayMs);
      });
    else upstream.pipe(client);
  });
  return {
    port: proxy.port,
    close: proxy.close,
    stall() {
      stalled = true;
      for (const s of proxy.sockets) s.pause();
    },
    flow() {
      stalled = false;
      for (const s of proxy.sockets) s.resume();
    },
  };
}
