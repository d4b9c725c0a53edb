/**
 * The small HTTP listener of a worker-only process (`--role=worker`), which has no API server:
 * `GET /metrics` (a key with the scope `metrics`, as on the API), `/healthz` and `/readyz`
 * (Redis answers). A process that runs the API serves these on its own port instead.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { answerWithin, logFailure, redisAnswers, type RedisConn } from '../redis/connections.js';
import { setRetryAfter } from '../http/unavailable.js';
import type { ApiKeys } from '../auth/api-keys.js';
import { bearer } from '../auth/require-scope.js';
import type { Logger } from './logger.js';
import type { Registry } from './metrics.js';

export interface MetricsListener {
  port: number;
  /** From now on /readyz answers 503: the process is finishing its jobs before it stops. */
  drain(): void;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 2000;

const pathOf = (req: IncomingMessage) => (req.url ?? '/').split('?')[0];

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startMetricsListener(opts: {
  port: number;
  /** The port is only a default: when another process holds it, take a free one and say so. */
  orFreePort?: boolean;
  host?: string;
  registry: Registry;
  keys: ApiKeys;
  redis: RedisConn;
  log: Logger;
}): Promise<MetricsListener> {
  const { registry, keys, redis, log } = opts;
  let draining = false;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req);
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method_not_allowed' });
    if (path === '/healthz') return json(res, 200, { ok: true });
    if (path === '/readyz') {
      if (draining) return json(res, 503, { ok: false, reason: 'draining' });
      const ok = await redisAnswers(redis, READY_TIMEOUT_MS);
      return json(res, ok ? 200 : 503, { ok });
    }
    if (path !== '/metrics') return json(res, 404, { error: 'not_found', message: 'no such endpoint' });
    // The worker's connection waits through an outage: the scrape does not (503, not 401).
    const principal = await answerWithin(keys.resolve(bearer(req.headers.authorization)), READY_TIMEOUT_MS);
    if (!principal) {
      return json(res, 401, { error: 'unauthorized', message: 'a valid key is required: Authorization: Bearer <key>' });
    }
    if (!principal.scopes.includes('metrics')) {
      return json(res, 403, { error: 'forbidden', message: 'this key lacks the scope "metrics"' });
    }
    const body = await registry.metrics();
    res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
    res.end(body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logFailure(log, err, 'metrics listener request failed', { path: pathOf(req) });
      if (res.headersSent) return res.destroy();
      setRetryAfter(res);
      json(res, 503, { error: 'unavailable', message: 'retry shortly' });
    });
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, opts.host, () => {
        server.off('error', reject);
        const a = server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  let port: number;
  try {
    port = await listen(opts.port);
  } catch (err) {
    if (!opts.orFreePort || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    port = await listen(0);
    log.warn(
      { wanted: opts.port, port },
      'metrics port taken (another worker here?): listening on a free port; set PULSE_METRICS_PORT per worker to choose',
    );
  }
  log.info({ port }, 'metrics listener started: /metrics, /healthz, /readyz');

  return {
    port,
    drain: () => {
      draining = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
