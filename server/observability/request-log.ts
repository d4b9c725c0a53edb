/**
 * Every HTTP request gets an id (a sane incoming `X-Request-Id`, else a new one), echoed in the
 * `X-Request-Id` response header, bound to `req.log` so every line of the request carries it, and
 * quoted in 5xx bodies. When the response is done, one line says how it went and the HTTP
 * metrics move, by route pattern (never the raw URL: ids in paths would explode the series).
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { redactUrl, type Logger } from '../../core/observability/logger.js';
import type { ServerMetrics } from '../../core/observability/metrics.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The request id, also sent back as `X-Request-Id`. */
    id: string;
    /** A logger whose every line carries the request id. */
    log: Logger;
  }
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** An incoming id is kept when it is a plain token; anything else (spaces, quotes, newlines, too long) is replaced. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(incoming: string | string[] | undefined): string {
  const id = Array.isArray(incoming) ? incoming[0] : incoming;
  return id && SANE_ID.test(id) ? id : randomUUID();
}

/** Paths scraped or probed every few seconds: their successes are logged at debug only, failures at warn. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The route label: the pattern of the route table that answered (`/api/v1/stores/:store/kpis`),
 * a handler's own label in `res.locals.route`, `(static)` for files of the wall, `(unmatched)` otherwise.
 */
function routeLabel(req: Request, res: Response): string {
  const own = res.locals.route as unknown;
  if (typeof own === 'string') return own;
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return req.baseUrl + path;
  return res.statusCode < 400 ? '(static)' : '(unmatched)';
}

export const requestLogging = (log: Logger, metrics: ServerMetrics) => (req: Request, res: Response, next: NextFunction) => {
  const started = process.hrtime.bigint();
  req.id = requestId(req.headers['x-request-id']);
  req.log = log.child({ reqId: req.id });
  res.setHeader(REQUEST_ID_HEADER, req.id);

  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = routeLabel(req, res);
    // A client that went away before the response was sent: 499, as nginx says it.
    const status = res.writableFinished ? res.statusCode : 499;
    metrics.httpRequests.inc({ method: req.method, route, status: String(status) });
    metrics.httpDuration.observe({ method: req.method, route }, seconds);
    const line = {
      method: req.method,
      url: redactUrl(req.originalUrl),
      route,
      status,
      ms: Math.round(seconds * 1e4) / 10,
      ...(req.principal && { keyId: req.principal.keyId }),
    };
    if (status === 499) req.log.info(line, 'request aborted by the client');
    // A probe answering 503 (Redis away, shutting down) is a warning, not an error a second.
    else if (QUIET_PATHS.has(req.path)) req.log[status < 400 ? 'debug' : 'warn'](line, 'request completed');
    else if (status >= 500) req.log.error(line, 'request failed');
    else req.log.info(line, 'request completed');
  };
  res.on('finish', finish);
  res.on('close', finish);
  next();
};
