/** Creates the workers and the every-minute scheduler, and closes them cleanly. */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { AlertRecord } from '../domain/alerts.js';
import type { Config } from '../server/config.js';
import { queuePrefix } from '../server/redis-keys.js';
import { StoreRegistry } from '../server/store-registry.js';
import { createApplyEventsProcessor } from './apply-events.processor.js';
import { defineEventScripts } from './event-scripts.js';
import { createMaintenanceProcessor } from './maintenance.processor.js';
import { createNotifyProcessor } from './notify.processor.js';
import { enqueueNotifications } from './notify/enqueue.js';
import { EVENTS_QUEUE, MAINTENANCE_QUEUE, NOTIFY_QUEUE, SEGMENTS_QUEUE, type Queues } from './queues.js';
import { createSegmentsProcessor } from './segments.processor.js';
import { startSegmentSchedules } from './segments/schedule.js';

export const TICK_SCHEDULER = 'every-minute';
/** Raw events past the retention horizon leave the log a few times a day. */
export const RETENTION_SCHEDULER = 'retention';

export interface RunningWorkers {
  close(): Promise<void>;
}

export async function startWorkers(config: Config, redisUrl: string, queues: Queues): Promise<RunningWorkers> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  defineEventScripts(redis);
  const deps = {
    redis,
    stores: new StoreRegistry(redis, config.prefix),
    config,
    // The alert engine hands each raised alert to the store's webhooks through this.
    notify: (alert: AlertRecord) =>
      enqueueNotifications(redis, queues.notify, config.prefix, alert, config.notify).then(() => undefined),
  };
  const prefix = queuePrefix(config.prefix);
  const events = new Worker(EVENTS_QUEUE, createApplyEventsProcessor(deps), {
    connection,
    prefix,
    concurrency: config.workerConcurrency,
  });
  const maintenance = new Worker(MAINTENANCE_QUEUE, createMaintenanceProcessor(deps), { connection, prefix });
  // Customer value scans a whole log: one at a time, on its own worker and Redis connection, so
  // its large replies never queue in front of the event scripts.
  const scanRedis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const segmentsDeps = { ...deps, redis: scanRedis, queue: queues.segments };
  const segments = new Worker(SEGMENTS_QUEUE, createSegmentsProcessor(segmentsDeps), { connection, prefix, concurrency: 1 });
  // Sending waits on other people's servers (up to the timeout each): several at once, so one
  // slow endpoint does not hold up every other store's notifications.
  const notify = new Worker(NOTIFY_QUEUE, createNotifyProcessor(deps), { connection, prefix, concurrency: 8 });
  for (const w of [events, maintenance, segments, notify]) {
    w.on('failed', (job, err) => console.error(`[worker] ${w.name} job ${job?.id} failed: ${err.message}`));
  }
  // One scheduler for the whole deployment, however many workers run: BullMQ keeps it by id.
  await queues.maintenance.upsertJobScheduler(TICK_SCHEDULER, { every: 60_000 }, { name: 'tick', data: { kind: 'tick' } });
  await queues.maintenance.upsertJobScheduler(
    RETENTION_SCHEDULER,
    { every: 6 * 3600_000 },
    { name: 'retention', data: { kind: 'retention' } },
  );
  await startSegmentSchedules(queues.segments, deps.stores);
  return {
    async close() {
      await Promise.all([events.close(), maintenance.close(), segments.close(), notify.close()]);
      redis.disconnect();
      scanRedis.disconnect();
      connection.disconnect();
    },
  };
}
