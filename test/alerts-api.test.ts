/**
 * Alerts, the breaker and the work lists over the real API and sockets: a budget trips and its
 * alert is pushed, the breaker refuses the next planned spend, a manager overrides it with a
 * reason, staff acknowledge the alert, and the work lists empty as the settling events arrive.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../domain/alerts.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../domain/protocol.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './support/stack.js';

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;
let stack: Stack;
let live: LiveClient;
const pushed: { event: 'alert' | 'alertUpdated'; alert: AlertRecord }[] = [];
let staffKey: string;
let readKey: string;

/** This month in Shanghai, the stores' time zone. */
const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

beforeAll(async () => {
  stack = await startStack('alertsapi');
  staffKey = (await stack.request('POST', '/api/v1/keys', { name: '客服前台', scopes: ['read', 'ack'] })).body.token;
  readKey = (await stack.request('POST', '/api/v1/keys', { name: '大屏', scopes: ['read'] })).body.token;
  await stack.request('PUT', '/api/v1/stores/AP1', { name: '杭州一店', timezone: 'Asia/Shanghai' });
  live = connect(`${stack.baseUrl}/live`, { auth: { token: ADMIN_TOKEN }, transports: ['websocket'], reconnection: false });
  live.on('alert', (alert) => pushed.push({ event: 'alert', alert }));
  live.on('alertUpdated', (alert) => pushed.push({ event: 'alertUpdated', alert }));
  const ack = await live.emitWithAck('subscribe', { store: 'AP1' });
  if (!('data' in ack)) throw new Error(ack.error);
});
afterAll(async () => {
  live.disconnect();
  await stack.close();
});

const spend = (id: string, amount: number, budgetId = 'AP-B1') =>
  stack.request('POST', '/api/v1/events', ev('spend.recorded', minutesAgo(1), { store: 'AP1', spendId: id, budgetId, amount }));
const check = (body: unknown, token: string | null = ADMIN_TOKEN, budgetId = 'AP-B1') =>
  stack.request('POST', `/api/v1/budgets/${budgetId}/check`, body, token);

