/**
 * Each store's parts kept in Redis, so that a server that has kept nothing itself — just started,
 * its own copy expired, a local midnight — takes them in one MGET instead of reading hundreds of
 * stores. The workers write them: after a batch changed the store, and on the store's minute
 * recheck when they are missing, out of date, old or near their horizon (`renewKeptParts`).
 *
 * A kept entry is the parts read at `readAt`, with the store's data version (`seq − ticks`) read
 * before them, its name and time zone, and their horizon `until` (read-horizon.ts). A server uses
 * it only when all of these hold, so that it is exactly what its own read at `now` would give once
 * re-timed (parts-cache.ts): the same data version, name and time zone; readAt ≤ now < until; and
 * kept less than MAX_AGE_MS ago (wall clock), the guard against a write that bumped no `seq`.
 * Beside it, `:next` holds the parts read at the store's next local midnight, written in the last
 * minutes before it: when every store of a time zone turns over at once, none is read again.
 *
 * Encoded as a one-line JSON header and the parts in JSON after it: deciding needs the header only.
 */
import type { RedisConn } from '../redis/connections.js';
import { keptPartsKeys } from '../redis/keys.js';
import type { StorePartsReader } from './parts-cache.js';
import { readStoreVersions } from './store-versions.js';
import { ReadHorizon } from './read-horizon.js';
import { readStoreParts, type ReadOptions, type StoreParts, type StoreSettingsRecord } from './read-store.js';
import { windowsAt } from './windows.js';

export interface KeptHeader {
  /** The store's data version, read before the parts. */
  data: number;
  name: string;
  timezone: string;
  /** The `now` the parts were read at. */
  readAt: number;
  /** Their horizon: a read at any moment in [readAt, until) gives the same counts. */
  until: number;
  /** Wall-clock time of the writing. */
  keptAt: number;
}

export type KeptSlot = 'parts' | 'next';

/**
 * Parts read longer ago than this (wall clock) are read again, should anything write to Redis without
 * bumping `seq`: kept in Redis or in a server's memory alike.
 */
export const MAX_AGE_MS = 5 * 60_000;
/** Redis drops an entry nobody renewed: older than MAX_AGE_MS it is never used anyway. */
const TTL_MS = 2 * MAX_AGE_MS;
/** The minute recheck writes a store's parts again once they are this old (wall clock)… */
export const RENEW_AFTER_MS = 0.6 * MAX_AGE_MS;
/** …or their horizon is this near, … */
export const RENEW_BEFORE_MS = 2 * 60_000;
/** …and writes `:next` once the store's midnight is this near. */
export const NEXT_WITHIN_MS = 10 * 60_000;

/** The entry's text, or null when the parts hold a number JSON cannot carry (then they are not kept). */
export function encodeKept(h: KeptHeader, p: StoreParts): string | null {
  // What the header or the decoding gives back is left out: the name, time zone, windows, seq.
  const { days, complaints, budgets, unbudgetedFen, spendFenByDay, ops } = p;
  const rest = { days, complaints, budgets, unbudgetedFen, spendFenByDay };
  let exact = true;
  const body = JSON.stringify({ ...rest, ops: { ...ops, campaigns: [...ops.campaigns] } }, function (_key, value: unknown) {
    if ((typeof value === 'number' && !Number.isFinite(value)) || (value === undefined && Array.isArray(this))) exact = false;
    return value;
  });
  return exact ? `${JSON.stringify(h)}\n${body}` : null;
}

/** The header of a kept entry; null when there is none or it does not parse. */
export function keptHeader(raw: string | null | undefined): KeptHeader | null {
  if (!raw) return null;
  const nl = raw.indexOf('\n');
  if (nl < 0) return null;
  try {
    const h = JSON.parse(raw.slice(0, nl)) as Partial<KeptHeader>;
    const nums = [h.data, h.readAt, h.until, h.keptAt];
    if (nums.some((n) => typeof n !== 'number') || typeof h.name !== 'string' || typeof h.timezone !== 'string') return null;
    return h as KeptHeader;
  } catch {
    return null;
  }
}

