/**
 * The last word on a request that went wrong before (or outside) a route (issue 9, item 16): a
 * short JSON body with a status, never Express's HTML page with a stack trace and file paths.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../../core/ports/logger.ts';

/** Body parser errors carry the status to answer (400 bad JSON, 413 too large, 415 charset...). */
const statusOf = (error: unknown): number => {
  const status = (error as { status?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
};

const words: Record<number, string> = { 400: 'bad request', 404: 'not found', 413: 'request too large', 415: 'unsupported content', 500: 'internal error' };

export function notFound(_req: Request, res: Response): void {
  res.status(404).json({ error: words[404] });
}

/** Express's error middleware: it must take four parameters to be one. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const status = statusOf(error);
    if (status >= 500) logger.error({ path: req.path, err: (error as Error).message }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({ error: words[status] ?? (status >= 500 ? words[500] : words[400]) });
  };
}
