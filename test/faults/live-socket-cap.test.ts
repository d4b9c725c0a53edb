/**
 * The cap on one key's live sockets is held in Redis across server processes. A server SIGKILLed
 * holding a key's sockets never lets them go itself: the other servers go on counting them until
 * their lease lapses, then admit the key again.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { liveSocketsKey } from '../../server/redis-keys.js';
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

describe('a server killed holding a key’s sockets', () => {
  // A killed process and a lease measured on a shared machine: tried again (with a new server and
  // key) before it counts as failed.
  it('keeps them counted until their lease lapses, then the key is admitted again', { retry: 2 }, async () => {
    const doomed = await startPulse('server', {
      redisUrl,
      prefix: config.prefix,
      env: { PULSE_LIVE_SOCKETS_PER_KEY: String(CAP), PULSE_LIVE_SOCKET_LEASE_MS: String(LEASE_MS) },
    });
    const survivor = await createApp(config, redisUrl);
    const survivorUrl = `http://127.0.0.1:${await survivor.listen(0, '127.0.0.1')}`;
    try {
      const { token, key } = await survivor.deps.keys.create({ name: 'lobby tvs', scopes: ['read'] });
      for (let i = 0; i < CAP; i++) expect(await handshake(doomed.baseUrl, token), doomed.output()).toBe('connected');
      expect(await handshake(survivorUrl, token)).toBe('too many connections for this key');

      expect((await doomed.kill9()).signal).toBe('SIGKILL');
      const set = liveSocketsKey(config.prefix, key.keyId);
      expect(await survivor.deps.redis.zcard(set)).toBe(CAP);
      // Renewed at most a third of a lease before the kill: at least two thirds of one are left.
      expect(await handshake(survivorUrl, token)).toBe('too many connections for this key');
      await waitFor(async () => (await handshake(survivorUrl, token)) === 'connected', LEASE_MS + 3000, 'the lease to lapse');
      expect(await survivor.deps.redis.zcard(set)).toBe(1);
    } finally {
      sockets.splice(0).forEach((s) => s.disconnect());
      await survivor.close();
    }
  });
});
