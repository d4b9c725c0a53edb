/**
 * Prometheus metrics. Each process instance (an app, a set of workers, or both in one process)
 * owns one Registry made here; nothing is registered globally, so several stacks can live in
 * one process (tests) without "metric already registered".
 */
import type { Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type LabelValues } from 'prom-client';
import type { Queues } from '../jobs/queues.js';
import type { Logger, ProcessRole } from './logger.js';

export type { Registry };

/** A registry with the default process metrics (CPU, memory, event loop, GC), labelled with the role. */
export function createRegistry(role: ProcessRole): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, labels: { role } });
  return registry;
}

const SECONDS_FAST = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SECONDS_LAG = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600];

/** A counter by one label, each of whose values is shown at 0 from the start (a rate needs a first sample). */
function countedBy<L extends string>(
  registers: Registry[],
  spec: { name: string; help: string; label: L; values: readonly string[] },
): Counter<L> {
  const counter = new Counter<L>({ name: spec.name, help: spec.help, labelNames: [spec.label], registers });
  for (const value of spec.values) counter.inc({ [spec.label]: value } as LabelValues<L>, 0);
  return counter;
}

export function createServerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    httpRequests: new Counter({
      name: 'pulse_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'pulse_http_request_duration_seconds',
      help: 'Time from a request arriving to its response being sent, by method and route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: SECONDS_FAST,
      registers,
    }),
    eventsAccepted: new Counter({
      name: 'pulse_events_accepted_total',
      help: 'Events accepted by POST /api/v1/events and queued (202)',
      registers,
    }),
    liveSockets: new Gauge({ name: 'pulse_live_sockets', help: 'Sockets connected to /live now', registers }),
    livePushes: countedBy(registers, {
      name: 'pulse_live_pushes_total',
      help: 'Pushes to /live rooms: kpis (a snapshot to one room) and alert (an alert or its update to a store and the group)',
      label: 'kind',
      values: ['kpis', 'alert'],
    }),
  };
}
export type ServerMetrics = ReturnType<typeof createServerMetrics>;

export function createWorkerMetrics(registry: Registry, queueNames: readonly string[]) {
  const registers = [registry];
  return {
    eventsApplied: new Counter({
      name: 'pulse_events_applied_total',
      help: 'Events applied by the workers for the first time',
      registers,
    }),
    eventsDuplicate: new Counter({
      name: 'pulse_events_duplicate_total',
      help: 'Events the workers found already applied (same store and event id): duplicates, retries, replays',
      registers,
    }),
    eventsRejected: countedBy(registers, {
      name: 'pulse_events_rejected_total',
      help: 'Acknowledged events not applied, kept among their store’s rejected events: refused by their script (a sum out of range, a key of the wrong type, a record that cannot be read) or failed in Redis',
      label: 'reason',
      values: ['refused', 'failed'],
    }),
    applyBatchSeconds: new Histogram({
      name: 'pulse_apply_batch_seconds',
      help: 'Time to apply one events job (one POST), alert rules and publish included',
      buckets: SECONDS_FAST,
      registers,
    }),
    applyEventLagSeconds: new Histogram({
      name: 'pulse_apply_event_lag_seconds',
      help: 'Time from the API accepting an events job to a worker having applied it',
      buckets: SECONDS_LAG,
      registers,
    }),
    alertsRaised: new Counter({
      name: 'pulse_alerts_raised_total',
      help: 'Alerts raised by the alert engine, by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    webhookDeliveries: countedBy(registers, {
      name: 'pulse_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered, retrying, failed (no attempts left or refused), skipped (webhook gone or disabled)',
      label: 'outcome',
      values: ['delivered', 'retrying', 'failed', 'skipped'],
    }),
    jobsFailed: countedBy(registers, {
      name: 'pulse_jobs_failed_total',
      help: 'Failed job attempts by queue (each failed attempt counts, retried or not)',
      label: 'queue',
      values: queueNames,
    }),
  };
}
export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

interface QueueStats {
  counts: Map<string, Record<(typeof QUEUE_STATES)[number], number>>;
  lagSeconds: Map<string, number>;
}

/**
 * `pulse_queue_jobs{queue,state}` and `pulse_queue_lag_seconds{queue}`, read from Redis when
 * scraped and kept `cacheMs`, so several scrapers (or one impatient one) cost one read. A Redis
 * that does not answer within `timeoutMs` leaves the series out of that scrape rather than hang it.
 */
export function registerQueueMetrics(
  registry: Registry,
  queues: Queues,
  log: Logger,
  opts: { cacheMs?: number; timeoutMs?: number } = {},
): void {
  const cacheMs = opts.cacheMs ?? 2000;
  const timeoutMs = opts.timeoutMs ?? 2000;
  const list = Object.values(queues);
  let cached: { at: number; stats: Promise<QueueStats | null> } | null = null;

  const read = async (): Promise<QueueStats> => {
    const now = Date.now();
    const stats: QueueStats = { counts: new Map(), lagSeconds: new Map() };
    await Promise.all(
      list.map(async (q) => {
        const c = await q.getJobCounts(...QUEUE_STATES);
        stats.counts.set(q.name, {
          waiting: c.waiting ?? 0,
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          failed: c.failed ?? 0,
        });
        // The head of the wait list is the job the next free worker takes: the oldest waiting.
        // A scheduled or delayed job is due at timestamp + delay; every other one since it was added.
        const [head] = c.waiting ? await q.getWaiting(0, 0) : [];
        const since = head ? head.timestamp + (head.opts.delay ?? 0) : now;
        stats.lagSeconds.set(q.name, Math.max(0, now - since) / 1000);
      }),
    );
    return stats;
  };

  const stats = (): Promise<QueueStats | null> => {
    if (cached && Date.now() - cached.at < cacheMs) return cached.stats;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    const pending = Promise.race([read(), timeout])
      .catch((err: unknown) => {
        log.warn({ err }, 'queue metrics unavailable');
        cached = null;
        return null;
      })
      .finally(() => clearTimeout(timer));
    cached = { at: Date.now(), stats: pending };
    return pending;
  };

  new Gauge({
    name: 'pulse_queue_jobs',
    help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, failed), read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      const s = await stats();
      this.reset();
      if (!s) return;
      for (const [queue, counts] of s.counts) for (const state of QUEUE_STATES) this.set({ queue, state }, counts[state]);
    },
  });
  new Gauge({
    name: 'pulse_queue_lag_seconds',
    help: 'Age of the oldest waiting job of each queue (0 when none waits), read at scrape time',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      const s = await stats();
      this.reset();
      if (!s) return;
      for (const [queue, lag] of s.lagSeconds) this.set({ queue }, lag);
    },
  });
}

/** GET /metrics: the text exposition format of the registry. */
export const metricsHandler = (registry: Registry) => async (_req: Request, res: Response) => {
  const body = await registry.metrics();
  res.setHeader('Content-Type', registry.contentType);
  res.send(body);
};
