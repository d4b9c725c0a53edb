/**
 * The cap on one key's live sockets is held in Redis across server processes. A server SIGKILLed
 * holding a key's sockets never lets them go itself: the other servers go on counting them until
 * their lease lapses, then admit the key again.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../server/app.js';
import type { RedisConn } from '../../core/redis/connections.js';
import { liveSocketsKey } from '../../core/redis/keys.js';
import { killAll, startPulse } from '../support/processes.js';
import { testConfig, waitFor } from '../support/stack.js';

const redisUrl = inject('redisUrl');
const CAP = 3;
const LEASE_MS = 4000;
const config = testConfig('fcap', {
  liveLimits: { subscriptionsPerSocket: 20, socketsPerKey: CAP },
  liveSocketLeaseMs: LEASE_MS,
});
const sockets: Socket[] = [];

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await killAll();
});

function handshake(base: string, token: string): Promise<string> {
  const s = connect(`${base}/live`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  return new Promise((resolve) => {
    s.once('connect', () => resolve('connected'));
    s.once('connect_error', (err) => resolve(err.message));
  });
}

/** The key's entries, member → score: when its server last renewed it (Redis time, ms). */
async function entries(redis: RedisConn, set: string): Promise<Map<string, number>> {
  const flat = await redis.zrange(set, 0, -1, 'WITHSCORES');
  const out = new Map<string, number>();
  for (let i = 0; i < flat.length; i += 2) out.set(flat[i]!, Number(flat[i + 1]));
  return out;
}

/** Redis' clock (ms), the one the leases are measured by. */
async function redisNow(redis: RedisConn): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

describe('a server killed holding a key’s sockets', () => {
  it('keeps each counted until its own lease lapses, then the key is admitted again', async () => {
    const doomed = await startPulse('server', {
      redisUrl,
      prefix: config.prefix,
      env: { PULSE_LIVE_SOCKETS_PER_KEY: String(CAP), PULSE_LIVE_SOCKET_LEASE_MS: String(LEASE_MS) },
    });
    const survivor = await createApp(config, redisUrl);
    const survivorUrl = `http://127.0.0.1:${await survivor.listen(0, '127.0.0.1')}`;
    const redis = survivor.deps.redis;
    try {
      const { token, key } = await survivor.deps.keys.create({ name: 'lobby tvs', scopes: ['read'] });
      for (let i = 0; i < CAP; i++) expect(await handshake(doomed.baseUrl, token), doomed.output()).toBe('connected');
      expect(await handshake(survivorUrl, token)).toBe('too many connections for this key');

      expect((await doomed.kill9()).signal).toBe('SIGKILL');
      const set = liveSocketsKey(config.prefix, key.keyId);
      const dead = await entries(redis, set);
      expect(dead.size).toBe(CAP);
      // Renewed at most a third of a lease before the kill: at least two thirds of one are left.
      expect(await handshake(survivorUrl, token)).toBe('too many connections for this key');

      // Each entry lapses a lease after its own last renewal. Admitted in their first lease or
      // killed before a renewal, they lapse one by one: the key gets a place back with the first.
      const scores = [...dead.values()];
      await waitFor(async () => (await handshake(survivorUrl, token)) === 'connected', LEASE_MS + 3000, 'the lease to lapse');
      expect(await redisNow(redis)).toBeGreaterThan(Math.min(...scores) + LEASE_MS);

      // Once the last has lapsed, the next handshake drops them all: only the survivor's two count.
      const lastLapse = Math.max(...scores) + LEASE_MS + 1;
      const untilLapsed = lastLapse - (await redisNow(redis));
      await new Promise((r) => setTimeout(r, Math.max(0, untilLapsed) + 20));
      expect(await handshake(survivorUrl, token)).toBe('connected');
      const left = await entries(redis, set);
      expect([...left.keys()].filter((m) => dead.has(m))).toEqual([]);
      expect(left.size).toBe(2);
    } finally {
      sockets.splice(0).forEach((s) => s.disconnect());
      await survivor.close();
    }
  });
});
