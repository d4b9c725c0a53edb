/**
 * Keys, scopes and store limits over REST and sockets: listing and revoking keys, a revoked key
 * refused at once and its sockets dropped, and a walk over every route of the route table with a
 * key limited to store A asking about store B — a new route without the check fails here.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../domain/protocol.js';
import { parseWebhookAllowList } from '../domain/webhook-addresses.js';
import { createApp } from '../server/app.js';
import { recordReport } from '../core/books/device-book.js';
import { globalKeys } from '../core/redis/keys.js';
import { routes } from '../server/routes/index.js';
import { eventsToCsv, postCsv } from './support/csv.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './support/stack.js';

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

const A = 'KSA';
const B = 'KSB';
const MONTH = new Date().toISOString().slice(0, 7);
/** A TV of store B, registered as its first report would. */
const KSB_TV = 'ksb-tv-000000000001';
const ALL_SCOPES = ['ingest', 'read', 'pii', 'ack', 'metrics', 'admin'];

let stack: Stack;
let limited: string;
/** Ids of store B's things, made by the admin. */
const fx = { alertId: '', jobId: '', importId: '', spareKeyId: '' };
const sockets: LiveClient[] = [];

const newKey = async (body: { name: string; scopes: string[]; stores?: string[] }) => {
  const res = await stack.request('POST', '/api/v1/keys', body);
  expect(res.status).toBe(201);
  return res.body as { token: string; keyId: string };
};

