/**
 * The jobs the API and the workers hand each other, one function each: callers name what they
 * want done, the job names and BullMQ options stay here, next to the queues.
 */
import type { PulseEvent } from '../../domain/events.js';
import { APPLY_JOB_OPTIONS, IMPORT_JOB_OPTIONS, type MaintenanceJob, type Queues } from './queues.js';

/**
 * Queues events to be applied. `jobId` fixes the job's id (an import's batch), so adding it again
 * adds nothing; without it every call is a job of its own. `history`: the events are the store's
 * past as loaded (reports do not flag them as late).
 */
export async function enqueueApply(
  queue: Queues['events'],
  events: PulseEvent[],
  receivedAt: number,
  jobId?: string,
  history = false,
): Promise<void> {
  const opts = jobId === undefined ? APPLY_JOB_OPTIONS : { ...APPLY_JOB_OPTIONS, jobId };
  await queue.add('apply', history ? { events, receivedAt, history } : { events, receivedAt }, opts);
}

/** Queues a stored CSV import; its id is the job's, so an import is queued once. */
export async function enqueueImport(queue: Queues['imports'], importId: string): Promise<void> {
  await queue.add('import', { importId }, { ...IMPORT_JOB_OPTIONS, jobId: importId });
}

/** Asks the workers to evaluate one store again (its settings, rules or budgets changed). */
export async function requestRecheck(queue: Queues['maintenance'], store: string): Promise<void> {
  await queue.add('recheck', { kind: 'recheck', store }, { removeOnComplete: true, attempts: 5 });
}

/** The per-store jobs of one tick. Their ids derive from the tick's, so a retried tick adds none twice. */
export function tickRechecks(tickJobId: string, stores: Iterable<string>) {
  // BullMQ refuses custom ids with ':' (its key separator); scheduler job ids carry one.
  const tick = tickJobId.replaceAll(':', '_');
  return [...stores].map((store) => ({
    name: 'recheck',
    data: { kind: 'recheck', store } satisfies MaintenanceJob,
    opts: {
      jobId: `${tick}-${store}`,
      attempts: 3,
      removeOnComplete: { age: 3600, count: 5000 },
      removeOnFail: { age: 24 * 3600 },
    },
  }));
}

/** Queues the rechecks of one tick, one job per store (see `tickRechecks`). */
export async function enqueueTickRechecks(
  queue: Queues['maintenance'],
  tickJobId: string,
  stores: Iterable<string>,
): Promise<void> {
  await queue.addBulk(tickRechecks(tickJobId, stores));
}

export const TICK_SCHEDULER = 'every-minute';
/** Raw events past the retention horizon leave the log a few times a day. */
export const RETENTION_SCHEDULER = 'retention';

/** The minute's tick and the retention runs: one scheduler each for the whole deployment (BullMQ keeps them by id). */
export async function startMaintenanceSchedules(queue: Queues['maintenance']): Promise<void> {
  await queue.upsertJobScheduler(TICK_SCHEDULER, { every: 60_000 }, { name: 'tick', data: { kind: 'tick' } });
  await queue.upsertJobScheduler(
    RETENTION_SCHEDULER,
    { every: 6 * 3600_000 },
    { name: 'retention', data: { kind: 'retention' } },
  );
}
