/** Queue names and job data: the contract between the API (producer) and the workers. */
import { Queue, type ConnectionOptions } from 'bullmq';
import type { AlertRecord } from '../../domain/alerts.js';
import type { PulseEvent } from '../../domain/events.js';
import type { SegmentClass } from '../../domain/kpis.js';
import type { DeliveryPolicy } from '../../domain/webhooks.js';
import { queuePrefix } from '../redis/keys.js';

export const EVENTS_QUEUE = 'events';
export const MAINTENANCE_QUEUE = 'maintenance';
export const SEGMENTS_QUEUE = 'segments';
export const NOTIFY_QUEUE = 'notify';
export const IMPORTS_QUEUE = 'imports';
export const REPORTS_QUEUE = 'reports';

export interface ApplyEventsJob {
  events: PulseEvent[];
  receivedAt: number;
  /** A history load: the events are the store's past as loaded, never late for a report. */
  history?: boolean;
}
export interface ApplyEventsResult {
  applied: number;
  duplicates: number;
  /** Not applied: refused by their script or failed in Redis, kept among the store's rejected events. */
  rejected: number;
  /** Older than the retention horizon: dropped. */
  expired?: number;
}

/** tick: every minute; recheck: one store after its settings changed; retention: expire old raw events. */
export type MaintenanceJob = { kind: 'tick' } | { kind: 'recheck'; store: string } | { kind: 'retention' };

/**
 * Customer value (客户价值) of one store, or keeping each store's nightly schedule in step with
 * the registry. `now` (ms) pins the clock; without it the job uses the time it runs.
 */
export type SegmentsJob = { kind: 'segment'; store: string; now?: number } | { kind: 'sync' };
export type SegmentsResult =
  | {
      kind: 'segment';
      store: string;
      computedAt: string;
      counts: Record<SegmentClass, number>;
      customers: number;
      scanned: number;
    }
  | { kind: 'sync'; upserted: number };

/** Applying events is idempotent, so a failed job is retried until it succeeds. */
export const APPLY_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1000 },
  removeOnFail: false,
} as const;

/** A failed segmentation is retried a few times; finished jobs stay a day for the status endpoint. */
export const SEGMENTS_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 10_000 },
  removeOnComplete: { age: 24 * 3600, count: 200 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** One alert to one webhook. The alert travels whole: the notification says what was raised, even if it changed since. */
export interface NotifyJob {
  store: string;
  webhookId: string;
  alert: AlertRecord;
}
/** skipped: the webhook was deleted or disabled before its turn came. */
export type NotifyResult = { outcome: 'delivered'; httpStatus: number } | { outcome: 'skipped' };

/**
 * A notification is retried with doubling delays until it is delivered or its attempts run out;
 * finished jobs stay a day (so the same alert is not sent twice), failed ones a week, to look at.
 */
export const notifyJobOptions = (policy: Pick<DeliveryPolicy, 'attempts' | 'backoffMs'>) =>
  ({
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  }) as const;

/** A CSV import: the file and its status wait in Redis under the import id (core/books/import-book.ts). */
export interface ImportJob {
  importId: string;
}
export interface ImportResult {
  rows: number;
  accepted: number;
  rejected: number;
}

/** An import is retried a few times (re-reading a file is harmless: event ids); kept a week. */
export const IMPORT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/**
 * Scheduled summaries (core/jobs/report-delivery.ts). due: a store's Monday or 1st-of-the-month
 * 09:00 came (its scheduler), or a check found a due summary not yet sent; deliver: send one
 * period's summary of one store on every channel; sync: bring the schedulers in step with the stores.
 */
export type ReportsJob = { kind: 'due'; store: string } | { kind: 'deliver'; store: string; period: string } | { kind: 'sync' };
export type ChannelOutcome = 'sent' | 'already' | 'busy' | 'failed' | 'skipped';
export type ReportsResult =
  | { kind: 'due'; queued: string[] }
  | { kind: 'deliver'; period: string; channels: Record<string, ChannelOutcome> }
  | { kind: 'sync'; upserted: number; removed: number }
  | { kind: 'skipped'; reason: string };

export function createQueues(connection: ConnectionOptions, prefix: string) {
  const opts = { connection, prefix: queuePrefix(prefix) };
  return {
    events: new Queue<ApplyEventsJob, ApplyEventsResult>(EVENTS_QUEUE, opts),
    maintenance: new Queue<MaintenanceJob>(MAINTENANCE_QUEUE, opts),
    segments: new Queue<SegmentsJob, SegmentsResult>(SEGMENTS_QUEUE, opts),
    notify: new Queue<NotifyJob, NotifyResult>(NOTIFY_QUEUE, opts),
    imports: new Queue<ImportJob, ImportResult>(IMPORTS_QUEUE, opts),
    reports: new Queue<ReportsJob, ReportsResult>(REPORTS_QUEUE, opts),
  };
}
export type Queues = ReturnType<typeof createQueues>;
