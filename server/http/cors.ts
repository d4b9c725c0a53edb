/**
 * Cross-origin access, off by default: a page of another origin may call the API and open live
 * sockets only when its origin is listed in PULSE_CORS_ORIGINS. The same list applies to Express
 * (Access-Control-* headers and preflights) and to Socket.IO (its `cors` option for polling, and
 * `allowRequest`, which refuses handshakes, WebSocket ones included, from other origins).
 */
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { ServerOptions } from 'socket.io';

export function cors(origins: readonly string[]) {
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction) => {
    if (!allowed.size) return next();
    res.vary('Origin');
    const origin = req.headers.origin;
    if (!origin || !allowed.has(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After, Location');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

const hostOf = (origin: string) => {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
};

/** A handshake without Origin (not a browser), from the server's own host, or from a listed origin. */
export function originAllowed(req: IncomingMessage, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin || origins.includes(origin)) return true;
  const host = hostOf(origin);
  // Behind a proxy the browser's host may arrive as X-Forwarded-Host; a browser cannot forge either for another site.
  const forwarded = String(req.headers['x-forwarded-host'] ?? '')
    .split(',')[0]!
    .trim();
  return host !== null && (host === req.headers.host || host === forwarded);
}

export function liveCors(origins: readonly string[]): Partial<ServerOptions> {
  return {
    ...(origins.length ? { cors: { origin: [...origins], methods: ['GET', 'POST'] } } : {}),
    allowRequest: (req, callback) => {
      const ok = originAllowed(req, origins);
      callback(ok ? null : 'origin not allowed', ok);
    },
  };
}
