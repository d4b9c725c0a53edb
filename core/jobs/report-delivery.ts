/**
 * When the weekly and monthly summaries go out (reports.md, "Report pages and delivery"): one
 * BullMQ job scheduler per store and cadence, at Monday 09:00 and the 1st 09:00 in the store's own
 * zone, kept by id however many workers run. A scheduler's job (`due`) queues the summary of the
 * period that fell due as one `deliver` job whose id names the store and the period, so the
 * scheduler, a catch-up and a second worker all queue it once.
 *
 * A worker that was down at 09:00 misses nothing: when workers start, and on every store's minute
 * recheck, `catchUpReports` looks at the store's last due week and month and queues any whose
 * summary is not settled yet (only those: a summary is news for a week or a month, not a backlog).
 */
import type { Queue, RepeatOptions } from 'bullmq';
import {
  DELIVERY_PATTERNS,
  REPORT_CADENCES,
  lastDuePeriod,
  wantsSummary,
  type ReportCadence,
  type ReportDeliveryRecord,
} from '../../domain/report-delivery.js';
import { DEFAULT_TIMEZONE } from '../../domain/settings.js';
import type { RedisConn } from '../redis/connections.js';
import type { StoreRegistry } from '../books/store-registry.js';
import { isPeriodDone, loadReportDelivery } from '../books/report-delivery-book.js';
import type { ReportsJob, ReportsResult } from './queues.js';

export type ReportsQueue = Queue<ReportsJob, ReportsResult>;

export const reportSchedulerId = (store: string, cadence: ReportCadence) => `report-${cadence}-${store}`;
export const REPORTS_SYNC_SCHEDULER = 'reports-sync';
const SYNC_EVERY_MS = 3600_000;

/** BullMQ refuses custom ids with ':'; store codes and period ids hold none. */
export const deliverJobId = (store: string, period: string) => `report.${store}.${period}`;

/**
 * A summary is retried with doubling delays, ten tries over about an hour and a half (a mail
 * server or a robot down for a while); finished jobs stay longer than a month, so that the same period is not queued again.
 */
export const DELIVER_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 45 * 24 * 3600 },
  removeOnFail: { age: 45 * 24 * 3600 },
} as const;
const DUE_JOB_OPTIONS = { attempts: 5, backoff: { type: 'exponential', delay: 5_000 }, removeOnComplete: { count: 500 } };

/**
 * Creates or updates the store's scheduler of one cadence. `repeat` replaces the cadence's own
 * pattern only in tests, which cannot wait for a Monday.
 */
export async function scheduleReport(
  queue: ReportsQueue,
  store: string,
  cadence: ReportCadence,
  timezone: string,
  repeat: Omit<RepeatOptions, 'key'> = { pattern: DELIVERY_PATTERNS[cadence] },
): Promise<void> {
  await queue.upsertJobScheduler(
    reportSchedulerId(store, cadence),
    { ...repeat, tz: timezone },
    { name: 'due', data: { kind: 'due', store }, opts: DUE_JOB_OPTIONS },
  );
}

/** The store's schedulers as its settings say: one per cadence turned on, none for one turned off. */
export async function scheduleStoreReports(
  queue: ReportsQueue,
  store: string,
  record: ReportDeliveryRecord | null,
  timezone = DEFAULT_TIMEZONE,
): Promise<void> {
  for (const cadence of REPORT_CADENCES) {
    if (record?.settings[cadence]) await scheduleReport(queue, store, cadence, timezone);
    else await queue.removeJobScheduler(reportSchedulerId(store, cadence));
  }
}

/** Brings every store's schedulers in step with its settings and zone (a zone changed, a store's settings came back). */
export async function syncReportSchedules(
  redis: RedisConn,
  queue: ReportsQueue,
  stores: StoreRegistry,
  prefix: string,
): Promise<{ upserted: number; removed: number }> {
  const [all, existing] = await Promise.all([stores.all(), queue.getJobSchedulers(0, -1)]);
  const byId = new Map(existing.map((s) => [s.key, s]));
  let upserted = 0;
  let removed = 0;
  for (const [store, settings] of all) {
    const record = await loadReportDelivery(redis, prefix, store);
    for (const cadence of REPORT_CADENCES) {
      const id = reportSchedulerId(store, cadence);
      const have = byId.get(id);
      if (record?.settings[cadence]) {
        if (have && have.tz === settings.timezone && have.pattern === DELIVERY_PATTERNS[cadence]) continue;
        await scheduleReport(queue, store, cadence, settings.timezone);
        upserted++;
      } else if (have) {
        await queue.removeJobScheduler(id);
        removed++;
      }
    }
  }
  return { upserted, removed };
}

/** Queues one period's summary of one store; false when it is queued or was run already. */
export async function enqueueReportDelivery(queue: ReportsQueue, store: string, period: string): Promise<boolean> {
  const jobId = deliverJobId(store, period);
  // BullMQ ignores an add with an id it holds, without saying so; this look-up only makes the
  // answer right. Two callers racing past it still queue one job.
  if (await queue.getJob(jobId)) return false;
  await queue.add('deliver', { kind: 'deliver', store, period }, { ...DELIVER_JOB_OPTIONS, jobId });
  return true;
}

/**
 * Queues the store's last due week and month whose summary is wanted and not settled; returns
 * the periods queued. One read when the store sends nothing, one more per cadence turned on.
 */
export async function catchUpReports(
  redis: RedisConn,
  queue: ReportsQueue,
  prefix: string,
  store: string,
  timezone: string,
  now: number,
): Promise<string[]> {
  const record = await loadReportDelivery(redis, prefix, store);
  if (!record) return [];
  const queued: string[] = [];
  for (const cadence of REPORT_CADENCES) {
    const period = lastDuePeriod(cadence, now, timezone);
    if (!wantsSummary(record, cadence, period, timezone)) continue;
    if (await isPeriodDone(redis, prefix, store, period.id)) continue;
    if (await enqueueReportDelivery(queue, store, period.id)) queued.push(period.id);
  }
  return queued;
}

/** On worker start: the schedulers in step, the hourly re-sync, and every store's missed summaries queued. */
export async function startReportSchedules(
  redis: RedisConn,
  queue: ReportsQueue,
  stores: StoreRegistry,
  prefix: string,
  now: number,
): Promise<void> {
  await syncReportSchedules(redis, queue, stores, prefix);
  await queue.upsertJobScheduler(REPORTS_SYNC_SCHEDULER, { every: SYNC_EVERY_MS }, { name: 'sync', data: { kind: 'sync' } });
  for (const [store, settings] of await stores.all()) {
    await catchUpReports(redis, queue, prefix, store, settings.timezone, now);
  }
}
