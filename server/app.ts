/**
 * The single wiring point: builds the HTTP API, the static wall and the live namespace from
 * their parts. The entry file plugs in real settings and listens; tests build the same app.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { Server } from 'socket.io';
import { createQueues } from '../core/jobs/queues.js';
import { readSegments } from '../core/segments/read-segments.js';
import { ApiKeys } from '../core/auth/api-keys.js';
import { KeyGate } from '../core/auth/key-gate.js';
import { RefusalsPerAddress } from '../core/auth/refusals.js';
import { requireKey, requireScopeOf } from '../core/auth/require-scope.js';
import { routeGuards } from './auth/route-guards.js';
import type { Config } from '../core/config.js';
import type { AppDeps } from './deps.js';
import { clientPages } from './http/client-pages.js';
import { cors, liveCors } from './http/cors.js';
import { clientErrorBody } from './http/json-body.js';
import { jsonBody } from './http/parse-json-body.js';
import { refuse } from '../core/http/refusal.js';
import { securityHeaders } from './http/security-headers.js';
import { answerUnavailable, setRetryAfter } from '../core/http/unavailable.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import { readStoreParts } from '../core/kpi/read-store.js';
import { liveAdapter } from './live/live-adapter.js';
import { FreshnessMonitor } from './live/freshness-monitor.js';
import { attachLive, type Live, type LiveServer } from './live/live-namespace.js';
import { liveSnapshotReader } from './live/live-snapshot.js';
import { createLogger, type Logger } from '../core/observability/logger.js';
import {
  createRegistry,
  createServerMetrics,
  metricsHandler,
  registerQueueMetrics,
  type Registry,
} from '../core/observability/metrics.js';
import { requestLogging } from './observability/request-log.js';
import {
  connectRedis,
  failFast,
  isRedisAway,
  logFailure,
  redisAnswers,
  watchConnection,
  type RedisTarget,
} from '../core/redis/connections.js';
import { routes } from './routes/index.js';
import { StoreRegistry } from '../core/books/store-registry.js';

export interface PulseApp {
  httpServer: HttpServer;
  deps: AppDeps;
  live: Live;
  /** The metrics of this app (and of the workers too, when they were given the same registry). */
  registry: Registry;
  listen(port: number, host?: string): Promise<number>;
  /** Shutting down: from now on /readyz answers 503, so load balancers send nothing new here. */
  drain(): void;
  /**
   * Tells every socket to reconnect (`serverShutdown`, then a disconnect), stops accepting
   * connections, waits for the requests in flight, and closes the Redis connections.
   */
  close(): Promise<void>;
}

/** /readyz waits this long for Redis' PONG. */
const READY_TIMEOUT_MS = 1000;

const CLIENT_DIST = fileURLToPath(new URL('../client/dist', import.meta.url));
/** A process running API and workers together passes one logger and one registry to both. */
export interface Observability {
  log?: Logger;
  registry?: Registry;
}

