/**
 * Time moves even when no event arrives: every minute each store's seq is bumped (its pending
 * callbacks may have become missed, complaints overdue) so the walls refresh, and the whole
 * alert rule set runs. `recheck` does the same for one store after its settings change.
 */
import type { Job } from 'bullmq';
import { execAll } from '../server/redis-exec.js';
import { globalKeys, storeKeys } from '../server/redis-keys.js';
import { dispatch, evaluateStore } from './alerts/engine.js';
import { expireStoreLog } from './retention/expire-log.js';
import type { ApplyDeps } from './apply-events.processor.js';
import type { MaintenanceJob } from './queues.js';

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

export const createMaintenanceProcessor = (deps: ApplyDeps) => async (job: Job<MaintenanceJob>) => {
  const now = deps.now?.() ?? Date.now();
  if (job.data.kind === 'retention') {
    let expired = 0;
    for (const store of (await deps.stores.all()).keys()) expired += (await expireStoreLog(deps, store, now)).expired;
    return { expired };
  }
  const targets = job.data.kind === 'tick' ? [...(await deps.stores.all()).keys()] : [job.data.store];
  for (const store of targets) await refreshStore(deps, store, now);
  return { stores: targets.length };
};
