/**
 * Applies a batch of events. Each event runs one atomic script that applies it whole or not at
 * all and logs it in its store's log with its effect, so a retried or duplicated job changes
 * nothing it already applied. An event its script refuses, or that Redis fails on the data it
 * finds, is kept with the reason among the store's rejected events (core/books/rejected-book.ts),
 * counted and logged; the job goes on. An event Redis cannot run for now (loading, failing over,
 * out of memory, gone) makes the job retry — nothing of it was written — and is rejected likewise
 * on the job's last attempt, so that no job is retried for ever.
 */
import type { Job } from 'bullmq';
import type { RedisConn } from '../core/redis/connections.js';
import type { EventType, PulseEvent } from '../domain/events.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/observability/logger.js';
import { execAll, pipelineByGroup } from '../core/redis/exec.js';
import { deviceKeys, globalKeys } from '../core/redis/keys.js';
import type { WorkerMetrics } from '../core/observability/metrics.js';
import { recordRejected, type RejectedEvent } from '../core/books/rejected-book.js';
import type { StoreRegistry } from '../core/books/store-registry.js';
import type { AlertRecord } from '../domain/alerts.js';
import { celebrationOf, type Celebration } from '../domain/devices.js';
import { evaluateStore } from './alerts/engine.js';
import type { StoreFollowUps } from './store-follow-ups.js';
import { planEvent, queuePlan } from '../core/events/scripts.js';
import { retentionHorizon } from '../core/retention/expire-log.js';
import { scriptOutcome } from '../core/events/script-outcome.js';
import type { ApplyEventsJob, ApplyEventsResult } from '../core/jobs/queues.js';
import type { PartsKeeper } from '../core/kpi/kept-parts.js';

export interface ApplyDeps {
  redis: RedisConn;
  stores: StoreRegistry;
  config: Pick<Config, 'prefix' | 'callbackDeadlineMs' | 'complaintDeadlinesMs' | 'retentionDays'>;
  now?: () => number;
  /** Hands a new alert to the webhooks. */
  notify?: (alert: AlertRecord) => Promise<void>;
  metrics?: Pick<
    WorkerMetrics,
    'eventsApplied' | 'eventsDuplicate' | 'eventsRejected' | 'applyBatchSeconds' | 'applyEventLagSeconds' | 'alertsRaised'
  >;
  log?: Pick<Logger, 'error'>;
  /** Keeps the changed stores' parts in Redis for the servers (core/kpi/kept-parts.ts); absent: not kept. */
  keep?: PartsKeeper;
  /** The worker process' per-store work after a batch, off the job's path (workers/store-follow-ups.ts); absent: done in the job. */
  followUps?: StoreFollowUps;
}

export interface ApplyOptions {
  /** The job's last attempt: an event Redis cannot run for now is rejected instead of retried. */
  lastAttempt?: boolean;
  /** When the events reached the API (late for a report after its period's close); null: a history load. */
  arrivedAt?: number | null;
}

export async function applyEvents(deps: ApplyDeps, all: PulseEvent[], opts: ApplyOptions = {}): Promise<ApplyEventsResult> {
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
    (p, e) => queuePlan(p, planEvent(e, config.prefix, config, opts.arrivedAt === undefined ? now : opts.arrivedAt)),
  );
  const changed = new Map<string, Set<EventType>>();
  const celebrations: Celebration[] = [];
  let applied = 0;
  let duplicates = 0;
  let retry: Error | undefined;
  const rejected: (RejectedEvent & { failed: boolean })[] = [];
  const rejectedAt = new Date(now).toISOString();
  results.forEach((answer, i) => {
    const e = events[i]!;
    const o = scriptOutcome(answer);
    if (o.kind === 'applied') {
      applied++;
      const types = changed.get(e.store) ?? new Set();
      types.add(e.type);
      changed.set(e.store, types);
      const c = celebrationOf(e, now);
      if (c) celebrations.push(c);
    } else if (o.kind === 'duplicate') {
      duplicates++;
    } else if (o.kind === 'retry' && !opts.lastAttempt) {
      retry ??= o.error;
    } else {
      rejected.push({ event: e, reason: o.reason, rejectedAt, failed: o.kind !== 'refused' });
    }
  });
  if (rejected.length) {
    await recordRejected(
      redis,
      config.prefix,
      rejected.map(({ event, reason }) => ({ event, reason, rejectedAt })),
    );
    for (const r of rejected) {
      deps.metrics?.eventsRejected.inc({ reason: r.failed ? 'failed' : 'refused' });
      deps.log?.error(
        { store: r.event.store, eventId: r.event.id, type: r.event.type, reason: r.reason },
        'event rejected: not applied, kept among the store’s rejected events',
      );
    }
  }
  // The walls hear of the new figures first; the alert rules (a few ms a store) run after.
  // TVs with celebrations on show a new order or delivery (applied now, not a duplicate). All the
  // notices on one pipeline, in this order: one round trip.
  if (changed.size || celebrations.length) {
    const notices = redis.pipeline();
    const channel = globalKeys(config.prefix).changedChannel;
    for (const store of changed.keys()) notices.publish(channel, store);
    for (const c of celebrations) notices.publish(deviceKeys(config.prefix).celebrationChannel, JSON.stringify(c));
    await execAll(notices);
  }
  if (deps.followUps) {
    // Beside the jobs: the alert rules and the kept parts of each store changed.
    for (const [store, types] of changed) deps.followUps.ask(store, now, types);
  } else {
    await followUpInline(deps, changed, now);
  }
  // Nothing of the events Redis could not run was written: the retry applies them once.
  if (retry) throw retry;
  return { applied, duplicates, rejected: rejected.length, expired: all.length - events.length };
}

/**
 * The per-store work after a batch (alert rules, then kept parts), for one store. The worker
 * process runs it through StoreFollowUps; without them it runs in the batch (tests, the bench).
 */
export async function followUpStore(deps: ApplyDeps, store: string, now: number, types: ReadonlySet<EventType>): Promise<void> {
  await evaluateStore(deps, store, now, types);
  // Last: the servers read the store themselves until then.
  await deps.keep?.afterBatch([store], now);
}

/**
 * In the batch: the stores side by side (their reads share the connection's round trips), every
 * evaluation ended before the batch is; the first failure then fails it. Kept parts that could
 * not be written are only logged: the events are applied whatever happens there.
 */
async function followUpInline(deps: ApplyDeps, changed: Map<string, Set<EventType>>, now: number): Promise<void> {
  const evaluated = await Promise.allSettled([...changed].map(([store, types]) => evaluateStore(deps, store, now, types)));
  const failed = evaluated.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  if (deps.keep) {
    await deps.keep.afterBatch(changed.keys(), now).catch((err: unknown) => {
      deps.log?.error({ err }, 'could not keep the parts of the stores changed');
    });
  }
}

export const createApplyEventsProcessor = (deps: ApplyDeps) => async (job: Job<ApplyEventsJob, ApplyEventsResult>) => {
  const started = performance.now();
  // attemptsMade counts the attempts finished before this one.
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const arrivedAt = job.data.history ? null : job.data.receivedAt;
  const result = await applyEvents(deps, job.data.events, { lastAttempt, arrivedAt });
  const m = deps.metrics;
  if (m) {
    m.eventsApplied.inc(result.applied);
    m.eventsDuplicate.inc(result.duplicates);
    m.applyBatchSeconds.observe((performance.now() - started) / 1000);
    m.applyEventLagSeconds.observe(Math.max(0, Date.now() - job.data.receivedAt) / 1000);
  }
  return result;
};
