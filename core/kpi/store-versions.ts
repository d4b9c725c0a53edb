/** Each store's change counters, read for hundreds of stores at once. */
import type { RedisConn } from '../redis/connections.js';
import { seqKeys } from '../redis/keys.js';

export interface StoreVersion {
  /** The store's `seq`. */
  seq: number;
  /** `seq − ticks`: moves with the store's data and configuration only. */
  data: number;
}

/**
 * Each store's seq and data version: one MGET over every store's two counters (a command per store
 * costs more on the client than in Redis). On a Redis Cluster, where one MGET cannot span slots,
 * one MGET per store — a store's two counters share its slot — sent together.
 */
export async function readStoreVersions(redis: RedisConn, prefix: string, stores: string[]): Promise<StoreVersion[]> {
  if (stores.length === 0) return [];
  const keys = stores.map((s) => seqKeys(prefix, s));
  const values = redis.isCluster
    ? (await Promise.all(keys.map((k) => redis.mget(k.seq, k.ticks)))).flat()
    : await redis.mget(keys.flatMap((k) => [k.seq, k.ticks]));
  return stores.map((_, i) => {
    const seq = Number(values[2 * i] ?? 0);
    return { seq, data: seq - Number(values[2 * i + 1] ?? 0) };
  });
}
