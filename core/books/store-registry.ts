/** Stores and their settings. An unknown store is registered with defaults when its first event lands. */
import type { RedisConn } from '../redis/connections.js';
import { DEFAULT_TIMEZONE, storeSettings, type StoreSettings } from '../../domain/settings.js';
import { globalKeys } from '../redis/keys.js';

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
  constructor(
    private readonly redis: RedisConn,
    prefix: string,
  ) {
    this.key = globalKeys(prefix).stores;
  }

  async get(store: string): Promise<StoreSettings | null> {
    const json = await this.redis.hget(this.key, store);
    return json ? parse(store, json) : null;
  }

  async put(store: string, settings: StoreSettings): Promise<void> {
    await this.redis.hset(this.key, store, JSON.stringify(settings));
  }

  /** Registers stores not seen before; keeps existing settings. */
  async ensure(stores: Iterable<string>): Promise<void> {
    const p = this.redis.pipeline();
    for (const s of stores) p.hsetnx(this.key, s, JSON.stringify(defaultSettings(s)));
    await p.exec();
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
