/**
 * `POST /hooks/alertmanager`: Alertmanager's webhook receiver (docs/incidents.md). The bearer token
 * is checked in constant time before the body is read, the body is limited, and the payload must be
 * version 4 of Alertmanager's webhook message; each problem gets its own 4xx, which Alertmanager
 * does not retry. A valid delivery is saved in the cluster (receive-alerts.ts) before the answer,
 * on whichever replica it reaches: a 2xx means it is kept, and a 503 (the cluster did not take it)
 * makes Alertmanager send it again.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { AlertmanagerPayloadSchema, type AlertmanagerPayload } from '../../core/incidents/alertmanager/alertmanager-payload.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { isKnownToken } from '../mattermost/webhook/verify-token.ts';

/** A group of a few hundred alerts with their labels and annotations fits; Alertmanager's max_alerts keeps bigger ones down. */
export const alertmanagerBodyLimit = '1mb';

export interface AlertmanagerRouteDeps {
  /** The bearer token Alertmanager sends (config alertmanager.token). */
  token: string;
  /** Saves the delivery; a rejection is answered 503 so Alertmanager retries. */
  receive: (payload: AlertmanagerPayload) => Promise<void>;
  logger: Logger;
}

const bearer = (authorization: string | undefined): string | undefined => /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];

/** Where each problem is and what is wrong, never the value sent (it may be anything). */
const problemsOf = (error: z.ZodError): string[] => error.issues.slice(0, 10).map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`);

function authenticate(token: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (isKnownToken(bearer(req.get('authorization')), [token])) return next();
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'a bearer token Alertmanager is configured with is needed' });
  };
}

function handle(deps: AlertmanagerRouteDeps): RequestHandler {
  return (req: Request, res: Response): void => {
    if (!req.is('application/json')) {
      res.status(415).json({ error: 'Alertmanager sends application/json' });
      return;
    }
    const parsed = AlertmanagerPayloadSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'not an Alertmanager webhook payload (version 4)', problems: problemsOf(parsed.error) });
      return;
    }
    deps.receive(parsed.data).then(
      () => void res.status(200).json({ ok: true }),
      (e: unknown) => {
        deps.logger.error({ groupKey: parsed.data.groupKey, err: (e as Error).message }, 'an Alertmanager delivery could not be saved');
        res.status(503).json({ error: 'the delivery could not be saved; Alertmanager will send it again' });
      },
    );
  };
}

/** The route's handlers in order: the token, then the body (parsed only for Alertmanager), then the payload. */
export function alertmanagerRoute(deps: AlertmanagerRouteDeps): RequestHandler[] {
  return [authenticate(deps.token), express.json({ limit: alertmanagerBodyLimit }), handle(deps)];
}
