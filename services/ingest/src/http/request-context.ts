import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@assay/observability';
import type { IngestMetrics } from '../ingest-metrics.js';

export type RequestWithId = Request & { id: string; rawBody?: Buffer };

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Request id from `x-request-id` (when sane) or a new one; echoed back and logged on every line. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const given = req.header('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  (req as RequestWithId).id = id;
  res.setHeader('x-request-id', id);
  next();
}

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * One log line per request (probes at debug) and the duration histogram, labelled by the route template
 * (never the raw path: its ids are unbounded).
 */
export function httpObserver(metrics: IngestMetrics, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpSeconds.startTimer();
    res.on('finish', () => {
      const routePath = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof routePath === 'string' ? `${req.baseUrl ?? ''}${routePath}` : 'unmatched';
      const seconds = end({ method: req.method, route, status_code: String(res.statusCode) });
      const line = {
        requestId: (req as RequestWithId).id,
        runId: req.params?.runId,
        method: req.method,
        route,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
      };
      if (PROBES.has(req.path)) logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
}
