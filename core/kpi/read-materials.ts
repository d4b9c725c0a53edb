/**
 * A store's materials on their own (the work list, the alert rules): each item's stock, settings
 * and latest stocktake against the books at its moment (read-operations.ts reads the same within
 * the snapshot's round trips).
 */
import type { MaterialLine } from '../../domain/kpis.js';
import type { RedisConn } from '../redis/connections.js';
import { storeKeys } from '../redis/keys.js';
import { withScores } from './day-buckets.js';
import { earliestStocktake, materialLines, stocktakes } from './read-operations.js';

export async function readMaterialLines(
  redis: RedisConn,
  prefix: string,
  store: string,
  timezone: string,
): Promise<MaterialLine[]> {
  const k = storeKeys(prefix, store).materials;
  const [stock, settings, countsRaw] = await Promise.all([
    redis.hgetall(k.stock),
    redis.hgetall(k.settings),
    redis.hgetall(k.counts),
  ]);
  const counts = stocktakes(countsRaw);
  const since = earliestStocktake(counts);
  const moves = since === null ? [] : withScores(await redis.zrangebyscore(k.moves, `(${since}`, '+inf', 'WITHSCORES'));
  return materialLines(store, stock, settings, counts, moves, timezone);
}