/** The parts of an entry whose header is `h`, as read at `h.readAt` (re-timed by the caller). */
export function decodeKept(store: string, h: KeptHeader, raw: string, seq: number): StoreParts {
  const body = JSON.parse(raw.slice(raw.indexOf('\n') + 1)) as Omit<
    StoreParts,
    'store' | 'name' | 'timezone' | 'seq' | 'windows'
  > & {
    ops: Omit<StoreParts['ops'], 'campaigns'> & {
      campaigns: [string, StoreParts['ops']['campaigns'] extends Map<string, infer C> ? C : never][];
    };
  };
  return {
    ...body,
    store,
    name: h.name,
    timezone: h.timezone,
    seq,
    windows: windowsAt(h.readAt, h.timezone),
    ops: { ...body.ops, campaigns: new Map(body.ops.campaigns) },
  };
}

/** Whether the entry is exactly what a read at `now` would give, for a store at data version `data`. */
export function keptUsable(
  h: KeptHeader,
  data: number,
  settings: StoreSettingsRecord,
  now: number,
  wallNow = Date.now(),
): boolean {
  return (
    h.data === data &&
    h.name === settings.name &&
    h.timezone === settings.timezone &&
    h.readAt <= now &&
    now < h.until &&
    wallNow - h.keptAt < MAX_AGE_MS
  );
}

/**
 * The kept entries of these stores, in order (null where none): one MGET; on a Redis Cluster, where
 * one MGET cannot span slots, one GET per store sent together.
 */
export async function readKept(redis: RedisConn, prefix: string, stores: string[], slot: KeptSlot): Promise<(string | null)[]> {
  if (stores.length === 0) return [];
  const keys = stores.map((s) => keptPartsKeys(prefix, s)[slot]);
  return redis.isCluster ? Promise.all(keys.map((k) => redis.get(k))) : redis.mget(keys);
}

/**
 * Both kept entries of each of these stores, in one round trip: `:next` exists only around the
 * store's midnight, so it costs next to nothing the rest of the day. On a Cluster, one MGET per store.
 */
export async function readKeptBoth(
  redis: RedisConn,
  prefix: string,
  stores: string[],
): Promise<[string | null, string | null][]> {
  if (stores.length === 0) return [];
  const keys = stores.map((s) => keptPartsKeys(prefix, s));
  const values = redis.isCluster
    ? (await Promise.all(keys.map((k) => redis.mget(k.parts, k.next)))).flat()
    : await redis.mget(keys.flatMap((k) => [k.parts, k.next]));
  return stores.map((_, i) => [values[2 * i] ?? null, values[2 * i + 1] ?? null]);
}

/** Keeps parts read at `h.readAt` (a server that read a store itself hands them on); false when they cannot be kept. */
export async function writeKept(
  redis: RedisConn,
  prefix: string,
  store: string,
  slot: KeptSlot,
  h: KeptHeader,
  parts: StoreParts,
) {
  const text = encodeKept(h, parts);
  const key = keptPartsKeys(prefix, store)[slot];
  if (text === null) await redis.del(key);
  else await redis.set(key, text, 'PX', TTL_MS);
  return text !== null;
}

/** The end of the store's local day holding `now`: its next midnight. */
export const nextMidnight = (now: number, timezone: string): number => windowsAt(now, timezone).days.at(-1)!.end;

export interface KeepDeps {
  redis: RedisConn;
  opts: ReadOptions;
  /** Wall clock of the writing (the bench moves it). */
  wallNow?: () => number;
  /** How a store's parts are read (readStoreParts; the bench counts the reads). */
  read?: StorePartsReader;
}

/**
 * Reads the store's parts at `at` and keeps them in `slot`: the data version first, then the parts
 * (which may hold a little more, never less: a server at that version then reads them again).
 */
