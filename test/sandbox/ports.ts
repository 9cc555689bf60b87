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
