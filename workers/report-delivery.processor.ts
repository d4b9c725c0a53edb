/**
 * The scheduled summaries' jobs (core/jobs/report-delivery.ts): `due` queues the store's summaries
 * that fell due, `deliver` sends one (workers/report-delivery/deliver.ts), `sync` keeps the
 * schedulers in step with the stores.
 */
import type { Job } from 'bullmq';
import { DEFAULT_TIMEZONE } from '../domain/settings.js';
import type { ReportsJob, ReportsResult } from '../core/jobs/queues.js';
import { catchUpReports, syncReportSchedules, type ReportsQueue } from '../core/jobs/report-delivery.js';
import { deliverReport, type ReportDeliveryDeps } from './report-delivery/deliver.js';

export type ReportsDeps = ReportDeliveryDeps & { queue: ReportsQueue };

/**
 * A scheduler's job may be taken a moment before 09:00 by a clock a little behind the one that
 * queued it: it counts as on time, or it would find last week's summary, long sent, and this
 * week's would wait for the next minute's check.
 */
export const DUE_GRACE_MS = 60_000;

export const createReportsProcessor =
  (deps: ReportsDeps) =>
  async (job: Job<ReportsJob, ReportsResult>): Promise<ReportsResult> => {
    const data = job.data;
    if (data.kind === 'deliver') return deliverReport(deps, data.store, data.period);
    if (data.kind === 'sync') {
      return { kind: 'sync', ...(await syncReportSchedules(deps.redis, deps.queue, deps.stores, deps.config.prefix)) };
    }
    const now = (deps.now?.() ?? Date.now()) + DUE_GRACE_MS;
    const zone = (await deps.stores.get(data.store))?.timezone ?? DEFAULT_TIMEZONE;
    const queued = await catchUpReports(deps.redis, deps.queue, deps.config.prefix, data.store, zone, now);
    return { kind: 'due', queued };
  };
