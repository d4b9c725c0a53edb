/** The log of planned spends a manager let through the breaker, kept with the store. */
import type { RedisConn } from '../redis/connections.js';
import type { BudgetOverride } from '../../domain/breaker.js';
import { execAll } from '../redis/exec.js';
import { storeKeys } from '../redis/keys.js';

const KEEP = 1000;

export async function logOverride(redis: RedisConn, prefix: string, o: BudgetOverride): Promise<void> {
  const k = storeKeys(prefix, o.store);
  // The budget line shows the count: the store's snapshot is a new one.
  await execAll(
    redis
      .multi()
      .lpush(k.overrides, JSON.stringify(o))
      .ltrim(k.overrides, 0, KEEP - 1)
      .hincrby(k.overrideCount, o.budgetId, 1)
      .incr(k.seq),
  );
}

/** Newest first; optionally one budget's or one month's only. */
export async function listOverrides(
  redis: RedisConn,
  prefix: string,
  store: string,
  filter: { budgetId?: string; month?: string } = {},
): Promise<BudgetOverride[]> {
  const raw = await redis.lrange(storeKeys(prefix, store).overrides, 0, -1);
  return raw
    .map((j) => JSON.parse(j) as BudgetOverride)
    .filter((o) => (!filter.budgetId || o.budgetId === filter.budgetId) && (!filter.month || o.month === filter.month));
}
