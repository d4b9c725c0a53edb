/** Builds snapshots for a store or the group at a given moment. */
import type { Redis } from 'ioredis';
import type { Snapshot } from '../../domain/kpis.js';
import { DEFAULT_TIMEZONE } from '../../domain/settings.js';
import type { StoreRegistry } from '../store-registry.js';
import { readStoreParts, type ReadOptions } from './read-store.js';
import { groupSnapshot, storeSnapshot } from './snapshot.js';

export const GROUP_NAME = '集团总览';

export class KpiService {
  constructor(
    private readonly redis: Redis,
    private readonly stores: StoreRegistry,
    private readonly opts: ReadOptions,
  ) {}

  /** null when the store has never been seen nor configured. */
  async store(store: string, now = Date.now()): Promise<Snapshot | null> {
    const settings = await this.stores.get(store);
    if (!settings) return null;
    return storeSnapshot(await readStoreParts(this.redis, store, settings, now, this.opts));
  }

  /** The group, optionally limited to some stores (a store-limited key sees only its own). */
  async group(now = Date.now(), only?: string[] | null): Promise<Snapshot> {
    const all = await this.stores.all();
    const codes = [...all.keys()].filter((s) => !only || only.includes(s)).sort();
    const parts = await Promise.all(codes.map((s) => readStoreParts(this.redis, s, all.get(s)!, now, this.opts)));
    return groupSnapshot(parts, GROUP_NAME, DEFAULT_TIMEZONE, now);
  }
}
