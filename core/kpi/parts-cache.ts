/**
 * Each store's parts — its partial sums — kept between snapshots, so that the group of hundreds of
 * stores, pushed up to 4 times a second, reads again only the stores that changed. A store's parts
 * are read again when
 * - its data or configuration changed: `seq − ticks` moved (redis-keys.ts; the minute tick alone
 *   bumps both);
 * - its name or time zone changed;
 * - `now` is before the moment they were read, or has reached their horizon (read-horizon.ts): the
 *   first moment a range bounded by now could count differently — a callback falling due, a
 *   complaint or a 一条龙 service becoming overdue, an appointment's time passing, an event dated after the
 *   read, the end of the local day;
 * - they were read more than a few minutes ago (wall-clock time), should anything write to Redis
 *   without bumping `seq`.
 * Otherwise they are exactly what a read at `now` would give once re-timed: `now` itself and what
 * follows it continuously (the budgets' month-end forecasts) are recomputed, and `seq` is the one
 * just read.
 */
import type { RedisConn } from '../redis/connections.js';
import { seqKeys } from '../redis/keys.js';
import { ReadHorizon } from './read-horizon.js';
import { readStoreParts, type ReadOptions, type StoreParts, type StoreSettingsRecord } from './read-store.js';
import { forecastAt } from './spend.js';
import { elapsedFraction } from './windows.js';

/** Reads one store's parts: readStoreParts, or a stand-in that counts its calls (the bench). */
export type StorePartsReader = typeof readStoreParts;

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

/** Parts read at one moment, as they would be read at a later `now` before their horizon. */
export function retimed(p: StoreParts, now: number, seq: number): StoreParts {
  if (now === p.windows.now && seq === p.seq) return p;
  const windows = { ...p.windows, now };
  const elapsed = elapsedFraction(windows);
  return { ...p, seq, windows, budgets: p.budgets.map((b) => ({ ...b, forecast: forecastAt(b.spent, elapsed) })) };
}

/** Parts read longer ago than this (less up to a fifth, so that stores read together expire apart) are read again. */
export const MAX_AGE_MS = 5 * 60_000;

interface Entry {
  data: number;
  name: string;
  timezone: string;
  /** The `now` read at. */
  readAt: number;
  /** Wall-clock time after which the entry is not used. */
  expires: number;
  read: Promise<{ parts: StoreParts; until: number }>;
}

export class StorePartsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly redis: RedisConn,
    private readonly opts: ReadOptions,
    private readonly read: StorePartsReader = readStoreParts,
  ) {}

  /** The parts of these stores at `now`: what reading each of them at `now` gives. */
  async partsOf(stores: { store: string; settings: StoreSettingsRecord }[], now: number): Promise<StoreParts[]> {
    // Callbacks judged at a fixed moment are a past month's figures: read, not kept.
    if (this.opts.dueAsOf !== undefined) {
      return Promise.all(stores.map((s) => this.read(this.redis, s.store, s.settings, now, this.opts)));
    }
    const versions = await readStoreVersions(
      this.redis,
      this.opts.prefix,
      stores.map((s) => s.store),
    );
    return Promise.all(stores.map((s, i) => this.partsAt(s.store, s.settings, now, versions[i]!)));
  }

  private async partsAt(store: string, settings: StoreSettingsRecord, now: number, v: StoreVersion): Promise<StoreParts> {
    const e = this.entries.get(store);
    const usable = e && e.data === v.data && e.name === settings.name && e.timezone === settings.timezone;
    if (usable && now >= e.readAt && Date.now() < e.expires) {
      // A read still under way is shared; one that failed is tried again below.
      const kept = await e.read.catch(() => null);
      if (kept && now < kept.until) return retimed(kept.parts, now, v.seq);
    }
    return this.readAt(store, settings, now, v.data);
  }

  private async readAt(store: string, settings: StoreSettingsRecord, now: number, data: number): Promise<StoreParts> {
    const horizon = new ReadHorizon(now);
    const read = this.read(this.redis, store, settings, now, this.opts, horizon).then((parts) => ({
      parts,
      until: horizon.until,
    }));
    const expires = Date.now() + MAX_AGE_MS * (0.8 + 0.2 * Math.random());
    const entry: Entry = { data, name: settings.name, timezone: settings.timezone, readAt: now, expires, read };
    this.entries.set(store, entry);
    read.catch(() => {
      if (this.entries.get(store) === entry) this.entries.delete(store);
    });
    return (await read).parts;
  }
}
