/**
 * What a group screen sees at the moments the kept store parts (core/kpi/parts-cache.ts) are all
 * read again: a server start (nothing kept), after the parts expired (read 4–5 minutes ago, wall
 * clock), and at a store-local midnight (every store of that time zone's day ends).
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
import { readStoreParts, type ReadOptions } from '../core/kpi/read-store.js';
import { DEFAULT_TIMEZONE } from '../domain/settings.js';
import { median, quantile, round } from './support/measure.js';

type Deps = { redis: RedisConn; stores: StoreRegistry; opts: ReadOptions };

export interface Moment {
  /** The group() call's time, and the stores it read again. */
  ms: number;
  storesRead: number;
}

export interface GroupMoments {
  serverStart: Moment;
  /** The first call after every store's parts expired, no call in between (a quiet group). */
  allExpired: Moment;
  /** Calls every 250 ms (4 pushes a second) through the minute in which the parts expire. */
  expiring: { calls: number; storesRead: number; medianMs: number; p99Ms: number; maxMs: number; maxStoresRead: number };
  /** The first call at the stores' local midnight, after calls a second before it. */
  midnight: Moment & { at: string; timezone: string };
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
  const t = performance.now();
  await s.kpis.group(now);
  return { ms: round(performance.now() - t, 2), storesRead: s.reads() - before };
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
  // A server start: a service that has kept nothing, at the moment of the call.
  const started = countingService(d);
  const serverStart = await timed(started);

  // The same service, after MAX_AGE_MS with no call in between: every store's parts have expired.
  const allExpired = await aheadBy(MAX_AGE_MS + 1000, () => timed(started));

  // A busy group room: parts read together expire over a fifth of MAX_AGE_MS (4–5 minutes);
  // a call every 250 ms of that clock from just before the first expiry to just after the last.
  const live = countingService(d);
  await timed(live);
  const times: number[] = [];
  const reads: number[] = [];
  for (let offset = 0.8 * MAX_AGE_MS - 1000; offset <= MAX_AGE_MS + 1000; offset += 250) {
    const m = await aheadBy(offset, () => timed(live));
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
  // every store's parts, the call at midnight finds the day ended for each.
  const timezone = DEFAULT_TIMEZONE;
  const midnightAt = DateTime.now().setZone(timezone).plus({ days: 1 }).startOf('day').toMillis();
  const night = countingService(d);
  await timed(night, midnightAt - 2000);
  await timed(night, midnightAt - 1000);
  const midnight = { ...(await timed(night, midnightAt)), at: new Date(midnightAt).toISOString(), timezone };
  return { serverStart, allExpired, expiring, midnight };
}

/** Lines under the group table of bench/RESULTS.md. */
export function momentLines(groups: { stores: number; moments?: GroupMoments }[]): string[] {
  const withMoments = groups.filter((g) => g.moments);
  if (!withMoments.length) return [];
  const cell = (m: Moment) => `**${m.ms} ms** (${m.storesRead} read)`;
  return [
    '',
    'When a group screen waits for every store to be read again (one call each, the stores read again in brackets):',
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
    'expire 4–5 minutes later, each at a random moment in that minute, so a busy room reads a few at each push',
    'while a room with no push for 5 minutes reads them all at once.',
    '',
  ];
}
