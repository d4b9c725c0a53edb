/** What the HTTP handlers and the live namespace need; built once in app.ts. */
import type { RedisConn } from '../core/redis/connections.js';
import type { Queues } from '../core/jobs/queues.js';
import type { ApiKeys } from '../core/auth/api-keys.js';
import type { KeyGate } from '../core/auth/key-gate.js';
import type { Config } from '../core/config.js';
import type { KpiService } from '../core/kpi/kpi-service.js';
import type { FreshnessMonitor } from './live/freshness-monitor.js';
import type { Logger } from '../core/observability/logger.js';
import type { ServerMetrics } from '../core/observability/metrics.js';
import type { StoreRegistry } from '../core/books/store-registry.js';

export interface AppDeps {
  config: Config;
  redis: RedisConn;
  queues: Queues;
  stores: StoreRegistry;
  kpis: KpiService;
  keys: ApiKeys;
  /** The key check with the refusals per client address, for the API, /metrics and the live handshake. */
  gate: KeyGate;
  /** The app's logger (in a request, prefer `req.log`: it carries the request id). */
  log: Logger;
  metrics: ServerMetrics;
  /** The pipeline's state (domain/freshness.ts), one look every 2 s: every snapshot served carries it. */
  freshness: FreshnessMonitor;
}