/** `target`: the URL of one Redis, or a Redis Cluster's seed nodes (core/redis/connections.ts). */
export async function createApp(config: Config, target: RedisTarget, obs: Observability = {}): Promise<PulseApp> {
  const log = obs.log ?? createLogger({ role: 'server', level: config.logLevel });
  const registry = obs.registry ?? createRegistry('server');
  // While Redis is away — down, or frozen and silent — requests are answered 503 within the command
  // timeout rather than left hanging (failFast); pub/sub waits as long as it takes and subscribes
  // again when Redis is back.
  const redis = connectRedis(target, failFast(config.redisCommandTimeoutMs));
  const subscriber = connectRedis(target, { maxRetriesPerRequest: null });
  const queueConnection = connectRedis(target, failFast(config.redisCommandTimeoutMs));
  const queues = createQueues(queueConnection, config.prefix);
  const stores = new StoreRegistry(redis, config.prefix);
  const keys = new ApiKeys(redis, config.prefix, config.adminToken);
  const refusals = new RefusalsPerAddress(config.refusalLimit.perAddress, config.refusalLimit.windowMs);
  const deps: AppDeps = {
    config,
    redis,
    queues,
    stores,
    kpis: new KpiService(
      redis,
      stores,
      { prefix: config.prefix, callbackDeadlineMs: config.callbackDeadlineMs, readSegments },
      readStoreParts,
      'readWrite',
    ),
    keys,
    gate: new KeyGate(keys, refusals, config.refusalLimit),
    log: log.child({ component: 'api' }),
    metrics: createServerMetrics(registry),
    freshness: new FreshnessMonitor({
      redis,
      events: queues.events,
      prefix: config.prefix,
      commandTimeoutMs: config.redisCommandTimeoutMs,
      workerDeadAfterMs: config.workerDeadAfterMs,
    }),
  };
  registerQueueMetrics(registry, queues, deps.log);
  watchConnection(redis, deps.log, 'requests');
  watchConnection(subscriber, deps.log, 'pubsub');
  watchConnection(queueConnection, deps.log, 'queues');
  // A queue repeats its connection's errors, which watchConnection logs once per outage.
  for (const q of Object.values(queues)) {
    q.on('error', (err) => isRedisAway(err) || deps.log.error({ err, queue: q.name }, 'queue error'));
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLogging(deps.log, deps.metrics));
  app.use(securityHeaders());
  app.use(cors(config.corsOrigins));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  // Ready: Redis answers and the process is not shutting down (docs/operations-faults.md).
  let draining = false;
  app.get('/readyz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (draining) {
      res.status(503).json({ ok: false, reason: 'draining' });
      return;
    }
    if (await redisAnswers(redis, READY_TIMEOUT_MS)) {
      res.json({ ok: true });
    } else {
      setRetryAfter(res);
      res.status(503).json({ ok: false, reason: 'redis' });
    }
  });
  // Outside /api/v1: Prometheus scrapes it with a bearer key of the scope `metrics`.
  app.get('/metrics', requireKey(deps.gate, config.trustProxyHops), requireScopeOf('metrics'), metricsHandler(registry));
  // Key, rate budget, scope and the key's stores for a path naming one (server/auth/route-guards.ts),
  // all before the body is read: only then is a JSON body parsed (the CSV import reads its own).
  const guard = routeGuards(deps);
  for (const r of routes) {
    app[r.method](r.path, ...guard(r), ...(r.readsOwnBody ? [] : jsonBody), (req: Request, res: Response) =>
      r.handler(req, res, deps),
    );
  }
  // No such route: no body read either.
  app.use('/api', (req, res) => {
    refuse(req, res, 404, { error: 'not_found', message: 'no such endpoint' });
  });
  if (existsSync(CLIENT_DIST)) {
    app.use(clientPages(CLIENT_DIST, { gate: deps.gate, read: liveSnapshotReader(deps), trustProxyHops: config.trustProxyHops }));
  }
  // Body parser and handler errors: a clear status, never a stack trace.
  app.use((err: Error & { type?: string; status?: number }, req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.too.large') {
      res.status(413).json({ error: 'too_large', message: 'the body exceeds 1 MiB' });
    } else if (err.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'invalid_json', details: [{ path: '(body)', message: 'is not valid JSON' }] });
    } else if (err.status && err.status >= 400 && err.status < 500) {
      res.status(err.status).json(clientErrorBody(err));
    } else {
      // Redis away (down, or no answer within the command timeout) is no bug of ours: one line,
      // no stack. Anything else is logged whole. The request id lets a user quote the failure.
      logFailure(req.log, err, 'request failed with an error');
      answerUnavailable(res, req.id);
    }
  });

  const httpServer = createServer(app);
  // Live pushes reach the sockets of every server through Redis (server/live/live-adapter.ts).
  const adapter = liveAdapter(subscriber, config.prefix, deps.log);
  const io: LiveServer = new Server(httpServer, {
    serveClient: false,
    adapter: adapter.adapter,
    ...liveCors(config.corsOrigins),
  });
  const live = await attachLive(io, deps, subscriber);

  return {
    httpServer,
    deps,
    live,
    registry,
    listen: (port, host) =>
      new Promise((resolve) => {
        httpServer.listen(port, host, () => {
          const a = httpServer.address();
          const bound = typeof a === 'object' && a ? a.port : port;
          deps.log.info({ port: bound, host, prefix: config.prefix }, 'API, live sockets and wall listening');
          resolve(bound);
        });
      }),
    drain() {
      draining = true;
    },
    async close() {
      draining = true;
      await live.close();
      deps.freshness.close();
      // Each wall comes back after its own delay, spread over [hint, 2 × hint]: not all at once.
      const hint = config.shutdown.reconnectHintMs;
      for (const socket of live.namespace.sockets.values()) {
        socket.emit('serverShutdown', { reconnectInMs: hint + Math.round(Math.random() * hint) });
      }
      // A namespace disconnect ('io server disconnect' on the client): the wall reconnects after
      // the hint, not at once by itself. The connections themselves close with io.close().
      // `local`: through the Redis adapter it would disconnect every server's sockets.
      live.namespace.local.disconnectSockets();
      // Let the hint and the disconnect reach the walls (closing now would drop what is still
      // buffered): each client closes its connection once its sockets are gone. At most 1 s.
      for (const until = Date.now() + 1000; io.engine.clientsCount > 0 && Date.now() < until;) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise<void>((r) => io.close(() => r()));
      adapter.close();
      await queues.events.close();
      await queues.maintenance.close();
      await queues.segments.close();
      await queues.notify.close();
      await queues.imports.close();
      await queues.reports.close();
      redis.disconnect();
      subscriber.disconnect();
      queueConnection.disconnect();
    },
  };
}
