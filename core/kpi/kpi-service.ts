/** Builds snapshots for a store or the group at a given moment. */
import type { RedisConn } from '../redis/connections.js';
import type { Snapshot } from '../../domain/kpis.js';
import { DEFAULT_TIMEZONE } from '../../domain/settings.js';
import type { StoreRegistry } from '../books/store-registry.js';
import { StorePartsCache, type KeptPartsUse, type StorePartsReader } from './parts-cache.js';
import { readStoreParts, type ReadOptions } from './read-store.js';
import { groupSnapshot, storeSnapshot } from './snapshot.js';

export const GROUP_NAME = '集团总览';

export class KpiService {
  private readonly parts: StorePartsCache;

  /**
   * `read`: how one store's parts are read (readStoreParts; a test may count the reads). `kept`: how
   * the parts kept in Redis by the workers are used (core/kpi/kept-parts.ts).
   */
  constructor(
    redis: RedisConn,
    private readonly stores: StoreRegistry,
    opts: ReadOptions,
    read: StorePartsReader = readStoreParts,
    kept: KeptPartsUse = 'read',
  ) {
    this.parts = new StorePartsCache(redis, opts, read, kept);
  }

  /** Stores whose parts came from Redis, and stores read, since the service started. */
  get partsCounts(): Readonly<{ kept: number; read: number }> {
    return this.parts.counts;
  }

  /** null when the store has never been seen nor configured. */
  async store(store: string, now = Date.now()): Promise<Snapshot | null> {
    const settings = await this.stores.get(store);
    if (!settings) return null;
    const [parts] = await this.parts.partsOf([{ store, settings }], now);
    return storeSnapshot(parts!);
  }

  /**
   * The group, optionally limited to some stores (a store-limited key sees only its own). Only the
   * stores that changed since the last call are read again (parts-cache.ts).
   */
  async group(now = Date.now(), only?: string[] | null): Promise<Snapshot> {
    const all = await this.stores.all();
    const codes = [...all.keys()].filter((s) => !only || only.includes(s)).sort();
    const parts = await this.parts.partsOf(
      codes.map((store) => ({ store, settings: all.get(store)! })),
      now,
    );
    return groupSnapshot(parts, GROUP_NAME, DEFAULT_TIMEZONE, now);
  }
}
