/**
 * When the segmentation runs: nightly at 03:00 in each store's own time zone (one BullMQ job
 * scheduler per store, kept by id however many workers run), and on demand from the admin API
 * (one waiting or running job per store at a time).
 *
 * Schedulers follow the store registry: they are brought in step when the workers start, every
 * hour (which picks up stores first registered by their events), and at once when a store's
 * settings are saved (`scheduleSegments` from the store PUT handler).
 */
import type { Job, Queue } from 'bullmq';
import { DEFAULT_TIMEZONE } from '../../domain/settings.js';
import type { StoreRegistry } from '../books/store-registry.js';
import { SEGMENTS_JOB_OPTIONS, type SegmentsJob, type SegmentsResult } from './queues.js';

export type SegmentsQueue = Queue<SegmentsJob, SegmentsResult>;

export const NIGHTLY_PATTERN = '0 3 * * *';
export const SYNC_SCHEDULER = 'segments-sync';
export const SYNC_EVERY_MS = 3600_000;
export const schedulerId = (store: string) => `segments-${store}`;

/** Creates or updates the store's nightly run for its time zone. */
export async function scheduleSegments(queue: SegmentsQueue, store: string, timezone = DEFAULT_TIMEZONE): Promise<void> {
  await queue.upsertJobScheduler(
    schedulerId(store),
    { pattern: NIGHTLY_PATTERN, tz: timezone },
    { name: 'segment', data: { kind: 'segment', store }, opts: SEGMENTS_JOB_OPTIONS },
  );
}

/** Upserts the schedulers of stores that have none or a different time zone; returns how many. */
export async function syncSegmentSchedules(queue: SegmentsQueue, stores: StoreRegistry): Promise<number> {
  const [all, existing] = await Promise.all([stores.all(), queue.getJobSchedulers(0, -1)]);
  const tzOf = new Map(existing.map((s) => [s.key, s.tz]));
  let upserted = 0;
  for (const [store, settings] of all) {
    const id = schedulerId(store);
    if (tzOf.has(id) && tzOf.get(id) === settings.timezone) continue;
    await scheduleSegments(queue, store, settings.timezone);
    upserted++;
  }
  return upserted;
}

/** On worker start: every known store's nightly run, and the hourly check for new stores. */
export async function startSegmentSchedules(queue: SegmentsQueue, stores: StoreRegistry): Promise<void> {
  await syncSegmentSchedules(queue, stores);
  await queue.upsertJobScheduler(SYNC_SCHEDULER, { every: SYNC_EVERY_MS }, { name: 'sync', data: { kind: 'sync' } });
}

/**
 * Queues an on-demand run, or returns the store's run already waiting or under way: BullMQ's
 * deduplication id holds until that job completes or fails.
 */
export async function requestSegments(
  queue: SegmentsQueue,
  store: string,
  now?: number,
): Promise<Job<SegmentsJob, SegmentsResult>> {
  const data: SegmentsJob = now === undefined ? { kind: 'segment', store } : { kind: 'segment', store, now };
  const add = () => queue.add('segment', data, { ...SEGMENTS_JOB_OPTIONS, deduplication: { id: schedulerId(store) } });
  const job = await add();
  if (job.id && (await queue.getJob(job.id))) return job;
  // The deduplication key names a job that no longer exists (removed by hand): clear it, add anew.
  await queue.removeDeduplicationKey(schedulerId(store));
  return add();
}
