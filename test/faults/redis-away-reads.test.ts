/**
 * A snapshot read while Redis is away fails as one error the caller answers with 503 — none of
 * its parallel reads left to reject unhandled, which would stop the process.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { readStoreParts } from '../../core/kpi/read-store.js';
import { freePort } from '../../launcher/redis-launcher.js';
import { readOptions } from '../support/stack.js';

const conns: Redis[] = [];
afterAll(() => conns.forEach((c) => c.disconnect()));

describe('reading while Redis is away', () => {
  it('rejects once, with nothing unhandled', async () => {
    // Nothing listens there: every command fails at once.
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    conns.push(redis);
    const settings = { name: 'X', timezone: 'Asia/Shanghai' };
    const opts = readOptions({ prefix: 'away', callbackDeadlineMs: { sales: 1, service: 1 } });
    await expect(readStoreParts(redis, 'AW01', settings, Date.now(), opts)).rejects.toThrow();
    // Give a stray rejection the time to surface: vitest fails the run on an unhandled one.
    await new Promise((r) => setTimeout(r, 100));
  });
});