function client(token: string, base = stack.baseUrl): LiveClient {
  const s: LiveClient = connect(`${base}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(s);
  return s;
}

/** The promise's value, or a failure after `ms`: a missed drop fails fast instead of at the test timeout. */
const within = <T>(ms: number, p: Promise<T>, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))]);

const connected = (s: LiveClient) =>
  new Promise<void>((resolve, reject) => {
    if (s.connected) return resolve();
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });

beforeAll(async () => {
  // The re-check of open sockets' keys runs every 30 s here: a drop within seconds is pub/sub's doing.
  // The webhook of the fixtures points at the discard port on loopback: listed, so it may.
  stack = await startStack('keys', { config: { webhookAllowHosts: parseWebhookAllowList('127.0.0.1:9').list } });
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await stack.request(method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  for (const s of [A, B]) await ok('PUT', `/api/v1/stores/${s}`, { name: `店 ${s}`, timezone: 'Asia/Shanghai' });
  await ok('PUT', '/api/v1/budgets/KSB-budget', { store: B, name: '线上', month: MONTH, amount: 100 });
  await ok('PUT', '/api/v1/materials/KSB-item', { store: B, name: '海报', reorderLevel: 5 });
  await ok('PUT', '/api/v1/screens/ksb-lobby', { items: [{ page: 'overview', store: B, seconds: 30 }] });
  await ok('PUT', `/api/v1/targets/${B}/${MONTH}`, { orders: 10 });
  const tv = { screen: 'ksb-lobby', page: 'overview', userAgent: 'TV', screenWidth: 1920, screenHeight: 1080, appVersion: '1' };
  await recordReport(stack.app.deps.redis, stack.config.prefix, { deviceId: KSB_TV, ...tv }, B, Date.now());
  await ok('PUT', `/api/v1/stores/${B}/webhooks/hook1`, {
    url: 'http://127.0.0.1:9/hook',
    kinds: ['budget_override'],
    secret: 'a-secret-of-16-chars',
    enabled: true,
  });
  // An alert of store B: overriding its breaker raises one.
  await ok('POST', '/api/v1/budgets/KSB-budget/check', { amount: 500, override: { reason: '展会急需' } });
  const alerts = await ok('GET', `/api/v1/alerts?store=${B}`);
  fx.alertId = alerts.alerts[0].id;
  fx.jobId = (await ok('POST', `/api/v1/stores/${B}/segments/recompute`)).jobId;
  const csv = await postCsv(stack, eventsToCsv([ev('showroom.visit', new Date().toISOString(), { store: B, firstVisit: true })]));
  expect(csv.status).toBe(202);
  fx.importId = csv.body.importId;
  fx.spareKeyId = (await newKey({ name: 'spare', scopes: ['read'] })).keyId;
  limited = (await newKey({ name: 'store A admin', scopes: ALL_SCOPES, stores: [A] })).token;
});
afterEach(() => {
  sockets.splice(0).forEach((s) => s.disconnect());
});
afterAll(() => stack.close());

interface Case {
  path: string;
  body?: unknown;
  csv?: string;
  /** The limited key's answer; default: 403 or 404. */
  check?: (res: { status: number; body: any }) => void | Promise<void>;
}

const refused = (res: { status: number }) => expect([403, 404]).toContain(res.status);

/** One request per route of the table, each about store B. */
const cases = (): Record<string, Case> => ({
  'POST /api/v1/events': {
    path: '/api/v1/events',
    body: ev('showroom.visit', new Date().toISOString(), { store: B, firstVisit: true }),
  },
  'POST /api/v1/imports': {
    path: '/api/v1/imports',
    csv: eventsToCsv([ev('showroom.visit', new Date().toISOString(), { store: B, firstVisit: false })]),
    // Rows are checked one by one in the background: the row of store B is refused.
    async check(res) {
      expect(res.status).toBe(202);
      const done = await waitFor(async () => {
        const s = (await stack.request('GET', `/api/v1/imports/${res.body.importId}`, undefined, limited)).body;
        return s.state === 'done' ? s : null;
      });
      expect(done).toMatchObject({ accepted: 0, rejected: 1 });
      expect(JSON.stringify(done.errors)).toContain('store');
    },
  },
  'GET /api/v1/imports/:importId': { path: `/api/v1/imports/${fx.importId}` },
  'GET /api/v1/kpis': {
    path: '/api/v1/kpis',
    check(res) {
      expect(res.status).toBe(200);
      expect(res.body.stores).toEqual([A]);
    },
  },
  'GET /api/v1/stores': {
    path: '/api/v1/stores',
    check(res) {
      expect(res.status).toBe(200);
      // Its own store only, with the name a store picker shows.
      expect(res.body.stores).toEqual([{ store: A, name: '店 KSA', timezone: 'Asia/Shanghai' }]);
    },
  },
  'GET /api/v1/stores/:store/kpis': { path: `/api/v1/stores/${B}/kpis` },
  'GET /api/v1/stores/:store/reports/:period': { path: `/api/v1/stores/${B}/reports/${MONTH}` },
  'GET /api/v1/stores/:store/reports/:period/trend': { path: `/api/v1/stores/${B}/reports/${MONTH}/trend` },
  'GET /api/v1/reports/:period': {
    path: `/api/v1/reports/${MONTH}`,
    check(res) {
      expect(res.status).toBe(200);
      expect(res.body.stores).toEqual([A]);
    },
  },
  'GET /api/v1/reports/:period/trend': {
    path: `/api/v1/reports/${MONTH}/trend?count=2`,
    check(res) {
      expect(res.status).toBe(200);
      // Store A has no events: B's would show.
      expect(
        Object.values(res.body.values as Record<string, (number | null)[]>)
          .flat()
          .filter((v) => v !== null && v !== 0),
      ).toEqual([]);
    },
  },
  'GET /api/v1/stores/:store/alerts': { path: `/api/v1/stores/${B}/alerts` },
  'GET /api/v1/alerts': {
    path: '/api/v1/alerts?state=all',
    check(res) {
      expect(res.status).toBe(200);
      expect(res.body.alerts.filter((a: { store: string }) => a.store !== A)).toEqual([]);
    },
  },
  'POST /api/v1/alerts/:alertId/ack': { path: `/api/v1/alerts/${fx.alertId}/ack`, body: { by: '张三' } },
  'GET /api/v1/whoami': {
    path: '/api/v1/whoami',
    check(res) {
      expect(res.status).toBe(200);
      expect(res.body.stores).toEqual([A]);
    },
  },
  'PUT /api/v1/stores/:store/alert-rules': { path: `/api/v1/stores/${B}/alert-rules`, body: {} },
  'GET /api/v1/stores/:store/alert-rules': { path: `/api/v1/stores/${B}/alert-rules` },
  'POST /api/v1/budgets/:budgetId/check': { path: '/api/v1/budgets/KSB-budget/check', body: { amount: 1 } },
  'GET /api/v1/budgets/:budgetId/overrides': { path: '/api/v1/budgets/KSB-budget/overrides' },
  'GET /api/v1/stores/:store/overrides': { path: `/api/v1/stores/${B}/overrides` },
  'GET /api/v1/stores/:store/lists/:list': { path: `/api/v1/stores/${B}/lists/pendingCallbacks` },
  'GET /api/v1/stores/:store/daily': { path: `/api/v1/stores/${B}/daily` },
  'GET /api/v1/stores/:store/rejected': { path: `/api/v1/stores/${B}/rejected` },
  'PUT /api/v1/stores/:store': { path: `/api/v1/stores/${B}`, body: { name: '店 KSB', timezone: 'Asia/Shanghai' } },
  'GET /api/v1/stores/:store': { path: `/api/v1/stores/${B}` },
  'PUT /api/v1/budgets/:budgetId': {
    path: '/api/v1/budgets/KSB-budget',
    body: { store: B, name: '线上', month: MONTH, amount: 100 },
  },
  'GET /api/v1/budgets/:budgetId': { path: '/api/v1/budgets/KSB-budget' },
  'PUT /api/v1/materials/:itemId': { path: '/api/v1/materials/KSB-item', body: { store: B, name: '海报', reorderLevel: 5 } },
  'GET /api/v1/materials/:itemId': { path: '/api/v1/materials/KSB-item' },
  'PUT /api/v1/targets/:store/:month': { path: `/api/v1/targets/${B}/${MONTH}`, body: { orders: 10 } },
  'GET /api/v1/targets/:store/:month': { path: `/api/v1/targets/${B}/${MONTH}` },
  'PUT /api/v1/screens/:name': {
    path: '/api/v1/screens/ksb-lobby',
    body: { items: [{ page: 'overview', store: B, seconds: 30 }] },
  },
  'GET /api/v1/screens/:name': { path: '/api/v1/screens/ksb-lobby' },
  'GET /api/v1/devices': {
    path: '/api/v1/devices',
    // Listed for every admin key: store B's TV is left out.
    check(res) {
      expect(res.status).toBe(200);
      expect(res.body.devices).toEqual([]);
    },
  },
  'GET /api/v1/devices/:deviceId': { path: `/api/v1/devices/${KSB_TV}` },
  'PUT /api/v1/devices/:deviceId': { path: `/api/v1/devices/${KSB_TV}`, body: { name: '入口' } },
  'POST /api/v1/devices/:deviceId/reload': { path: `/api/v1/devices/${KSB_TV}/reload` },
  'POST /api/v1/devices/:deviceId/identify': { path: `/api/v1/devices/${KSB_TV}/identify` },
  'DELETE /api/v1/devices/:deviceId': { path: `/api/v1/devices/${KSB_TV}` },
  'POST /api/v1/stores/:store/segments/recompute': { path: `/api/v1/stores/${B}/segments/recompute` },
  'GET /api/v1/stores/:store/segments/job/:jobId': { path: `/api/v1/stores/${B}/segments/job/${fx.jobId}` },
  'POST /api/v1/keys': { path: '/api/v1/keys', body: { name: 'escalated', scopes: ['admin'] } },
  'GET /api/v1/keys': { path: '/api/v1/keys' },
  'DELETE /api/v1/keys/:keyId': { path: `/api/v1/keys/${fx.spareKeyId}` },
  'GET /api/v1/stores/:store/webhooks': { path: `/api/v1/stores/${B}/webhooks` },
  'PUT /api/v1/stores/:store/webhooks/:webhookId': {
    path: `/api/v1/stores/${B}/webhooks/hook1`,
    body: { url: 'http://127.0.0.1:9/hook', kinds: ['budget_override'], secret: 'a-secret-of-16-chars', enabled: true },
  },
  'GET /api/v1/stores/:store/webhooks/:webhookId/deliveries': { path: `/api/v1/stores/${B}/webhooks/hook1/deliveries` },
  'POST /api/v1/stores/:store/webhooks/:webhookId/test': { path: `/api/v1/stores/${B}/webhooks/hook1/test` },
  'DELETE /api/v1/stores/:store/webhooks/:webhookId': { path: `/api/v1/stores/${B}/webhooks/hook1` },
  'GET /api/v1/stores/:store/report-delivery': { path: `/api/v1/stores/${B}/report-delivery` },
  'PUT /api/v1/stores/:store/report-delivery': {
    path: `/api/v1/stores/${B}/report-delivery`,
    body: { weekly: true, monthly: false, emails: ['ops@example.com'], webhooks: true },
  },
});

const routeName = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

async function send(method: string, c: Case, token: string) {
  if (c.csv !== undefined) return postCsv(stack, c.csv, token);
  return stack.request(method, c.path, c.body, token);
}

describe('a key limited to store A, asking about store B', () => {
  it('has a case for every route of the table', () => {
    const table = cases();
    expect(routes.map(routeName).filter((name) => !table[name])).toEqual([]);
  });

  // The limited key first, then the admin: the same request must get through, so a 404 above means
  // "not yours", not "no such thing". DELETEs last, so the others still find what they ask about.
  const walk = routes.map(routeName).sort((x, y) => Number(x.startsWith('DELETE')) - Number(y.startsWith('DELETE')));
  it.each(walk)('%s', async (name) => {
    const c = cases()[name]!;
    const method = name.split(' ')[0]!;
    const res = await send(method, c, limited);
    if (c.check) await c.check(res);
    else refused(res);
    const control = await send(method, c, ADMIN_TOKEN);
    expect(control.status, `${name} as admin: ${JSON.stringify(control.body)}`).toBeLessThan(300);
  });

  it('may not take over a budget, a material or a screen of store B by naming store A', async () => {
    const budget = await stack.request(
      'PUT',
      '/api/v1/budgets/KSB-budget',
      { store: A, name: 'x', month: MONTH, amount: 1 },
      limited,
    );
    expect(budget.status).toBe(403);
    const item = await stack.request('PUT', '/api/v1/materials/KSB-item', { store: A, name: 'x', reorderLevel: 1 }, limited);
    expect(item.status).toBe(403);
    const screen = await stack.request(
      'PUT',
      '/api/v1/screens/ksb-lobby',
      { items: [{ page: 'sales', store: A, seconds: 30 }] },
      limited,
    );
    expect(screen.status).toBe(403);
    const group = await stack.request(
      'PUT',
      '/api/v1/screens/ksa-group',
      { items: [{ page: 'sales', store: '*', seconds: 30 }] },
      limited,
    );
    expect(group.status).toBe(403);
    expect((await stack.request('GET', '/api/v1/budgets/KSB-budget')).body.store).toBe(B);
    expect((await stack.request('GET', '/api/v1/materials/KSB-item')).body.store).toBe(B);
    // Its own store: allowed.
    const own = await stack.request(
      'PUT',
      '/api/v1/screens/ksa-lobby',
      { items: [{ page: 'sales', store: A, seconds: 30 }] },
      limited,
    );
    expect(own.status).toBe(200);
  });

  it('is refused store B, the group and screens of store B on /live, and may use store A', async () => {
    const s = client(limited);
    await connected(s);
    expect(await s.emitWithAck('subscribe', { store: B })).toEqual({ error: 'forbidden: this key may not read this store' });
    expect(await s.emitWithAck('subscribe', { store: '*' })).toEqual({ error: 'forbidden: this key may not read this store' });
    expect(await s.emitWithAck('watchScreen', { name: 'ksb-lobby' })).toEqual({
      error: 'forbidden: this screen shows stores this key may not read',
    });
    const ack = await s.emitWithAck('subscribe', { store: A });
    expect('data' in ack && ack.data.store).toBe(A);
    const screen = await s.emitWithAck('watchScreen', { name: 'ksa-lobby' });
    expect('data' in screen && screen.data.name).toBe('ksa-lobby');
  });
});

describe('keys: list and revoke', () => {
  it('lists keys without hash or token, and revokes one: 204, again 204, unknown 404', async () => {
    const made = await newKey({ name: '展厅大屏', scopes: ['read'], stores: [A] });
    expect((await stack.request('GET', '/api/v1/whoami', undefined, made.token)).status).toBe(200);
    const listed = await stack.request('GET', '/api/v1/keys');
    expect(listed.status).toBe(200);
    const mine = listed.body.keys.find((k: { keyId: string }) => k.keyId === made.keyId);
    expect(mine).toMatchObject({ keyId: made.keyId, name: '展厅大屏', scopes: ['read'], stores: [A] });
    expect(Date.parse(mine.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(mine.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(mine.revokedAt).toBeUndefined();
    // Nothing secret in the list: no token, no SHA-256.
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(made.token);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    for (const k of listed.body.keys) {
      expect(Object.keys(k).sort()).toEqual(expect.arrayContaining(['keyId', 'name', 'scopes', 'stores', 'createdAt'].sort()));
      expect(
        Object.keys(k).every((f) => ['keyId', 'name', 'scopes', 'stores', 'createdAt', 'revokedAt', 'lastUsedAt'].includes(f)),
      ).toBe(true);
    }

    expect((await stack.request('DELETE', `/api/v1/keys/${made.keyId}`)).status).toBe(204);
    // Refused at once, on every route.
    expect((await stack.request('GET', '/api/v1/whoami', undefined, made.token)).status).toBe(401);
    expect((await stack.request('GET', `/api/v1/stores/${A}/kpis`, undefined, made.token)).status).toBe(401);
    expect((await stack.request('DELETE', `/api/v1/keys/${made.keyId}`)).status).toBe(204);
    expect((await stack.request('DELETE', '/api/v1/keys/0123456789ab')).status).toBe(404);
    expect((await stack.request('DELETE', '/api/v1/keys/not-a-key-id')).status).toBe(404);
    const after = (await stack.request('GET', '/api/v1/keys')).body.keys.find((k: { keyId: string }) => k.keyId === made.keyId);
    expect(Date.parse(after.revokedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('revokes through an index, without scanning the keys', async () => {
    const made = await newKey({ name: 'indexed', scopes: ['read'] });
    const g = globalKeys(stack.config.prefix);
    const h = await stack.app.deps.redis.hget(g.apiKeyIds, made.keyId);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(await stack.app.deps.redis.hexists(g.apiKeys, h!)).toBe(1);
  });

  it('drops the open sockets of a revoked key within seconds', async () => {
    const made = await newKey({ name: 'lobby tv', scopes: ['read'] });
    const [s1, s2] = [client(made.token), client(made.token)];
    const other = client((await newKey({ name: 'other tv', scopes: ['read'] })).token);
    await Promise.all([connected(s1), connected(s2), connected(other)]);
    expect('data' in (await s1.emitWithAck('subscribe', { store: A }))).toBe(true);
    const reasons = Promise.all([s1, s2].map((s) => new Promise<string>((resolve) => s.once('disconnect', resolve))));
    const t0 = Date.now();
    expect((await stack.request('DELETE', `/api/v1/keys/${made.keyId}`)).status).toBe(204);
    expect(await within(3000, reasons, 'disconnect')).toEqual(['io server disconnect', 'io server disconnect']);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(other.connected).toBe(true);
    // And it cannot come back.
    const again = client(made.token);
    await expect(connected(again)).rejects.toThrow('unauthorized');
  });

  it('drops the sockets of a key revoked while this server missed the announcement', async () => {
    // Another server of the same install, re-checking its sockets' keys every 300 ms instead of 30 s.
    const other = await createApp({ ...stack.config, keyRecheckMs: 300 }, stack.redisUrl);
    const otherUrl = `http://127.0.0.1:${await other.listen(0, '127.0.0.1')}`;
    onTestFinished(() => other.close());
    const made = await newKey({ name: 'missed', scopes: ['read'] });
    const s = client(made.token, otherUrl);
    await connected(s);
    const gone = new Promise<string>((resolve) => s.once('disconnect', resolve));
    // Revoked behind the servers' backs: the record changes, nothing is published.
    const g = globalKeys(stack.config.prefix);
    const redis = stack.app.deps.redis;
    const h = (await redis.hget(g.apiKeyIds, made.keyId))!;
    const rec = JSON.parse((await redis.hget(g.apiKeys, h))!);
    await redis.hset(g.apiKeys, h, JSON.stringify({ ...rec, revokedAt: new Date().toISOString() }));
    expect(await within(3000, gone, 'disconnect')).toBe('io server disconnect');
  });

  it('limits the rooms of one socket', async () => {
    const s = client(ADMIN_TOKEN);
    await connected(s);
    const max = stack.config.liveLimits.subscriptionsPerSocket;
    for (let i = 0; i < max - 2; i++) await stack.request('PUT', `/api/v1/stores/KSR${i}`, { name: `r${i}` });
    expect('data' in (await s.emitWithAck('subscribe', { store: A }))).toBe(true);
    expect('data' in (await s.emitWithAck('subscribe', { store: B }))).toBe(true);
    for (let i = 0; i < max - 2; i++) expect('data' in (await s.emitWithAck('subscribe', { store: `KSR${i}` }))).toBe(true);
    // The 21st room is refused; subscribing again to one it has is not a new room.
    expect(await s.emitWithAck('subscribe', { store: '*' })).toEqual({
      error: `too many subscriptions: at most ${max} per connection`,
    });
    expect('data' in (await s.emitWithAck('subscribe', { store: A }))).toBe(true);
    await s.emitWithAck('unsubscribe', { store: A });
    expect('data' in (await s.emitWithAck('subscribe', { store: '*' }))).toBe(true);
  });
});
