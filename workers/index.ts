/** Creates the workers and the every-minute scheduler, and closes them cleanly. */
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { AlertRecord } from '../domain/alerts.js';
import { ApiKeys } from '../core/auth/api-keys.js';
import type { Config } from '../core/config.js';
import { createLogger, type Logger } from '../core/observability/logger.js';
import { startMetricsListener, type MetricsListener } from '../core/observability/metrics-listener.js';
import { createRegistry, createWorkerMetrics, type Registry } from '../core/observability/metrics.js';
import { queuePrefix } from '../core/redis/keys.js';
import { connectRedis, isRedisAway, watchConnection, type RedisTarget } from '../core/redis/connections.js';
import { StoreRegistry } from '../core/books/store-registry.js';
import { PartsKeeper } from '../core/kpi/kept-parts.js';
import { readSegments } from '../core/segments/read-segments.js';
import { createApplyEventsProcessor, followUpStore } from './apply-events.processor.js';
import { StoreFollowUps } from './store-follow-ups.js';
import { defineEventScripts } from '../core/events/scripts.js';
import { createMaintenanceProcessor } from './maintenance.processor.js';
import { createNotifyProcessor } from './notify.processor.js';
import { enqueueNotifications } from '../core/jobs/notifications.js';
import { createImportsProcessor } from './imports.processor.js';
import {
  EVENTS_QUEUE,
  IMPORTS_QUEUE,
  MAINTENANCE_QUEUE,
  NOTIFY_QUEUE,
  REPORTS_QUEUE,
  SEGMENTS_QUEUE,
  type Queues,
} from '../core/jobs/queues.js';
import { startReportSchedules } from '../core/jobs/report-delivery.js';
import { createReportsProcessor } from './report-delivery.processor.js';
import { createMailer } from './report-delivery/mail.js';
import { createSegmentsProcessor } from './segments.processor.js';
import { startSegmentSchedules } from '../core/jobs/segments.js';
import { startMaintenanceSchedules } from '../core/jobs/enqueue.js';
import { startWorkerHeartbeat } from './worker-heartbeat.js';

/** Summaries sent at once per worker process: few stores fall due in the same minute, and each waits on mail servers. */
const REPORTS_CONCURRENCY = 2;
/** How long a closing worker waits for its stores' follow-ups; what is left, their minute rechecks do. */
const FOLLOW_UPS_DRAIN_MS = 5000;

export interface RunningWorkers {
  /** The workers' metrics (shared with the app when both were given the same registry). */
  registry: Registry;
  /** Where the metrics listener listens, when one was asked for. */
  metricsPort: number | undefined;
  close(): Promise<void>;
}

export interface WorkerObservability {
  /** A process running API and workers together passes one logger and one registry to both. */
  log?: Logger;
  registry?: Registry;
  /** Serve /metrics, /healthz and /readyz on this port (0: any free one): a worker-only process. */
  metricsPort?: number;
  /** When `metricsPort` is taken, listen on a free port instead of failing (the default port was not chosen). */
  metricsPortOrFree?: boolean;
  /** Recorded on every job this process runs (BullMQ's `processedBy`); host and pid by default. */
  workerName?: string;
  /** Tests only: the clock of the scheduled summaries (which week or month is due), so they need not wait for a Monday. */
  now?: () => number;
}

