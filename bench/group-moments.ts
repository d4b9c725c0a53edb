/**
 * What a group screen sees at the moments a server has none of the store parts it keeps
 * (core/kpi/parts-cache.ts): a server start (nothing kept), after its parts expired (read 4–5
 * minutes ago, wall clock), and at a store-local midnight (every store of that time zone's day
 * ends). It then takes the parts the workers keep in Redis (core/kpi/kept-parts.ts) and reads only
 * the stores Redis has nothing exact for. The parts in Redis are written by the workers' own code:
 * the batches applied through applyEvents with a PartsKeeper, and the minute recheck's
 * `PartsKeeper.renew` run for every store at each minute of the clock the moments use.
 *
 * Clocks: `KpiService.group(now)` takes the moment it reads at, so midnight is handed to it. The
 * parts' age is wall-clock time (`Date.now()` in parts-cache.ts), which takes no clock: the bench
 * moves the process' `Date.now` ahead for those calls (and puts it back).
 */
import { DateTime } from 'luxon';
import type { RedisConn } from '../core/redis/connections.js';
import type { StoreRegistry } from '../core/books/store-registry.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import { MAX_AGE_MS, type StorePartsReader } from '../core/kpi/parts-cache.js';
import type { PartsKeeper } from '../core/kpi/kept-parts.js';
import { readStoreParts, type ReadOptions } from '../core/kpi/read-store.js';
import { DEFAULT_TIMEZONE } from '../domain/settings.js';
import { median, quantile, round } from './support/measure.js';

type Deps = { redis: RedisConn; stores: StoreRegistry; opts: ReadOptions; keep: PartsKeeper };

export interface Moment {
  /** The group() call's time, the stores it read again and those whose parts it took from Redis. */
  ms: number;
  storesRead: number;
  /** Absent in runs from before the workers kept parts in Redis. */
  fromRedis?: number;
}

export interface GroupMoments {
  serverStart: Moment;
  /** The first call after every store's parts expired, no call in between (a quiet group). */
  allExpired: Moment;
  /** Calls every 250 ms (4 pushes a second) through the minute in which the parts expire. */
  expiring: { calls: number; storesRead: number; medianMs: number; p99Ms: number; maxMs: number; maxStoresRead: number };
  /** The first call at the stores' local midnight, after calls a second before it. */
  midnight: Moment & { at: string; timezone: string };
  /** Stores whose kept parts the minute rechecks wrote again before the moments (`parts` and `:next`). */
  renewed: { parts: number; next: number };
}

/** A live service whose reads of store parts are counted. */
function countingService(d: Deps) {
  let reads = 0;
  const counting: StorePartsReader = (...args) => {
    reads++;
    return readStoreParts(...args);
  };
  return { kpis: new KpiService(d.redis, d.stores, d.opts, counting), reads: () => reads };
}

async function timed(s: ReturnType<typeof countingService>, now?: number): Promise<Moment> {
  const before = s.reads();
  const kept = s.kpis.partsCounts.kept;
  const t = performance.now();
  await s.kpis.group(now);
  return { ms: round(performance.now() - t, 2), storesRead: s.reads() - before, fromRedis: s.kpis.partsCounts.kept - kept };
}

/** Runs `fn` with the process' Date.now moved `offsetMs` ahead. */
async function aheadBy<T>(offsetMs: number, fn: () => Promise<T>): Promise<T> {
  const real = Date.now;
  Date.now = () => real() + offsetMs;
  try {
    return await fn();
  } finally {
    Date.now = real;
  }
}

