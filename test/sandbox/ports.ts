/** Free loopback ports, so a sandbox never collides with whatever else runs on the machine. */
import { createServer } from 'node:net';

const taken = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolvePort(chosen));
      });
    });
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

/**
 * A free loopback port whose twin at `port + offset` is free too: SeaweedFS opens the gRPC twin of
 * every port it is given at port + 10000 (../shared/reference/real-peers.md, section 7). Both sit
 * below Linux's ephemeral range (32768 up), where no outgoing connection can take one meanwhile.
 */
export async function freePortWithTwin(offset = 10_000): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 12_000 + Math.floor(Math.random() * (32_768 - offset - 12_000));
    if (taken.has(port) || taken.has(port + offset)) continue;
    if ((await canListen(port)) && (await canListen(port + offset))) {
      taken.add(port);
      taken.add(port + offset);
      return port;
    }
  }
  throw new Error(`found no free loopback port with a free twin at +${offset}`);
}