describe('the breaker and alert acknowledgement', () => {
  let tripped: AlertRecord;

  it('a tripped budget is pushed live and listed as open', async () => {
    await stack.request('PUT', '/api/v1/budgets/AP-B1', { store: 'AP1', name: '双十一车展', month, amount: 1000, warnAt: 0.8 });
    expect((await check({ amount: 999.99 })).body).toMatchObject({
      fits: true,
      shortfall: 0,
      remaining: 1000,
      after: { status: 'warn' },
    });
    await spend('S1', 1000);
    tripped = (await waitFor(async () => pushed.find((p) => p.alert.kind === 'budget_tripped'), 10_000, 'trip alert')).alert;
    expect(tripped).toMatchObject({ store: 'AP1', severity: 'critical', state: 'open', data: { budgetId: 'AP-B1', ratio: 1 } });
    const open = await stack.request('GET', '/api/v1/alerts?store=AP1&state=open', undefined, readKey);
    expect(open.body.alerts.map((a: AlertRecord) => a.id)).toEqual([tripped.id]);
  });

  it('refuses the next planned spend with the shortfall, and lets a manager override it with a reason', async () => {
    const refused = await check({ amount: 250.5 }, readKey);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: 'budget_tripped',
      fits: false,
      shortfall: 250.5,
      spent: 1000,
      budget: 1000,
      remaining: 0,
    });
    const notAManager = await check({ amount: 250.5, override: { reason: '车展临时加场' } }, staffKey);
    expect(notAManager.status).toBe(403);
    const noReason = await check({ amount: 250.5, override: { reason: '' } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details[0].path).toBe('override.reason');

    const ok = await check({ amount: 250.5, override: { reason: '车展临时加场', by: '王经理' } });
    expect(ok.status).toBe(200);
    expect(ok.body.override).toMatchObject({
      budgetId: 'AP-B1',
      amount: 250.5,
      shortfall: 250.5,
      reason: '车展临时加场',
      by: '王经理',
    });
    const log = await stack.request('GET', '/api/v1/stores/AP1/overrides', undefined, readKey);
    expect(log.body.overrides.map((o: { reason: string; by: string }) => `${o.by}:${o.reason}`)).toEqual(['王经理:车展临时加场']);
    const alert = await waitFor(async () => pushed.find((p) => p.alert.kind === 'budget_override'), 10_000, 'override alert');
    expect(alert.alert.data).toMatchObject({ by: '王经理', reason: '车展临时加场', shortfall: 250.5 });
    const shown = await waitFor(async () => {
      const snap = await stack.request('GET', '/api/v1/stores/AP1/kpis', undefined, readKey);
      const line = snap.body.kpis.spend.budgets.find((b: { budgetId: string }) => b.budgetId === 'AP-B1');
      return line?.overrides === 1 && line;
    });
    expect(shown.status).toBe('tripped');
  });

  it('a budget under its line refuses a spend that would reach it (budget_would_trip)', async () => {
    await stack.request('PUT', '/api/v1/budgets/AP-B2', { store: 'AP1', name: '短视频', month, amount: 500, warnAt: 0.8 });
    const reach = await check({ amount: 500 }, readKey, 'AP-B2');
    expect(reach.status).toBe(409);
    expect(reach.body).toMatchObject({ error: 'budget_would_trip', shortfall: 0, after: { status: 'tripped' } });
    expect((await check({ amount: 0.001 }, readKey, 'AP-B2')).status).toBe(400);
    expect((await check({ amount: 1 }, readKey, 'NOPE')).status).toBe(404);
  });

  it('staff acknowledge an alert: pushed as updated, idempotent, and refused without the scope', async () => {
    const path = `/api/v1/alerts/${tripped.id}/ack`;
    expect((await stack.request('POST', path, { by: '李娜' }, readKey)).status).toBe(403);
    const bad = await stack.request('POST', path, { note: 'x' }, staffKey);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('by');
    expect((await stack.request('POST', '/api/v1/alerts/AP1.nope/ack', { by: '李娜' }, staffKey)).status).toBe(404);
    expect((await stack.request('POST', '/api/v1/alerts/<x>/ack', { by: '李娜' }, staffKey)).status).toBe(400);

    const ack = await stack.request('POST', path, { by: '李娜', note: '已通知市场部' }, staffKey);
    expect(ack.status).toBe(200);
    expect(ack.body.alert).toMatchObject({ id: tripped.id, state: 'acked', ack: { by: '李娜', note: '已通知市场部' } });
    const update = await waitFor(async () => pushed.find((p) => p.event === 'alertUpdated' && p.alert.id === tripped.id));
    expect(update.alert.state).toBe('acked');
    const again = await stack.request('POST', path, { by: '张伟' }, staffKey);
    expect(again.body.alert.ack.by).toBe('李娜');
    expect(again.body.alert.history.map((h: { action: string }) => h.action)).toEqual(['raised', 'acked']);

    const active = await stack.request('GET', '/api/v1/alerts?store=AP1&state=acked', undefined, readKey);
    expect(active.body.alerts.map((a: AlertRecord) => a.id)).toEqual([tripped.id]);
    expect((await stack.request('GET', '/api/v1/alerts?state=bogus', undefined, readKey)).status).toBe(400);
  });

  it('raising the budget clears the alert; a cleared alert cannot be acknowledged', async () => {
    await stack.request('PUT', '/api/v1/budgets/AP-B1', { store: 'AP1', name: '双十一车展', month, amount: 5000, warnAt: 0.8 });
    const cleared = await waitFor(async () =>
      pushed.find((p) => p.event === 'alertUpdated' && p.alert.id === tripped.id && p.alert.state === 'cleared'),
    );
    expect(cleared.alert.history.map((h) => h.action)).toEqual(['raised', 'acked', 'cleared']);
    const late = await stack.request('POST', `/api/v1/alerts/${tripped.id}/ack`, { by: '张伟' }, staffKey);
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('alert_cleared');
  });

  it('whoami tells a page what its key may do', async () => {
    const me = await stack.request('GET', '/api/v1/whoami', undefined, staffKey);
    expect(me.body).toMatchObject({ name: '客服前台', scopes: ['read', 'ack'], stores: null });
  });
});

