/**
 * The single wiring point: builds the HTTP API, the static wall and the live namespace from
 * their parts. The entry file plugs in real settings and listens; tests build the same app.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { createQueues } from '../workers/queues.js';
import { readSegments } from '../workers/segments/read-segments.js';
import { ApiKeys } from './auth/api-keys.js';
import { requireScope } from './auth/require-scope.js';
import type { Config } from './config.js';
import type { AppDeps } from './deps.js';
import { KpiService } from './kpi/kpi-service.js';
import { attachLive, type Live, type LiveServer } from './live/live-namespace.js';
import { routes } from './routes/index.js';
import { StoreRegistry } from './store-registry.js';

export interface PulseApp {
  httpServer: HttpServer;
  deps: AppDeps;
  live: Live;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

const CLIENT_DIST = fileURLToPath(new URL('../client/dist', import.meta.url));
const WALL_PATHS = /^\/(wall|screen|staff)(\/|$)|^\/$/;

export async function createApp(config: Config, redisUrl: string): Promise<PulseApp> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = createQueues(new Redis(redisUrl, { maxRetriesPerRequest: null }), config.prefix);
  const stores = new StoreRegistry(redis, config.prefix);
  const deps: AppDeps = {
    config,
    redis,
    queues,
    stores,
    kpis: new KpiService(redis, stores, { prefix: config.prefix, callbackDeadlineMs: config.callbackDeadlineMs, readSegments }),
    keys: new ApiKeys(redis, config.prefix, config.adminToken),
  };

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    const pong = await redis.ping().catch(() => null);
    res.status(pong === 'PONG' ? 200 : 503).json({ ok: pong === 'PONG' });
  });
  app.use('/api', express.json({ limit: '1mb' }));
  for (const r of routes) {
    app[r.method](r.path, requireScope(deps.keys, r.scope), (req: Request, res: Response) => r.handler(req, res, deps));
  }
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'no such endpoint' });
  });
  if (existsSync(CLIENT_DIST)) {
    app.use(express.static(CLIENT_DIST, { index: false, maxAge: '1h' }));
    app.get(WALL_PATHS, (_req, res) => {
      res.sendFile('index.html', { root: CLIENT_DIST, maxAge: 0 });
    });
  }
  // Body parser and handler errors: a clear status, never a stack trace.
  app.use((err: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.too.large') {
      res.status(413).json({ error: 'too_large', message: 'the body exceeds 1 MiB' });
    } else if (err.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'invalid_json', details: [{ path: '(body)', message: 'is not valid JSON' }] });
    } else if (err.status && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ error: 'bad_request', message: err.message });
    } else {
      console.error('[api] request failed:', err);
      res.status(503).json({ error: 'unavailable', message: 'the request could not be completed; retry shortly' });
    }
  });

  const httpServer = createServer(app);
  const io: LiveServer = new Server(httpServer, { serveClient: false });
  const live = await attachLive(io, deps, subscriber);

  return {
    httpServer,
    deps,
    live,
    listen: (port, host) =>
      new Promise((resolve) => {
        httpServer.listen(port, host, () => {
          const a = httpServer.address();
          resolve(typeof a === 'object' && a ? a.port : port);
        });
      }),
    async close() {
      await live.close();
      io.disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
      await queues.events.close();
      await queues.maintenance.close();
      await queues.segments.close();
      await queues.notify.close();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