export async function startWorkers(
  config: Config,
  /** The URL of one Redis, or a Redis Cluster's seed nodes. */
  target: RedisTarget,
  queues: Queues,
  obs: WorkerObservability = {},
): Promise<RunningWorkers> {
  const log = (obs.log ?? createLogger({ role: 'worker', level: config.logLevel })).child({ component: 'worker' });
  const registry = obs.registry ?? createRegistry('worker');
  const metrics = createWorkerMetrics(registry, [
    EVENTS_QUEUE,
    MAINTENANCE_QUEUE,
    SEGMENTS_QUEUE,
    NOTIFY_QUEUE,
    IMPORTS_QUEUE,
    REPORTS_QUEUE,
  ]);
  const redis = connectRedis(target, { maxRetriesPerRequest: null });
  const connection = connectRedis(target, { maxRetriesPerRequest: null });
  defineEventScripts(redis);
  const stores = new StoreRegistry(redis, config.prefix);
  const deps = {
    redis,
    stores,
    config,
    // The servers take each store's parts from Redis instead of reading it (core/kpi/kept-parts.ts).
    keep: new PartsKeeper(
      { redis, opts: { prefix: config.prefix, callbackDeadlineMs: config.callbackDeadlineMs, readSegments } },
      (s) => stores.get(s),
    ),
    metrics,
    log,
    // The alert engine hands each raised alert to the store's webhooks through this.
    notify: (alert: AlertRecord) =>
      enqueueNotifications(redis, queues.notify, config.prefix, alert, config.notify).then(() => undefined),
  };
  // Each changed store's alert rules and kept parts, beside the event jobs (workers/store-follow-ups.ts).
  const followUps = new StoreFollowUps(
    (store, now, types) => followUpStore(deps, store, now, types),
    (err, store) => log.error({ err, store }, 'could not follow the store up after its events: its minute recheck will'),
  );
  const prefix = queuePrefix(config.prefix);
  const name = obs.workerName ?? `${hostname()}-${process.pid}`;
  // Every worker: a job whose worker died (its lock not renewed for lockMs) is handed to another.
  const locks = {
    lockDuration: config.workerLocks.lockMs,
    stalledInterval: config.workerLocks.stalledIntervalMs,
    maxStalledCount: config.workerLocks.maxStalledCount,
  };
  const events = new Worker(EVENTS_QUEUE, createApplyEventsProcessor({ ...deps, followUps }), {
    connection,
    prefix,
    name,
    ...locks,
    concurrency: config.workerConcurrency.events,
  });
  // The minute tick fans out one job per store, so every worker process takes a share of the stores.
  const maintenance = new Worker(
    MAINTENANCE_QUEUE,
    createMaintenanceProcessor({ ...deps, queue: queues.maintenance, reports: { queue: queues.reports, now: obs.now } }),
    {
      connection,
      prefix,
      name,
      ...locks,
      concurrency: config.workerConcurrency.maintenance,
    },
  );
  // Customer value scans a whole log: one at a time by default, on its own worker and Redis
  // connection, so its large replies never queue in front of the event scripts.
  const scanRedis = connectRedis(target, { maxRetriesPerRequest: null });
  // These wait through a Redis restart and carry on; an outage is logged once, not per attempt.
  watchConnection(redis, log, 'scripts');
  watchConnection(connection, log, 'workers');
  watchConnection(scanRedis, log, 'scans');
  const segmentsDeps = { ...deps, redis: scanRedis, queue: queues.segments };
  const segments = new Worker(SEGMENTS_QUEUE, createSegmentsProcessor(segmentsDeps), {
    connection,
    prefix,
    name,
    ...locks,
    concurrency: config.workerConcurrency.segments,
  });
  // Sending waits on other people's servers (up to the timeout each): several at once, so one
  // slow endpoint does not hold up every other store's notifications.
  const notify = new Worker(NOTIFY_QUEUE, createNotifyProcessor(deps), {
    connection,
    prefix,
    name,
    ...locks,
    concurrency: config.workerConcurrency.notify,
  });
  // A CSV import reads its file (up to 20 MiB, on the scanning connection too) and queues the
  // rows as apply jobs: one import at a time by default.
  const importsDeps = { redis: scanRedis, events: queues.events, config };
  const imports = new Worker(IMPORTS_QUEUE, createImportsProcessor(importsDeps), {
    connection,
    prefix,
    name,
    ...locks,
    concurrency: config.workerConcurrency.imports,
  });
  // The weekly and monthly summaries: each reads a period of the store and sends to mail servers
  // and robots; a few at once, on the scanning connection (a period's reads are large).
  const mailer = createMailer(config);
  const reportsDeps = { ...deps, redis: scanRedis, queue: queues.reports, mailer, now: obs.now };
  const reports = new Worker(REPORTS_QUEUE, createReportsProcessor(reportsDeps), {
    connection,
    prefix,
    name,
    ...locks,
    concurrency: REPORTS_CONCURRENCY,
  });
  const workerErrors = workerErrorLog(log);
  for (const w of [events, maintenance, segments, notify, imports, reports]) {
    w.on('failed', (job, err) => {
      metrics.jobsFailed.inc({ queue: w.name });
      // attemptsMade already counts this attempt; BullMQ retries while attempts remain.
      const attempts = job?.opts.attempts ?? 1;
      const final = !job || job.attemptsMade >= attempts || err.name === 'UnrecoverableError';
      // Redis away is no bug: its message says enough (the outage itself is logged per connection).
      const why = isRedisAway(err) ? { redis: err.message } : { err };
      const line = { queue: w.name, jobId: job?.id, attempt: job?.attemptsMade, attempts, ...why };
      if (final) log.error(line, 'job failed, no attempt left');
      else log.warn(line, 'job failed, will be retried');
    });
    w.on('error', (err) => workerErrors(w.name, err));
  }
  await startMaintenanceSchedules(queues.maintenance);
  await startSegmentSchedules(queues.segments, deps.stores);
  // Summaries that fell due while no worker ran are queued now (once, whatever the workers starting).
  await startReportSchedules(redis, queues.reports, deps.stores, config.prefix, obs.now?.() ?? Date.now());
  let listener: MetricsListener | null = null;
  if (obs.metricsPort !== undefined) {
    listener = await startMetricsListener({
      port: obs.metricsPort,
      orFreePort: obs.metricsPortOrFree,
      host: config.host,
      registry,
      keys: new ApiKeys(redis, config.prefix, config.adminToken),
      redis,
      log,
    });
  }
  const heartbeat = startWorkerHeartbeat(redis, config.prefix, name);
  log.info({ prefix: config.prefix, concurrency: config.workerConcurrency }, 'workers started');
  return {
    registry,
    metricsPort: listener?.port,
    async close() {
      // Not ready while the jobs in flight finish; the listener goes with the workers.
      listener?.drain();
      await Promise.all([
        events.close(),
        maintenance.close(),
        segments.close(),
        notify.close(),
        imports.close(),
        reports.close(),
      ]);
      // The stores asked for by the last jobs, before the connections go.
      await Promise.race([followUps.idle(), new Promise((r) => setTimeout(r, FOLLOW_UPS_DRAIN_MS).unref())]);
      mailer?.close();
      await heartbeat.close();
      await listener?.close();
      redis.disconnect();
      scanRedis.disconnect();
      connection.disconnect();
    },
  };
}

