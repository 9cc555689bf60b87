/**
 * A loopback TCP proxy a test can cut and restore, to drop the bot's connections on purpose, or
 * tell to swallow the response to one HTTP request (the request itself reaches the server), so
 * the client meets a real timeout after the server did the work.
 */
import { forwardEnds, startLoopbackProxy } from './loopback-proxy.ts';

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
  const swallows: { pattern: RegExp; forwarded: () => void }[] = [];
  const proxy = await startLoopbackProxy(targetPort, (client, upstream) => {
    let swallowing = false;
    client.on('data', (chunk: Buffer) => {
      const line = requestLineOf(chunk);
      const index = line === undefined ? -1 : swallows.findIndex((s) => s.pattern.test(line));
      const armed = index >= 0 ? swallows.splice(index, 1)[0] : undefined;
      if (armed) swallowing = true; // on this connection, from this request on
      upstream.write(chunk, () => armed?.forwarded());
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!swallowing) client.write(chunk);
    });
    forwardEnds(client, upstream);
  });
  return {
    port: proxy.port,
    cut: proxy.cut,
    restore: proxy.restore,
    close: proxy.close,
    swallowResponse: (pattern) =>
      new Promise((forwarded) => {
        swallows.push({ pattern, forwarded });
      }),
  };
}