async function keepAt(d: KeepDeps, store: string, settings: StoreSettingsRecord, at: number, slot: KeptSlot): Promise<void> {
  const [v] = await readStoreVersions(d.redis, d.opts.prefix, [store]);
  const horizon = new ReadHorizon(at);
  const parts = await (d.read ?? readStoreParts)(d.redis, store, settings, at, d.opts, horizon);
  const h: KeptHeader = {
    data: v!.data,
    name: settings.name,
    timezone: settings.timezone,
    readAt: at,
    until: horizon.until,
    keptAt: d.wallNow?.() ?? Date.now(),
  };
  await writeKept(d.redis, d.opts.prefix, store, slot, h, parts);
}

/** Keeps the store's parts read at `now`, and at its next midnight when that is near. */
export async function keepStoreParts(d: KeepDeps, store: string, settings: StoreSettingsRecord, now: number): Promise<void> {
  const midnight = nextMidnight(now, settings.timezone);
  await Promise.all([
    keepAt(d, store, settings, now, 'parts'),
    midnight - now <= NEXT_WITHIN_MS ? keepAt(d, store, settings, midnight, 'next') : undefined,
  ]);
}

/**
 * The minute recheck's part: keeps the store's parts again if a server could not use them now or
 * soon — missing, of another data version, name or time zone, old, or near their horizon — and,
 * in the minutes before the store's midnight, its `:next` parts likewise. Returns what it wrote.
 */
export async function renewKeptParts(
  d: KeepDeps,
  store: string,
  settings: StoreSettingsRecord,
  now: number,
): Promise<{ parts: boolean; next: boolean }> {
  const wall = d.wallNow?.() ?? Date.now();
  const k = keptPartsKeys(d.opts.prefix, store);
  const [[v], [parts, next]] = await Promise.all([
    readStoreVersions(d.redis, d.opts.prefix, [store]),
    // A store's keys share its slot: one MGET on a Cluster too.
    d.redis.mget(k.parts, k.next),
  ]);
  const midnight = nextMidnight(now, settings.timezone);
  const fresh = (h: KeptHeader | null, at: number, holdsTo: number) =>
    h !== null && keptUsable(h, v!.data, settings, at, wall) && wall - h.keptAt < RENEW_AFTER_MS && h.until >= holdsTo;
  const renewParts = !fresh(keptHeader(parts), now, Math.min(now + RENEW_BEFORE_MS, midnight));
  const renewNext = midnight - now <= NEXT_WITHIN_MS && !fresh(keptHeader(next), midnight, midnight);
  await Promise.all([
    renewParts ? keepAt(d, store, settings, now, 'parts') : undefined,
    renewNext ? keepAt(d, store, settings, midnight, 'next') : undefined,
  ]);
  return { parts: renewParts, next: renewNext };
}

/** A store's parts are kept after a batch at most this often per worker process: the minute recheck catches up. */
export const KEEP_EVERY_MS = 5_000;

/**
 * What the workers run: keeps the parts of the stores a batch changed (each at most every
 * KEEP_EVERY_MS, so that a store getting a burst is not read after every batch), and renews a
 * store's kept parts on its minute recheck.
 */
export class PartsKeeper {
  private readonly lastKept = new Map<string, number>();

  constructor(
    private readonly d: KeepDeps,
    private readonly settingsOf: (store: string) => Promise<StoreSettingsRecord | null>,
  ) {}

  /** After a batch changed these stores at `now`. */
  async afterBatch(stores: Iterable<string>, now: number): Promise<void> {
    const wall = this.d.wallNow?.() ?? Date.now();
    const due = [...stores].filter((store) => {
      const last = this.lastKept.get(store);
      return last === undefined || wall - last >= KEEP_EVERY_MS || wall < last;
    });
    // Side by side: the stores' reads share round trips rather than waiting one after another.
    await Promise.all(
      due.map(async (store) => {
        const settings = await this.settingsOf(store);
        if (!settings) return;
        this.lastKept.set(store, wall);
        await keepStoreParts(this.d, store, settings, now);
      }),
    );
  }

  /** The store's minute recheck. */
  async renew(store: string, now: number): Promise<{ parts: boolean; next: boolean }> {
    const settings = await this.settingsOf(store);
    if (!settings) return { parts: false, next: false };
    return renewKeptParts(this.d, store, settings, now);
  }
}
