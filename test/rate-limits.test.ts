/**
 * Rate limits per key, counted in Redis and shared by every server process: 429 with Retry-After
 * past the budget, through again once the window is over. Refusals per client address: 429 past
 * their budget, without a look at the key. And the live limits: sockets per key, held atomically
 * across handshakes and servers, and forgotten once a dead server's lease lapses.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../domain/protocol.js';
import { createApp, type PulseApp } from '../server/app.js';
import type { Config } from '../core/config.js';
import { RefusalsPerAddress } from '../core/auth/refusals.js';
import { addressGroup } from '../core/http/client-address.js';
import { MessageBudget } from '../server/live/message-budget.js';
import { liveSocketsKey, rateLimitKey } from '../core/redis/keys.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './support/stack.js';

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
      liveSocketLeaseMs: 3000,
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

/** Another server process of the same install with some settings of its own, closed after the test. */
async function server(overrides: Partial<Config>): Promise<{ app: PulseApp; url: string }> {
  const app = await createApp({ ...stack.config, ...overrides }, stack.redisUrl);
  onTestFinished(() => app.close());
  return { app, url: `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}` };
}

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

function client(token: string | undefined, base = stack.baseUrl, headers: Record<string, string> = {}): LiveClient {
  const s: LiveClient = connect(`${base}/live`, {
    auth: token ? { token } : {},
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: headers,
  });
  sockets.push(s);
  return s;
}
const outcome = (s: LiveClient) =>
  new Promise<string>((resolve) => {
    s.once('connect', () => resolve('connected'));
    s.once('connect_error', (err) => resolve(err.message));
  });

describe('refusals per client address', () => {
  const WINDOW = 2000;
  const refusalLimit = { perAddress: 4, windowMs: WINDOW };
  const call = async (base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
    const res = await fetch(base + path, { method, headers, body });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
  };

  it('answers 429 past the refusals one address may make, without looking at keys; a key this server accepted still works', async () => {
    const { app, url } = await server({ refusalLimit });
    const known = await newKey(['ingest', 'read']);
    expect(await get(url, '/api/v1/whoami', known.token)).toBe(200);
    const resolve = vi.spyOn(app.deps.keys, 'resolve');
    // Four refusals: no key, unknown keys.
    expect((await call(url, 'GET', '/api/v1/whoami')).status).toBe(401);
    expect((await call(url, 'GET', '/api/v1/kpis', { authorization: 'Bearer sp_guess-1' })).status).toBe(401);
    expect((await call(url, 'POST', '/api/v1/events', { 'content-type': 'application/json' }, '{}')).status).toBe(401);
    expect((await call(url, 'GET', '/metrics', { authorization: 'Bearer sp_guess-2' })).status).toBe(401);
    expect(resolve).toHaveBeenCalledTimes(4);
    // Then 429 for anything this server has not accepted, on every route, the key not even looked up.
    const refused = await call(url, 'POST', '/api/v1/events', { authorization: 'Bearer sp_guess-3' }, '{}');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.retryAfter);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW / 1000).toBe(true);
    expect(refused.body).toEqual({
      error: 'rate_limited',
      message: `too many refused requests from this address: at most ${refusalLimit.perAddress} every 2 s; retry in ${retryAfter} s`,
      retryAfter,
    });
    expect((await call(url, 'GET', '/api/v1/whoami')).status).toBe(429);
    expect((await call(url, 'GET', '/metrics')).status).toBe(429);
    expect(await outcome(client(undefined, url))).toBe('rate_limited');
    expect(await outcome(client('sp_guess-4', url))).toBe('rate_limited');
    const fresh = await newKey(['read']);
    expect(await get(url, '/api/v1/whoami', fresh.token)).toBe(429);
    expect(resolve).toHaveBeenCalledTimes(4);
    // The key this server accepted before goes on, on the API and the sockets.
    expect(await get(url, '/api/v1/whoami', known.token)).toBe(200);
    expect((await post(url, known.token)).status).toBe(202);
    expect(await outcome(client(known.token, url))).toBe('connected');
    // Another server counts its own refusals.
    expect((await call(secondUrl, 'GET', '/api/v1/whoami')).status).toBe(401);

    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    expect((await call(url, 'GET', '/api/v1/whoami')).status).toBe(401);
    expect(await get(url, '/api/v1/whoami', fresh.token)).toBe(200);
  });

  it('tells clients behind a trusted proxy apart by X-Forwarded-For, and ignores the header otherwise', async () => {
    const limit = { perAddress: 2, windowMs: 60_000 };
    const behind = await server({ refusalLimit: limit, trustProxyHops: 1 });
    const from = (ip: string) => ({ 'x-forwarded-for': `198.51.100.9, ${ip}` });
    expect((await call(behind.url, 'GET', '/api/v1/whoami', from('203.0.113.5'))).status).toBe(401);
    expect((await call(behind.url, 'GET', '/api/v1/whoami', from('203.0.113.5'))).status).toBe(401);
    expect((await call(behind.url, 'GET', '/api/v1/whoami', from('203.0.113.5'))).status).toBe(429);
    expect(await outcome(client(undefined, behind.url, from('203.0.113.5')))).toBe('rate_limited');
    expect((await call(behind.url, 'GET', '/api/v1/whoami', from('203.0.113.6'))).status).toBe(401);
    expect(await outcome(client(undefined, behind.url, from('203.0.113.7')))).toBe('unauthorized');
    // Not behind a proxy: the header is the client's own word, and changes nothing.
    const direct = await server({ refusalLimit: limit });
    expect((await call(direct.url, 'GET', '/api/v1/whoami', from('203.0.113.1'))).status).toBe(401);
    expect((await call(direct.url, 'GET', '/api/v1/whoami', from('203.0.113.2'))).status).toBe(401);
    expect((await call(direct.url, 'GET', '/api/v1/whoami', from('203.0.113.3'))).status).toBe(429);
  });

  it('counts in a window opened by the first refusal, and keeps at most so many addresses', () => {
    let now = 1_000;
    const r = new RefusalsPerAddress(2, 10_000, () => now, 3);
    r.refused('a');
    now += 4_000;
    r.refused('a');
    expect(r.blockedForMs('a')).toBe(6_000);
    now += 5_999;
    expect(r.blockedForMs('a')).toBe(1);
    now += 1;
    expect(r.blockedForMs('a')).toBe(0);
    // Full: the oldest window goes to make room (its address starts afresh), the newest stay.
    for (const x of ['b', 'c', 'd']) {
      r.refused(x);
      r.refused(x);
    }
    r.refused('e');
    r.refused('e');
    expect(['b', 'c', 'd', 'e'].map((x) => r.blockedForMs(x) > 0)).toEqual([false, true, true, true]);
  });

  it('counts an IPv6 client by its /64, and an IPv4 one mapped into IPv6 as itself', () => {
    expect(addressGroup('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:0db8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(addressGroup('203.0.113.5')).toBe('203.0.113.5');
  });
});

