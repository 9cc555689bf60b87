/**
 * `/metrics` on a listen address of its own (MATTEROPS_METRICS_LISTEN), so Prometheus scrapes a
 * port that no Ingress or proxy for Mattermost's webhooks exposes; the webhook server then serves
 * no `/metrics` (issue 14). Only `GET /metrics`; everything else is 404.
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from '../../core/ports/logger.ts';
import type { MetricsEndpoint } from '../mattermost/webhook/http-server.ts';

export function startMetricsServer(metrics: MetricsEndpoint, listen: string, logger: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    metrics.scrape().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (error: unknown) => {
        logger.error({ err: (error as Error).message }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed');
      },
    );
  });
  const at = listen.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(listen.slice(at + 1)), listen.slice(0, at), () => resolve(server));
  });
}
