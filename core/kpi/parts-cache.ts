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
 *
 * A store with no such parts here is first looked for among the parts the workers keep in Redis
 * (kept-parts.ts, the same conditions), all such stores in one MGET: a server just started, one
 * whose parts expired and one at a local midnight read only the stores Redis has nothing exact for.
 */
import type { RedisConn } from '../redis/connections.js';
import { decodeKept, keptHeader, keptUsable, MAX_AGE_MS, readKeptBoth, writeKept, type KeptHeader } from './kept-parts.js';
import { ReadHorizon } from './read-horizon.js';
import { readStoreParts, type ReadOptions, type StoreParts, type StoreSettingsRecord } from './read-store.js';
import { forecastAt } from './spend.js';
import { readStoreVersions, type StoreVersion } from './store-versions.js';
import { elapsedFraction } from './windows.js';

export { MAX_AGE_MS };

/** Reads one store's parts: readStoreParts, or a stand-in that counts its calls (the bench). */
export type StorePartsReader = typeof readStoreParts;

/** Parts read at one moment, as they would be read at a later `now` before their horizon. */
export function retimed(p: StoreParts, now: number, seq: number): StoreParts {
  if (now === p.windows.now && seq === p.seq) return p;
  const windows = { ...p.windows, now };
  const elapsed = elapsedFraction(windows);
  return { ...p, seq, windows, budgets: p.budgets.map((b) => ({ ...b, forecast: forecastAt(b.spent, elapsed) })) };
}

/**
 * How a service uses the parts kept in Redis: not at all, read them, or read them and keep there the
 * parts it had to read itself (a server: the others then find them).
 */
export type KeptPartsUse = 'off' | 'read' | 'readWrite';

interface Entry {
  data: number;
  name: string;
  timezone: string;
  /** The `now` read at. */
  readAt: number;
  /** Wall-clock time after which the entry is not used. */
  expires: number;
  read: Promise<{ parts: StoreParts; until: number }>;
  /** The read's answer, once it came. */
  done?: { parts: StoreParts; until: number };
}

type Wanted = { store: string; settings: StoreSettingsRecord; v: StoreVersion };

/** Stores to expire apart: a copy read at one moment is dropped MAX_AGE_MS after, less up to a fifth. */
const expiresFrom = (t: number) => t + MAX_AGE_MS * (0.8 + 0.2 * Math.random());

export class StorePartsCache {
  private readonly entries = new Map<string, Entry>();
  /**
   * Stores Redis had no recent parts of at all (no worker kept them): those this server reads it
   * writes back. A store whose kept parts are only of an older data version is left to the workers,
   * which keep it after the batch that changed it.
   */
  private readonly unkept = new Set<string>();
  /** Stores whose parts came from Redis, and stores read, since the service started. */
  readonly counts = { kept: 0, read: 0 };

  constructor(
    private readonly redis: RedisConn,
    private readonly opts: ReadOptions,
    private readonly read: StorePartsReader = readStoreParts,
    private readonly kept: KeptPartsUse = 'read',
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
    const wanted = stores.map((s, i) => ({ ...s, v: versions[i]! }));
    if (this.kept !== 'off') {
      const missing = wanted.filter((w) => !this.holds(w, now));
      if (missing.length) await this.takeKept(missing, now);
    }
    return Promise.all(wanted.map((w) => this.partsAt(w, now)));
  }

  /** Whether this process has the store's parts for `now` (or is reading them). */
  private holds({ store, settings, v }: Wanted, now: number): boolean {
    const e = this.entries.get(store);
    if (!e || e.data !== v.data || e.name !== settings.name || e.timezone !== settings.timezone) return false;
    return now >= e.readAt && Date.now() < e.expires && (!e.done || now < e.done.until);
  }

  /** Takes from Redis the kept parts of these stores that are exact at `now`: those read there, else those of midnight. */
  private async takeKept(missing: Wanted[], now: number): Promise<void> {
    const both = await readKeptBoth(
      this.redis,
      this.opts.prefix,
      missing.map((w) => w.store),
    );
    const wall = Date.now();
    missing.forEach((w, i) => {
      const [parts, next] = both[i]!;
      const h = keptHeader(parts);
      if (!h || wall - h.keptAt >= MAX_AGE_MS) this.unkept.add(w.store);
      for (const [head, raw] of [
        [h, parts],
        [keptHeader(next), next],
      ] as const) {
        if (head && keptUsable(head, w.v.data, w.settings, now, wall))
          return this.keep(w, head, decodeKept(w.store, head, raw!, w.v.seq));
      }
    });
  }

  private keep(w: Wanted, h: KeptHeader, parts: StoreParts): void {
    const done = { parts, until: h.until };
    const entry: Entry = {
      data: h.data,
      name: h.name,
      timezone: h.timezone,
      readAt: h.readAt,
      expires: expiresFrom(h.keptAt),
      read: Promise.resolve(done),
      done,
    };
    this.entries.set(w.store, entry);
    this.counts.kept++;
  }

  private async partsAt(w: Wanted, now: number): Promise<StoreParts> {
    const e = this.entries.get(w.store);
    if (e && this.holds(w, now)) {
      // A read still under way is shared; one that failed is tried again below.
      const kept = await e.read.catch(() => null);
      if (kept && now < kept.until) return retimed(kept.parts, now, w.v.seq);
    }
    return this.readAt(w, now);
  }

  private async readAt({ store, settings, v }: Wanted, now: number): Promise<StoreParts> {
    const horizon = new ReadHorizon(now);
    const keptAt = Date.now();
    this.counts.read++;
    const read = this.read(this.redis, store, settings, now, this.opts, horizon).then((parts) => ({
      parts,
      until: horizon.until,
    }));
    const entry: Entry = {
      data: v.data,
      name: settings.name,
      timezone: settings.timezone,
      readAt: now,
      expires: expiresFrom(keptAt),
      read,
    };
    this.entries.set(store, entry);
    read.then(
      (done) => {
        entry.done = done;
        if (this.kept !== 'readWrite' || !this.unkept.delete(store)) return;
        const h = { data: v.data, name: settings.name, timezone: settings.timezone, readAt: now, until: done.until, keptAt };
        // Only for the others' sake: a failure here costs them a read, nothing else.
        writeKept(this.redis, this.opts.prefix, store, 'parts', h, done.parts).catch(() => undefined);
      },
      () => {
        if (this.entries.get(store) === entry) this.entries.delete(store);
      },
    );
    return (await read).parts;
  }
}
