/**
 * Time moves even when no event arrives: every minute each store's seq is bumped (its pending
 * callbacks may have become missed, complaints overdue) so the walls refresh, and overdue and
 * budget alerts are checked. `recheck` does the same for one store after its settings change.
 */
import type { Job } from 'bullmq';
import { globalKeys, storeKeys } from '../server/redis-keys.js';
import { checkBudgets } from './alerts/budget-alerts.js';
import { checkOverdueComplaints } from './alerts/complaint-alerts.js';
import type { ApplyDeps } from './apply-events.processor.js';
import type { MaintenanceJob } from './queues.js';

export async function refreshStore(deps: ApplyDeps, store: string, timezone: string, now: number): Promise<void> {
  const { redis, config } = deps;
  await checkOverdueComplaints(redis, config.prefix, store, now, config.complaintDeadlinesMs);
  await checkBudgets(redis, config.prefix, store, timezone, now);
  await redis.incr(storeKeys(config.prefix, store).seq);
  await redis.publish(globalKeys(config.prefix).changedChannel, store);
}

export const createMaintenanceProcessor = (deps: ApplyDeps) => async (job: Job<MaintenanceJob>) => {
  const now = deps.now?.() ?? Date.now();
  const all = await deps.stores.all();
  const targets = job.data.kind === 'tick' ? [...all.keys()] : [job.data.store];
  for (const store of targets) {
    await refreshStore(deps, store, all.get(store)?.timezone ?? 'Asia/Shanghai', now);
  }
  return { stores: targets.length };
};
