/**
 * The store registry's `ensure`, run before every batch of events: a store's first event registers
 * it with defaults, settings made since are kept, and stores it has made sure of lately cost no
 * round trip to Redis.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { connectRedis } from '../core/redis/connections.js';
import { globalKeys } from '../core/redis/keys.js';
import { KNOWN_STORE_MS, StoreRegistry, defaultSettings } from '../core/books/store-registry.js';
import { uniquePrefix } from './support/stack.js';

describe('StoreRegistry.ensure', () => {
  const redis = connectRedis(inject('redisUrl'), { maxRetriesPerRequest: null });
  afterAll(() => redis.disconnect());

  it('registers each new store once, with defaults, and keeps the settings made since', async () => {
    const prefix = uniquePrefix('registry');
    let now = Date.parse('2026-11-23T08:00:00Z');
    const stores = new StoreRegistry(redis, prefix, () => now);
    await stores.ensure(['HZ01', 'HZ01']);
    expect(await stores.get('HZ01')).toEqual(defaultSettings('HZ01'));
    await stores.put('HZ01', { name: '杭州一店', timezone: 'Asia/Shanghai' });
    // A store not seen before is registered although others are known.
    await stores.ensure(['HZ01', 'SH02']);
    expect(Object.keys(await redis.hgetall(globalKeys(prefix).stores)).sort()).toEqual(['HZ01', 'SH02']);
    expect(await stores.get('SH02')).toEqual(defaultSettings('SH02'));
    // The settings made are kept, also once the store is asked about again.
    now += KNOWN_STORE_MS;
    await stores.ensure(['HZ01']);
    expect(await stores.get('HZ01')).toEqual({ name: '杭州一店', timezone: 'Asia/Shanghai' });
  });

  it('asks Redis about a known store again only after KNOWN_STORE_MS, so a lost registry is refilled', async () => {
    const prefix = uniquePrefix('registry');
    let now = Date.parse('2026-11-23T08:00:00Z');
    const stores = new StoreRegistry(redis, prefix, () => now);
    const pipelines = vi.spyOn(redis, 'pipeline');
    await stores.ensure(['HZ01']);
    expect(pipelines).toHaveBeenCalledTimes(1);
    await stores.ensure(['HZ01']);
    expect(pipelines).toHaveBeenCalledTimes(1);
    // Redis lost its data (restarted without persistence): the next ask refills it.
    await redis.del(globalKeys(prefix).stores);
    now += KNOWN_STORE_MS - 1;
    await stores.ensure(['HZ01']);
    expect(await stores.get('HZ01')).toBeNull();
    now += 1;
    await stores.ensure(['HZ01']);
    expect(pipelines).toHaveBeenCalledTimes(2);
    expect(await stores.get('HZ01')).toEqual(defaultSettings('HZ01'));
    // Another registry (another worker process) knows nothing yet: it asks.
    await new StoreRegistry(redis, prefix, () => now).ensure(['HZ01']);
    expect(pipelines).toHaveBeenCalledTimes(3);
    pipelines.mockRestore();
  });

  it('a store whose registration failed is tried again by the next batch', async () => {
    const prefix = uniquePrefix('registry');
    const stores = new StoreRegistry(redis, prefix, () => Date.parse('2026-11-23T08:00:00Z'));
    // The registry key holds another type: HSETNX fails and nothing is taken as registered.
    await redis.set(globalKeys(prefix).stores, 'x');
    await stores.ensure(['HZ01']);
    await redis.del(globalKeys(prefix).stores);
    await stores.ensure(['HZ01']);
    expect(await stores.get('HZ01')).toEqual(defaultSettings('HZ01'));
  });
});
