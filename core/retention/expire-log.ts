/**
 * Retention: raw events older than `retentionDays` leave the store's log; the figures of their
 * days are kept for good (daily-rollup.ts). The aggregates the scripts maintain stay as they are —
 * they are compact, and the current figures never read that far back.
 */
import type { RedisConn } from '../redis/connections.js';
import type { Config } from '../config.js';
import type { ReadOptions } from '../kpi/read-store.js';
import { storeKeys } from '../redis/keys.js';
import type { StoreRegistry } from '../books/store-registry.js';
import { readSegments } from '../segments/read-segments.js';
import { keepDays } from './daily-rollup.js';
import { loggedTime } from '../events/logged-event.js';
import { forgetLogged, scanLogged } from '../events/event-log.js';

const D = 24 * 3600_000;

export interface RetentionDeps {
  redis: RedisConn;
  stores: StoreRegistry;
  config: Pick<Config, 'prefix' | 'callbackDeadlineMs' | 'retentionDays'>;
}

/** The oldest event time the log keeps at `now`. */
export const retentionHorizon = (now: number, retentionDays: number): number => now - retentionDays * D;

export async function expireStoreLog(
  deps: RetentionDeps,
  store: string,
  now: number,
): Promise<{ expired: number; daysKept: number }> {
  const { redis, config } = deps;
  const { obsolete } = storeKeys(config.prefix, store);
  // Keys of an earlier layout, no longer read (core/redis/keys.ts): freed on the first run.
  await redis.unlink(...obsolete);
  const horizon = retentionHorizon(now, config.retentionDays);
  let expired = 0;
  let oldest = Infinity;
  await scanLogged(redis, config.prefix, store, async (entries) => {
    const old = entries.filter((e) => loggedTime(e.raw) < horizon);
    for (const e of old) oldest = Math.min(oldest, loggedTime(e.raw));
    expired += await forgetLogged(redis, config.prefix, store, old);
  });
  if (!expired) return { expired, daysKept: 0 };
  const settings = (await deps.stores.get(store)) ?? { name: store, timezone: 'Asia/Shanghai' };
  const opts: ReadOptions = { prefix: config.prefix, callbackDeadlineMs: config.callbackDeadlineMs, readSegments };
  const daysKept = await keepDays(redis, store, settings, oldest, horizon, now, opts);
  return { expired, daysKept };
}