describe('live limits', () => {
  it('lets a socket send its burst, refills it at the rate, and drops a socket that goes on while refused', () => {
    let now = 0;
    const budget = new MessageBudget(20, 4, () => now);
    const take = (n: number) => Array.from({ length: n }, () => budget.take().kind);
    expect(take(5)).toEqual(['ok', 'ok', 'ok', 'ok', 'refused']);
    now += 100; // two messages' worth, at 20 a second
    expect(take(3)).toEqual(['ok', 'ok', 'refused']);
    expect(budget.take()).toEqual({ kind: 'refused', retryInMs: 50 });
    // Two refusals count (the first drained with the refill): two more fill the burst of 4, the
    // fifth drops the socket.
    expect(take(3)).toEqual(['refused', 'refused', 'drop']);
    // A client that waits as told when refused is never dropped: its burst, then 20 a second (0 … 10 s).
    const patient = new MessageBudget(20, 4, () => now);
    const start = now;
    let sent = 0;
    while (now - start <= 10_000) {
      const v = patient.take();
      expect(v.kind).not.toBe('drop');
      if (v.kind === 'refused') now += v.retryInMs;
      else sent++;
    }
    expect(sent).toBe(4 + 200);
    expect(new MessageBudget(0, 4, () => now).take()).toEqual({ kind: 'ok' });
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

  it('holds a key to its cap across concurrent handshakes and servers, and admits again as sockets close', async () => {
    const cap = { liveLimits: { subscriptionsPerSocket: 20, socketsPerKey: 5 } };
    const [one, two] = [await server(cap), await server(cap)];
    const key = await newKey(['read']);
    const all = Array.from({ length: 20 }, (_, i) => client(key.token, i % 2 ? two.url : one.url));
    const outcomes = await Promise.all(all.map(outcome));
    expect(outcomes.filter((o) => o === 'connected')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'too many connections for this key')).toHaveLength(15);
    const set = liveSocketsKey(stack.config.prefix, key.keyId);
    expect(set).toContain(`{${key.keyId}}`);
    expect(await stack.app.deps.redis.zcard(set)).toBe(5);

    const open = all.filter((s) => s.connected);
    open[0]!.disconnect();
    open[1]!.disconnect();
    await waitFor(async () => (await stack.app.deps.redis.zcard(set)) === 3, 5000, 'the two sockets to be let go');
    const more = [client(key.token, one.url), client(key.token, two.url), client(key.token, one.url)];
    expect((await Promise.all(more.map(outcome))).sort()).toEqual([
      'connected',
      'connected',
      'too many connections for this key',
    ]);
  });

  it('keeps counting open sockets past their lease, and forgets those of a server that died without saying so', async () => {
    const leaseMs = stack.config.liveSocketLeaseMs;
    const key = await newKey(['read']);
    const set = liveSocketsKey(stack.config.prefix, key.keyId);
    // A server that died holding both of the key's sockets: nobody renews their entries.
    await stack.app.deps.redis.zadd(set, Date.now(), 'dead-server:a', Date.now(), 'dead-server:b');
    expect(await outcome(client(key.token))).toBe('too many connections for this key');
    await waitFor(async () => (await outcome(client(key.token))) === 'connected', leaseMs + 3000, 'the dead entries to lapse');
    const members = await stack.app.deps.redis.zrange(set, 0, -1);
    expect(members).toHaveLength(1);
    expect(members[0]).not.toMatch(/^dead-server:/);
    // A live socket is renewed: past two leases it still counts.
    expect(await outcome(client(key.token))).toBe('connected');
    await new Promise((r) => setTimeout(r, 2 * leaseMs));
    expect(await stack.app.deps.redis.zcard(set)).toBe(2);
    expect(await outcome(client(key.token))).toBe('too many connections for this key');
  });
});
