/**
 * Budgets live with their store (one slot per store); an index finds a budget's store by id. A
 * change bumps the store's seq with it: its snapshot is a new one.
 */
import type { RedisConn } from '../redis/connections.js';
import type { BudgetSettings } from '../../domain/settings.js';
import { execAll } from '../redis/exec.js';
import { globalKeys, storeKeys } from '../redis/keys.js';

export async function saveBudget(redis: RedisConn, prefix: string, budgetId: string, b: BudgetSettings): Promise<void> {
  const g = globalKeys(prefix);
  const previousStore = await redis.hget(g.budgetStore, budgetId);
  if (previousStore && previousStore !== b.store) {
    const old = storeKeys(prefix, previousStore);
    await execAll(redis.multi().hdel(old.budgets, budgetId).incr(old.seq));
  }
  const k = storeKeys(prefix, b.store);
  await execAll(redis.multi().hset(k.budgets, budgetId, JSON.stringify(b)).incr(k.seq));
  await redis.hset(g.budgetStore, budgetId, b.store);
}

export async function loadBudget(redis: RedisConn, prefix: string, budgetId: string): Promise<BudgetSettings | null> {
  const store = await redis.hget(globalKeys(prefix).budgetStore, budgetId);
  const json = store ? await redis.hget(storeKeys(prefix, store).budgets, budgetId) : null;
  return json ? (JSON.parse(json) as BudgetSettings) : null;
}
