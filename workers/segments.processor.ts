/**
 * Customer value (客户价值) of one store: scans its event log, classifies its customers and
 * stores the counts and the call list of high-value customers likely to churn. Runs on its own
 * queue and worker (concurrency 1), so a long scan never holds up the event workers.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Job } from 'bullmq';
import type { RedisConn } from '../core/redis/connections.js';
import { SEGMENT_CLASSES } from '../domain/kpis.js';
import type { ChurnCustomerItem } from '../domain/work-lists.js';
import type { Config } from '../core/config.js';
import type { StoreRegistry } from '../core/books/store-registry.js';
import type { SegmentsJob, SegmentsResult } from '../core/jobs/queues.js';
import { classifyColumns } from '../core/segments/classify.js';
import { aggregateAt, CustomerValueFold, worthParsing, type CustomerAggregate } from './segments/fold.js';
import { scanLog, type ScanStats } from './segments/scan-log.js';
import { loggedCount } from '../core/events/event-log.js';
import { syncSegmentSchedules, type SegmentsQueue } from '../core/jobs/segments.js';
import { HIGH_CHURN_CAP, writeSegments } from '../core/segments/segment-store.js';

export interface SegmentsDeps {
  redis: RedisConn;
  stores: StoreRegistry;
  queue: SegmentsQueue;
  config: Pick<Config, 'prefix' | 'churnDays'>;
  now?: () => number;
}

export interface ScanProgress {
  scanned: number;
  total: number;
}

/** Progress is reported at most this often (each report is a Redis write and an event). */
const PROGRESS_EVERY_MS = 250;

const HIGH_CHURN = SEGMENT_CLASSES.indexOf('highChurn');

/** The call list's order: most valuable first, then the longest silent, then by id. */
const byValue = (a: CustomerAggregate, b: CustomerAggregate) =>
  b.valueFen - a.valueFen || (a.lastActivity ?? 0) - (b.lastActivity ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function churnItem(c: CustomerAggregate): ChurnCustomerItem {
  const customer: ChurnCustomerItem['customer'] = { id: c.id };
  if (c.name !== undefined) customer.name = c.name;
  if (c.phone !== undefined) customer.phone = c.phone;
  return {
    customer,
    value: c.valueFen / 100,
    lastActivity: c.lastActivity === null ? null : new Date(c.lastActivity).toISOString(),
  };
}

export async function computeSegments(
  deps: Pick<SegmentsDeps, 'redis' | 'config'>,
  store: string,
  now: number,
  onProgress?: (p: ScanProgress) => Promise<void>,
): Promise<Extract<SegmentsResult, { kind: 'segment' }>> {
  const { redis, config } = deps;
  const total = await loggedCount(redis, config.prefix, store);
  const fold = new CustomerValueFold(now);
  let reported = 0;
  const report = (stats: ScanStats) => onProgress?.({ scanned: Math.min(stats.scanned, total), total }) ?? Promise.resolve();
  await report({ scanned: 0, unreadable: 0 });
  const stats = await scanLog(
    redis,
    config.prefix,
    store,
    (e) => fold.add(e),
    async (s) => {
      if (Date.now() - reported < PROGRESS_EVERY_MS) return;
      reported = Date.now();
      await report(s);
    },
    { worthParsing },
  );
  await onProgress?.({ scanned: total, total });

  // Each step below walks every customer once; the event workers get a turn between them.
  const customers = fold.result();
  await yieldToEventLoop();
  const { counts, cutoffFen, classes } = classifyColumns(customers.valueFen, customers.lastActivity, now, config.churnDays);
  await yieldToEventLoop();
  const highChurn: CustomerAggregate[] = [];
  classes.forEach((cls, i) => {
    if (cls === HIGH_CHURN) highChurn.push(aggregateAt(customers, i));
  });
  highChurn.sort(byValue);
  const computedAt = new Date(now).toISOString();
  await writeSegments(
    redis,
    config.prefix,
    store,
    {
      computedAt,
      counts,
      customers: customers.ids.length,
      cutoff: cutoffFen === null ? null : cutoffFen / 100,
      churnDays: config.churnDays,
      scanned: stats.scanned,
    },
    highChurn.slice(0, HIGH_CHURN_CAP).map(churnItem),
  );
  return { kind: 'segment', store, computedAt, counts, customers: customers.ids.length, scanned: stats.scanned };
}

export const createSegmentsProcessor =
  (deps: SegmentsDeps) =>
  async (job: Job<SegmentsJob, SegmentsResult>): Promise<SegmentsResult> => {
    const data = job.data;
    if (data.kind === 'sync') return { kind: 'sync', upserted: await syncSegmentSchedules(deps.queue, deps.stores) };
    const now = data.now ?? deps.now?.() ?? Date.now();
    return computeSegments(deps, data.store, now, (p) => job.updateProgress(p));
  };
