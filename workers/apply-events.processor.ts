/**
 * Applies a batch of events. Each event runs one atomic script that first records it in its
 * store's log, so a retried or duplicated job changes nothing it already applied.
 */
import type { Job } from 'bullmq';
import type { RedisConn } from '../server/redis-connections.js';
import type { EventType, PulseEvent } from '../domain/events.js';
import type { Config } from '../server/config.js';
import { pipelineByGroup } from '../server/redis-exec.js';
import { globalKeys } from '../server/redis-keys.js';
import type { WorkerMetrics } from '../server/observability/metrics.js';
import type { StoreRegistry } from '../server/store-registry.js';
import type { AlertRecord } from '../domain/alerts.js';
import { evaluateStore } from './alerts/engine.js';
import { planEvent, queuePlan } from './event-scripts.js';
import { retentionHorizon } from './retention/expire-log.js';
import type { ApplyEventsJob, ApplyEventsResult } from './queues.js';

export interface ApplyDeps {
  redis: RedisConn;
  stores: StoreRegistry;
  config: Pick<Config, 'prefix' | 'callbackDeadlineMs' | 'complaintDeadlinesMs' | 'retentionDays'>;
  now?: () => number;
  /** Hands a new alert to the webhooks. */
  notify?: (alert: AlertRecord) => Promise<void>;
  metrics?: Pick<
    WorkerMetrics,
    'eventsApplied' | 'eventsDuplicate' | 'applyBatchSeconds' | 'applyEventLagSeconds' | 'alertsRaised'
  >;
}

export async function applyEvents(deps: ApplyDeps, all: PulseEvent[]): Promise<ApplyEventsResult> {
  const { redis, config } = deps;
  const now = deps.now?.() ?? Date.now();
  // Past the retention horizon an event's id may already have left the log, so applying it
  // could count it twice: it is dropped (the API refuses such events; this covers a long backlog).
  const horizon = retentionHorizon(now, config.retentionDays);
  const events = all.filter((e) => Date.parse(e.at) >= horizon);
  await deps.stores.ensure(new Set(events.map((e) => e.store)));
  // One round trip on one Redis; on a Cluster, one pipeline per store (a store's keys share its slot).
  const results = await pipelineByGroup(
    redis,
    events,
    (e) => e.store,
    (p, e) => queuePlan(p, planEvent(e, config.prefix, config)),
  );
  const changed = new Map<string, Set<EventType>>();
  let applied = 0;
  results.forEach(([err, res], i) => {
    if (err) throw err;
    if (Number(res) === 1) {
      applied++;
      const e = events[i]!;
      const types = changed.get(e.store) ?? new Set();
      types.add(e.type);
      changed.set(e.store, types);
    }
  });
  // The walls hear of the new figures first; the alert rules (a few ms a store) run after.
  const channel = globalKeys(config.prefix).changedChannel;
  for (const store of changed.keys()) await redis.publish(channel, store);
  for (const [store, types] of changed) await evaluateStore(deps, store, now, types);
  return { applied, duplicates: events.length - applied, expired: all.length - events.length };
}

export const createApplyEventsProcessor = (deps: ApplyDeps) => async (job: Job<ApplyEventsJob, ApplyEventsResult>) => {
  const started = performance.now();
  const result = await applyEvents(deps, job.data.events);
  const m = deps.metrics;
  if (m) {
    m.eventsApplied.inc(result.applied);
    m.eventsDuplicate.inc(result.duplicates);
    m.applyBatchSeconds.observe((performance.now() - started) / 1000);
    m.applyEventLagSeconds.observe(Math.max(0, Date.now() - job.data.receivedAt) / 1000);
  }
  return result;
};