describe('work lists empty as the settling events arrive', () => {
  const post = (...events: ReturnType<typeof ev>[]) => stack.request('POST', '/api/v1/events', { events });
  const list = (name: string) => stack.request('GET', `/api/v1/stores/WL1/lists/${name}`, undefined, readKey);

  it('callbacks to make, sorted by deadline, leave the list when reached', async () => {
    await post(
      ev('vehicle.delivered', minutesAgo(120), { store: 'WL1', orderId: 'O-2' }),
      ev('vehicle.delivered', minutesAgo(180), { store: 'WL1', orderId: 'O-1' }),
      ev('repair.closed', minutesAgo(60), { store: 'WL1', roId: 'RO-1', amount: 800 }),
    );
    const before = await waitFor(async () => {
      const r = await list('pendingCallbacks');
      return r.body.items?.length === 3 && r.body;
    });
    expect(before.items.map((i: { subjectId: string }) => i.subjectId)).toEqual(['O-1', 'O-2', 'RO-1']);
    // 72 h deadline, delivered 3 h ago: 69 h left.
    expect(before.items[0].hoursLeft).toBeCloseTo(69, 0);
    await post(
      ev('callback.attempted', minutesAgo(1), {
        store: 'WL1',
        callbackId: 'CB1',
        kind: 'sales',
        subjectId: 'O-1',
        outcome: 'no_answer',
      }),
    );
    await post(
      ev('callback.attempted', minutesAgo(1), {
        store: 'WL1',
        callbackId: 'CB2',
        kind: 'sales',
        subjectId: 'O-2',
        outcome: 'reached',
      }),
    );
    await post(
      ev('callback.attempted', minutesAgo(1), {
        store: 'WL1',
        callbackId: 'CB3',
        kind: 'service',
        subjectId: 'RO-1',
        outcome: 'reached',
      }),
    );
    const after = await waitFor(async () => {
      const r = await list('pendingCallbacks');
      return r.body.items?.length === 1 && r.body;
    });
    expect(after.items.map((i: { subjectId: string }) => i.subjectId)).toEqual(['O-1']); // not reached: still to call
  });

  it('open complaints by urgency with their SLA countdown, leaving when resolved', async () => {
    await post(
      ev('complaint.opened', minutesAgo(300), {
        store: 'WL1',
        complaintId: 'C-HIGH',
        channel: 'phone',
        category: 'service',
        severity: 'high',
      }),
      ev('complaint.opened', minutesAgo(60), {
        store: 'WL1',
        complaintId: 'C-LOW',
        channel: 'wechat',
        category: 'sales',
        severity: 'low',
      }),
    );
    const r = await waitFor(async () => {
      const b = (await list('openComplaints')).body;
      return b.items?.length === 2 && b;
    });
    // C-HIGH: response due 4 h after opening, opened 5 h ago: overdue by about an hour.
    expect(r.items[0]).toMatchObject({ complaintId: 'C-HIGH', phase: 'response', overdue: true });
    expect(r.items[0].hoursLeft).toBeCloseTo(-1, 0);
    // C-LOW: response due in 24 h, opened 1 h ago.
    expect(r.items[1]).toMatchObject({ complaintId: 'C-LOW', overdue: false });
    expect(r.items[1].hoursLeft).toBeCloseTo(23, 0);
    await post(ev('complaint.resolved', minutesAgo(0), { store: 'WL1', complaintId: 'C-HIGH' }));
    await waitFor(async () => {
      const b = (await list('openComplaints')).body;
      return b.items?.length === 1 && b.items[0].complaintId === 'C-LOW';
    });
  });
});
