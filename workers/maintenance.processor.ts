/**
 * Time moves even when no event arrives: every minute each store's seq is bumped (its pending
 * callbacks may have become missed, complaints overdue) so the walls refresh, and the whole
 * alert rule set runs. `recheck` does that for one store: the minute's `tick` (one per deployment,
 * kept by BullMQ's job scheduler) adds a recheck per store, so the stores spread over every worker
 * process; settings changes add one for their store.
 */
import type { Job } from 'bullmq';
import { execAll } from '../core/redis/exec.js';
import { globalKeys, storeKeys } from '../core/redis/keys.js';
import { dispatch, evaluateStore } from './alerts/engine.js';
import { expireStoreLog } from '../core/retention/expire-log.js';
import type { ApplyDeps } from './apply-events.processor.js';
import type { MaintenanceJob, Queues } from '../core/jobs/queues.js';
import { enqueueTickRechecks } from '../core/jobs/enqueue.js';
import { catchUpReports, type ReportsQueue } from '../core/jobs/report-delivery.js';
import { DEFAULT_TIMEZONE } from '../domain/settings.js';
import { keepClosingValues } from '../core/reports/closing-values.js';

export async function refreshStore(deps: ApplyDeps, store: string, now: number): Promise<void> {
  const { redis, config } = deps;
  await evaluateStore(deps, store, now);
  // Alerts a crash left between being kept and being handed to the webhooks.
  await dispatch(deps, store);
  const k = storeKeys(config.prefix, store);
  // Counted as a tick too: the store's figures move with time, its data has not changed.
  await execAll(redis.multi().incr(k.seq).incr(k.ticks));
  await redis.publish(globalKeys(config.prefix).changedChannel, store);
}

/** The summaries' queue, and their clock when a test pins it. */
export interface ReportsCatchUp {
  queue: ReportsQueue;
  now?: () => number;
}

/**
 * A store's weekly or monthly summary that fell due while no worker ran (or whose scheduler was
 * late) is queued by the store's next minute recheck; a failure here waits for the next one.
 */
async function catchUpStoreReports(deps: ApplyDeps & { reports?: ReportsCatchUp }, store: string, now: number) {
  if (!deps.reports) return;
  try {
    const zone = (await deps.stores.get(store))?.timezone ?? DEFAULT_TIMEZONE;
    const at = deps.reports.now?.() ?? now;
    await catchUpReports(deps.redis, deps.reports.queue, deps.config.prefix, store, zone, at);
  } catch (err) {
    deps.log?.error({ err, store }, 'could not check the store for summaries due');
  }
}

/** The store's parts kept for the servers, written again if they would not hold through the next minute. */
async function renewKeptParts(deps: ApplyDeps, store: string, now: number) {
  try {
    await deps.keep?.renew(store, now);
  } catch (err) {
    deps.log?.error({ err, store }, 'could not keep the store’s parts');
  }
}

/** The figures of the store's periods that closed since the last minute, kept for their revision notices. */
async function keepStoreClosings(deps: ApplyDeps, store: string, now: number) {
  try {
    const zone = (await deps.stores.get(store))?.timezone ?? DEFAULT_TIMEZONE;
    await keepClosingValues(deps.redis, deps.config, store, zone, now);
  } catch (err) {
    deps.log?.error({ err, store }, 'could not keep the figures of the periods that closed');
  }
}

export const createMaintenanceProcessor =
  (deps: ApplyDeps & { queue: Queues['maintenance']; reports?: ReportsCatchUp }) => async (job: Job<MaintenanceJob>) => {
    const now = deps.now?.() ?? Date.now();
    if (job.data.kind === 'retention') {
      let expired = 0;
      for (const store of (await deps.stores.all()).keys()) expired += (await expireStoreLog(deps, store, now)).expired;
      return { expired };
    }
    if (job.data.kind === 'tick') {
      // The walls' freshness reads this: a tick that stops coming is a pipeline running late.
      await deps.redis.set(globalKeys(deps.config.prefix).lastTick, String(now));
      const stores = [...(await deps.stores.all()).keys()];
      await enqueueTickRechecks(deps.queue, job.id ?? `tick-${now}`, stores);
      return { stores: stores.length };
    }
    await refreshStore(deps, job.data.store, now);
    await renewKeptParts(deps, job.data.store, now);
    await keepStoreClosings(deps, job.data.store, now);
    await catchUpStoreReports(deps, job.data.store, now);
    return { stores: 1 };
  };
