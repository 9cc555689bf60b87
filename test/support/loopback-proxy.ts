/**
 * What every test proxy shares: a loopback TCP server in front of `targetPort` that pairs each
 * client with an upstream connection, tracks both, tears both down when either fails, can refuse
 * and drop connections (`cut`/`restore`), and closes everything. How bytes flow between the two
 * sockets is each proxy's own (`wire`): tcp-proxy.ts, holding-proxy.ts, stalling-proxy.ts.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface LoopbackProxy {
  port: number;
  /** Every open socket, client and upstream sides both. */
  readonly sockets: ReadonlySet<Socket>;
  /** Drops every connection and refuses new ones until `restore`. */
  cut: () => void;
  restore: () => void;
  close: () => Promise<void>;
}

/** Forwards each side's end to the other (for proxies that read the bytes instead of piping). */
export function forwardEnds(client: Socket, upstream: Socket): void {
  client.on('end', () => upstream.end());
  upstream.on('end', () => client.end());
}

export async function startLoopbackProxy(targetPort: number, wire: (client: Socket, upstream: Socket) => void): Promise<LoopbackProxy> {
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = createConnection(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    wire(client, upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const dropAll = (): void => {
    for (const s of sockets) s.destroy();
  };
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    sockets,
    cut: () => {
      open = false;
      dropAll();
    },
    restore: () => {
      open = true;
    },
    close: () =>
      new Promise((resolve) => {
        open = false;
        dropAll();
        server.close(() => resolve());
      }),
  };
}
