/**
 * The bot's HTTP side (express 5): `/hooks/slash` (token-checked), `/hooks/action` (contexts the bot
 * signed itself), `/healthz`, `/readyz`, `/metrics` (Prometheus text, no auth: its labels are verbs,
 * outcomes and codes, never user text or secrets), and `/hooks/alertmanager` when a token is set
 * (src/adapters/alertmanager/). Thin: requests become ChatRequests for the responder.
 */
import express, { type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { Logger } from '../../../core/ports/logger.ts';
import type { Signer } from '../../../core/ports/signer.ts';
import { alertmanagerRoute, type AlertmanagerRouteDeps } from '../../alertmanager/alertmanager-route.ts';
import type { ChatIdentity } from '../chat-identity.ts';
import type { ChatResponder } from '../chat-responder.ts';
import type { MattermostApi } from '../mattermost-api.ts';
import type { MattermostNotifier } from '../mattermost-notifier.ts';
import { actionRoute } from './action-route.ts';
import { errorHandler, notFound } from './http-errors.ts';
import { startReadinessCache } from './readiness-cache.ts';
import { slashRoute } from './slash-route.ts';

export interface HttpDeps {
  responder: ChatResponder;
  /** Names the caller as the policy sees them (user, team, channel, groups). */
  identity: ChatIdentity;
  slashTokens: readonly string[];
  signer: Signer;
  api: MattermostApi;
  /** Where late edits of plan posts go: through the outbox, in order and under the rate limit. */
  notifier: Pick<MattermostNotifier, 'editText'>;
  logger: Logger;
  /** Each check resolves true when that dependency answers. */
  readiness: Record<string, () => Promise<boolean>>;
  /** How often the readiness checks run in the background (default 2 s); /readyz answers from the last run. */
  readinessEveryMs?: number;
  /** Shown by /readyz: whether this replica is the one listening for mentions. */
  role: () => 'leader' | 'follower';
  /** Served on `/metrics` here; absent when `/metrics` has a listen address of its own. */
  metrics?: MetricsEndpoint;
  /** Alertmanager's webhook; absent (no token configured): not served. */
  alertmanager?: AlertmanagerRouteDeps;
}

/** What `/metrics` serves (the prom-client adapter is one): a scrape and its content type. */
export interface MetricsEndpoint {
  readonly contentType: string;
  scrape(): Promise<string>;
}

/** Mattermost's slash and button payloads are a few KB; nothing legitimate comes near this. */
const bodyLimit = '64kb';

export function startHttpServer(deps: HttpDeps, host: string, port: number): Promise<Server> {
  const app = express();
  app.disable('x-powered-by');
  const guarded =
    (handler: (d: HttpDeps, req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response): void => {
      handler(deps, req, res).catch((error: unknown) => {
        deps.logger.error({ path: req.path, err: (error as Error).message }, 'request failed');
        if (!res.headersSent) res.status(500).json({ ephemeral_text: 'matterops hit an internal error; see its log.' });
      });
    };
  app.post('/hooks/slash', express.urlencoded({ extended: false, limit: bodyLimit, parameterLimit: 100 }), guarded(slashRoute));
  app.post('/hooks/action', express.json({ limit: bodyLimit }), guarded(actionRoute));
  if (deps.alertmanager) app.post('/hooks/alertmanager', ...alertmanagerRoute(deps.alertmanager));
  app.get('/healthz', (_req, res) => {
    res.type('text').send('ok');
  });
  const readiness = startReadinessCache(deps.readiness, { everyMs: deps.readinessEveryMs ?? 2_000, timeoutMs: 5_000, logger: deps.logger });
  app.get('/readyz', (_req, res) => {
    const checks = readiness.snapshot();
    res.status(Object.values(checks).every(Boolean) ? 200 : 503).json({ ...checks, role: deps.role() });
  });
  const { metrics } = deps;
  if (metrics)
    app.get(
      '/metrics',
      guarded(async (_d, _req, res) => {
        res.type(metrics.contentType).send(await metrics.scrape());
      }),
    );
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.on('close', () => readiness.stop());
  });
}