/** BullMQ's words for a job whose lock expired under its worker: at the renewal, then at each step that needs it. */
const LOCK_LOST = /^(?:could not renew lock|Missing lock) for job (.+?)(?:\. \w+)?$/;
/** Jobs whose lost lock was logged, remembered so that it is logged once per job. */
const LOST_LOCKS_KEPT = 1000;

/**
 * What a BullMQ Worker's 'error' event writes. While Redis is away, every worker and its blocking
 * connection repeat each reconnection attempt's error: those are dropped, since watchConnection
 * logs the outage once per connection. A job whose lock expired meanwhile (an outage or a freeze
 * longer than the lock) is one warning per job — the stalled-job check hands it to a worker again,
 * and its events are applied once. Anything else is an error, stack and all.
 */
function workerErrorLog(log: Logger): (queue: string, err: Error) => void {
  const lostLocks = new Set<string>();
  return (queue, err) => {
    if (isRedisAway(err)) return;
    const lock = LOCK_LOST.exec(err.message);
    if (!lock) {
      log.error({ queue, err }, 'worker error');
      return;
    }
    const key = `${queue}:${lock[1]}`;
    if (lostLocks.has(key)) return;
    lostLocks.add(key);
    if (lostLocks.size > LOST_LOCKS_KEPT) lostLocks.delete(lostLocks.values().next().value!);
    log.warn({ queue, jobId: lock[1], reason: err.message }, 'job lost its lock (Redis away or frozen): it will be run again');
  };
}
