/** Stores and their settings. An unknown store is registered with defaults when its first event lands. */
import type { RedisConn } from '../redis/connections.js';
import { DEFAULT_TIMEZONE, storeSettings, type StoreSettings } from '../../domain/settings.js';
import { globalKeys } from '../redis/keys.js';

/**
 * How long a store found registered is taken as registered without asking Redis again. Stores are
 * never removed from the registry; this only bounds the time after a Redis that lost its data
 * (restarted without persistence, a failover) before a store's first event registers it again.
 */
export const KNOWN_STORE_MS = 60_000;

export const defaultSettings = (store: string): StoreSettings => ({ name: store, timezone: DEFAULT_TIMEZONE });

function parse(store: string, json: string | null | undefined): StoreSettings {
  if (!json) return defaultSettings(store);
  const r = storeSettings.safeParse(JSON.parse(json));
  return r.success ? r.data : defaultSettings(store);
}

export class StoreRegistry {
  private readonly key: string;
  /** The last settings parsed per store, with their JSON: the group reads every store's on every snapshot. */
  private readonly parsed = new Map<string, { json: string; settings: StoreSettings }>();
  /** Stores known to be registered, and when that was last made sure of: every job of events ensures its stores. */
  private readonly known = new Map<string, number>();
  constructor(
    private readonly redis: RedisConn,
    prefix: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.key = globalKeys(prefix).stores;
  }

  async get(store: string): Promise<StoreSettings | null> {
    const json = await this.redis.hget(this.key, store);
    return json ? parse(store, json) : null;
  }

  async put(store: string, settings: StoreSettings): Promise<void> {
    await this.redis.hset(this.key, store, JSON.stringify(settings));
    this.known.set(store, this.clock());
  }

  /**
   * Registers stores not seen before; keeps existing settings. Stores this registry made sure of in
   * the last KNOWN_STORE_MS are not asked again, so a busy store costs no round trip per batch.
   */
  async ensure(stores: Iterable<string>): Promise<void> {
    const now = this.clock();
    const unsure = [...new Set(stores)].filter((s) => {
      const at = this.known.get(s);
      return at === undefined || now - at >= KNOWN_STORE_MS || at > now;
    });
    if (!unsure.length) return;
    const p = this.redis.pipeline();
    for (const s of unsure) p.hsetnx(this.key, s, JSON.stringify(defaultSettings(s)));
    // Known only once Redis has answered it: a failed write is tried again by the next batch.
    const answers = (await p.exec()) ?? [];
    unsure.forEach((s, i) => {
      if (answers[i] && !answers[i][0]) this.known.set(s, now);
    });
  }

  async all(): Promise<Map<string, StoreSettings>> {
    const raw = await this.redis.hgetall(this.key);
    return new Map(Object.entries(raw).map(([s, j]) => [s, this.parseOnce(s, j)]));
  }

  private parseOnce(store: string, json: string): StoreSettings {
    let p = this.parsed.get(store);
    if (p?.json !== json) this.parsed.set(store, (p = { json, settings: parse(store, json) }));
    return { ...p.settings };
  }
}
