/** Budgets live with their store (one slot per store); an index finds a budget's store by id. */
import type { Redis } from 'ioredis';
import type { BudgetSettings } from '../domain/settings.js';
import { globalKeys, storeKeys } from './redis-keys.js';

export async function saveBudget(redis: Redis, prefix: string, budgetId: string, b: BudgetSettings): Promise<void> {
  const g = globalKeys(prefix);
  const previousStore = await redis.hget(g.budgetStore, budgetId);
  if (previousStore && previousStore !== b.store) {
    await redis.hdel(storeKeys(prefix, previousStore).budgets, budgetId);
  }
  await redis.hset(storeKeys(prefix, b.store).budgets, budgetId, JSON.stringify(b));
  await redis.hset(g.budgetStore, budgetId, b.store);
}

export async function loadBudget(redis: Redis, prefix: string, budgetId: string): Promise<BudgetSettings | null> {
  const store = await redis.hget(globalKeys(prefix).budgetStore, budgetId);
  const json = store ? await redis.hget(storeKeys(prefix, store).budgets, budgetId) : null;
  return json ? (JSON.parse(json) as BudgetSettings) : null;
}
