/**
 * Rate limits per key, counted in Redis and shared by every server process: 429 with Retry-After
 * past the budget, through again once the window is over. And the live limits: sockets per key.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../domain/protocol.js';
import { createApp, type PulseApp } from '../server/app.js';
import { rateLimitKey } from '../server/redis-keys.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, type Stack } from './support/stack.js';

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

const WINDOW_MS = 2000;
let stack: Stack;
let second: PulseApp;
let secondUrl: string;
const sockets: LiveClient[] = [];

beforeAll(async () => {
  stack = await startStack('rate', {
    workers: false,
    config: {
      rateLimits: { windowMs: WINDOW_MS, ingest: 3, api: 5 },
      liveLimits: { subscriptionsPerSocket: 20, socketsPerKey: 2 },
    },
  });
  // A second server process of the same install: same Redis, same prefix.
  second = await createApp(stack.config, stack.redisUrl);
  secondUrl = `http://127.0.0.1:${await second.listen(0, '127.0.0.1')}`;
});
afterEach(() => {
  sockets.splice(0).forEach((s) => s.disconnect());
});
afterAll(async () => {
  await second?.close();
  await stack?.close();
});

// Made directly, so that making keys spends nothing of the admin token's budget.
const newKey = async (scopes: ('ingest' | 'read')[]) => {
  const { token, key } = await stack.app.deps.keys.create({ name: 'dms', scopes });
  return { token, keyId: key.keyId };
};

async function post(base: string, token: string) {
  const res = await fetch(`${base}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(ev('showroom.visit', new Date().toISOString(), { store: 'RL01', firstVisit: true })),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

const get = async (base: string, path: string, token: string) =>
  (await fetch(base + path, { headers: { authorization: `Bearer ${token}` } })).status;

describe('rate limits per key', () => {
  it('answers 429 with Retry-After past the budget, on every server, and lets the key through after the window', async () => {
    const key = await newKey(['ingest', 'read']);
    // Three ingest requests in the window, spread over both servers: the budget is shared.
    expect((await post(stack.baseUrl, key.token)).status).toBe(202);
    expect((await post(secondUrl, key.token)).status).toBe(202);
    expect((await post(stack.baseUrl, key.token)).status).toBe(202);
    const refused = await post(secondUrl, key.token);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'rate_limited' });
    const retryAfter = Number(refused.retryAfter);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_MS / 1000).toBe(true);
    expect((await post(stack.baseUrl, key.token)).status).toBe(429);
    // Other routes have their own budget, other keys theirs.
    expect(await get(stack.baseUrl, '/api/v1/whoami', key.token)).toBe(200);
    const other = await newKey(['ingest']);
    expect((await post(stack.baseUrl, other.token)).status).toBe(202);
    // The counter lives on one hash-tagged key per API key and budget (one Cluster slot).
    const counter = rateLimitKey(stack.config.prefix, key.keyId, 'ingest');
    expect(counter).toContain(`{${key.keyId}}`);
    expect(Number(await stack.app.deps.redis.get(counter))).toBeGreaterThanOrEqual(4);

    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    expect((await post(secondUrl, key.token)).status).toBe(202);
  });

  it('limits the admin token too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await get(i % 2 ? secondUrl : stack.baseUrl, '/api/v1/whoami', ADMIN_TOKEN));
    expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
    expect(statuses[5]).toBe(429);
  });
});

describe('live limits', () => {
  function client(token: string): LiveClient {
    const s: LiveClient = connect(`${stack.baseUrl}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(s);
    return s;
  }
  const outcome = (s: LiveClient) =>
    new Promise<string>((resolve) => {
      s.once('connect', () => resolve('connected'));
      s.once('connect_error', (err) => resolve(err.message));
    });

  it('refuses a key more sockets than allowed on one server, and admits it again when one closes', async () => {
    const key = await newKey(['read']);
    const [a, b] = [client(key.token), client(key.token)];
    expect(await Promise.all([outcome(a), outcome(b)])).toEqual(['connected', 'connected']);
    expect(await outcome(client(key.token))).toBe('too many connections for this key');
    // Another key is not affected.
    expect(await outcome(client((await newKey(['read'])).token))).toBe('connected');
    a.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    expect(await outcome(client(key.token))).toBe('connected');
  });
});
