/** Queue names and job data: the contract between the API (producer) and the workers. */
import { Queue, type ConnectionOptions } from 'bullmq';
import type { PulseEvent } from '../domain/events.js';
import { queuePrefix } from '../server/redis-keys.js';

export const EVENTS_QUEUE = 'events';
export const MAINTENANCE_QUEUE = 'maintenance';

export interface ApplyEventsJob {
  events: PulseEvent[];
  receivedAt: number;
}
export interface ApplyEventsResult {
  applied: number;
  duplicates: number;
}

export type MaintenanceJob = { kind: 'tick' } | { kind: 'recheck'; store: string };

/** Applying events is idempotent, so a failed job is retried until it succeeds. */
export const APPLY_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { count: 1000 },
  removeOnFail: false,
} as const;

export function createQueues(connection: ConnectionOptions, prefix: string) {
  const opts = { connection, prefix: queuePrefix(prefix) };
  return {
    events: new Queue<ApplyEventsJob, ApplyEventsResult>(EVENTS_QUEUE, opts),
    maintenance: new Queue<MaintenanceJob>(MAINTENANCE_QUEUE, opts),
  };
}
export type Queues = ReturnType<typeof createQueues>;