export async function groupMoments(d: Deps): Promise<GroupMoments> {
  const codes = [...(await d.stores.all()).keys()];
  const renewed = { parts: 0, next: 0 };
  /** The minute tick's rechecks, every store's, at `now` (the workers' code; not timed). */
  const recheck = async (now = Date.now()) => {
    for (const store of codes) {
      const r = await d.keep.renew(store, now);
      renewed.parts += Number(r.parts);
      renewed.next += Number(r.next);
    }
  };
  // A server start: a service that has kept nothing, at the moment of the call.
  await recheck();
  const started = countingService(d);
  const serverStart = await timed(started);

  // The same service, after MAX_AGE_MS with no call in between: every store's parts have expired
  // in the process; the workers' rechecks went on meanwhile.
  const allExpired = await aheadBy(MAX_AGE_MS + 1000, async () => {
    await recheck();
    return timed(started);
  });

  // A busy group room: parts read together expire over a fifth of MAX_AGE_MS (4–5 minutes);
  // a call every 250 ms of that clock from just before the first expiry to just after the last.
  await recheck();
  const live = countingService(d);
  await timed(live);
  const times: number[] = [];
  const reads: number[] = [];
  let minute = 0;
  for (let offset = 0.8 * MAX_AGE_MS - 1000; offset <= MAX_AGE_MS + 1000; offset += 250) {
    const m = await aheadBy(offset, async () => {
      // The minute tick's rechecks, untimed, once the clock enters a new minute.
      if (Math.floor(offset / 60_000) > minute) {
        minute = Math.floor(offset / 60_000);
        await recheck();
      }
      return timed(live);
    });
    times.push(m.ms);
    reads.push(m.storesRead);
  }
  const expiring = {
    calls: times.length,
    storesRead: reads.reduce((a, b) => a + b, 0),
    medianMs: round(median(times), 2),
    p99Ms: round(quantile(times, 0.99), 2),
    maxMs: round(Math.max(...times), 2),
    maxStoresRead: Math.max(...reads),
  };

  // Midnight: the stores' next local midnight handed to group(); calls 2 s and 1 s before it keep
  // every store's parts, the call at midnight finds the day ended for each. The rechecks of the
  // minutes before it (5 and 1 minutes before, handed that clock) wrote the parts of midnight.
  const timezone = DEFAULT_TIMEZONE;
  const midnightAt = DateTime.now().setZone(timezone).plus({ days: 1 }).startOf('day').toMillis();
  await recheck(midnightAt - 5 * 60_000);
  await recheck(midnightAt - 60_000);
  const night = countingService(d);
  await timed(night, midnightAt - 2000);
  await timed(night, midnightAt - 1000);
  const midnight = { ...(await timed(night, midnightAt)), at: new Date(midnightAt).toISOString(), timezone };
  return { serverStart, allExpired, expiring, midnight, renewed };
}

/** Lines under the group table of bench/RESULTS.md. */
export function momentLines(groups: { stores: number; moments?: GroupMoments }[]): string[] {
  const withMoments = groups.filter((g) => g.moments);
  if (!withMoments.length) return [];
  const cell = (m: Moment) => `**${m.ms} ms** (${m.storesRead} read, ${m.fromRedis ?? 0} from Redis)`;
  return [
    '',
    'When a group screen\u2019s server has none of the stores\u2019 parts (one call each; in brackets the stores it read, and those whose parts it took from the ones the workers keep in Redis):',
    '',
    '| stores | server start (nothing kept) | after the kept parts expired (no call for 5 min) | a push every 250 ms through the minute they expire: median / p99 / max, stores read per call at most, in all | at the stores\u2019 local midnight |',
    '|---|---|---|---|---|',
    ...withMoments.map((g) => {
      const m = g.moments!;
      const e = m.expiring;
      return `| ${g.stores} | ${cell(m.serverStart)} | ${cell(m.allExpired)} | ${e.medianMs} / ${e.p99Ms} / **${e.maxMs} ms**, ${e.maxStoresRead}, ${e.storesRead} in ${e.calls} calls | ${cell(m.midnight)} |`;
    }),
    '',
    'The `now` of group() is a clock the code takes: midnight (the stores\u2019 zone, Asia/Shanghai) is handed to it,',
    'after calls 2 s and 1 s before. The parts\u2019 age is wall-clock time (`Date.now()` in core/kpi/parts-cache.ts),',
    'which takes no clock: the bench moves its process\u2019 `Date.now` ahead for those calls. Parts read together',
    'expire 4–5 minutes later, each at a random moment in that minute, so a busy room takes a few at each push',
    'while a room with no push for 5 minutes takes them all at once. The parts in Redis are written by the',
    'workers\u2019 code (core/kpi/kept-parts.ts): after each batch applied, and by the minute recheck of every store',
    '(run untimed at each minute of the clock the moments use, and 5 and 1 minutes before midnight).',
    '',
  ];
}
