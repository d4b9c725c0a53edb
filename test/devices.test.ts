/**
 * The registry of screens (大屏管理): on-hours arithmetic across midnight and DST, TVs registering
 * over real sockets, the admin API listing, assigning, reloading and identifying them (also from a
 * second server), and a silent TV raising and clearing an alert through the maintenance processor
 * with a handed clock.
 */
import type { Job, Queue } from 'bullmq';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  burnInOffset,
  isOnHours,
  isSilent,
  type DeviceCommand,
  type DeviceReport,
  type DeviceSchedule,
} from '../domain/devices.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../domain/protocol.js';
import { recordReport } from '../core/books/device-book.js';
import { listAlerts } from '../core/books/alert-book.js';
import { createMaintenanceProcessor } from '../workers/maintenance.processor.js';
import type { MaintenanceJob } from '../core/jobs/queues.js';
import { ev } from './support/events.js';
import { applyDeps, startStack, waitFor, type Stack } from './support/stack.js';

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('on-hours (domain/devices.ts)', () => {
  const weekdays: DeviceSchedule = [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '21:00' }];
  const at = (iso: string) => Date.parse(iso);

  it('reads the hours in the store’s zone, on the listed weekdays only', () => {
    // Monday 2026-11-23.
    expect(isOnHours(weekdays, 'Asia/Shanghai', at('2026-11-23T09:00:00+08:00'))).toBe(true);
    expect(isOnHours(weekdays, 'Asia/Shanghai', at('2026-11-23T08:59:00+08:00'))).toBe(false);
    expect(isOnHours(weekdays, 'Asia/Shanghai', at('2026-11-23T21:00:00+08:00'))).toBe(false);
    expect(isOnHours(weekdays, 'Asia/Shanghai', at('2026-11-23T20:59:00+08:00'))).toBe(true);
    // 02:00 UTC Monday is 10:00 in Shanghai, 21:00 Sunday in New York.
    expect(isOnHours(weekdays, 'Asia/Shanghai', at('2026-11-23T02:00:00Z'))).toBe(true);
    expect(isOnHours(weekdays, 'America/New_York', at('2026-11-23T02:00:00Z'))).toBe(false);
    // Saturday 2026-11-28, noon.
    expect(isOnHours(weekdays, 'Asia/Shanghai', at('2026-11-28T12:00:00+08:00'))).toBe(false);
    expect(isOnHours(null, 'Asia/Shanghai', at('2026-11-28T03:00:00+08:00'))).toBe(true);
  });

  it('runs a span past midnight into the next day, and a span from = to is the whole day', () => {
    // Friday and Saturday evenings until 02:00.
    const late: DeviceSchedule = [{ days: [5, 6], from: '18:00', to: '02:00' }];
    expect(isOnHours(late, 'Asia/Shanghai', at('2026-11-27T23:30:00+08:00'))).toBe(true); // Fri
    expect(isOnHours(late, 'Asia/Shanghai', at('2026-11-28T01:59:00+08:00'))).toBe(true); // Sat small hours (Fri's span)
    expect(isOnHours(late, 'Asia/Shanghai', at('2026-11-29T01:00:00+08:00'))).toBe(true); // Sun small hours (Sat's span)
    expect(isOnHours(late, 'Asia/Shanghai', at('2026-11-30T01:00:00+08:00'))).toBe(false); // Mon small hours (Sun not listed)
    expect(isOnHours(late, 'Asia/Shanghai', at('2026-11-27T02:30:00+08:00'))).toBe(false); // Fri small hours (Thu not listed)
    expect(isOnHours(late, 'Asia/Shanghai', at('2026-11-28T02:00:00+08:00'))).toBe(false);
    const sundays: DeviceSchedule = [{ days: [7], from: '00:00', to: '00:00' }];
    expect(isOnHours(sundays, 'Asia/Shanghai', at('2026-11-29T23:59:00+08:00'))).toBe(true);
    expect(isOnHours(sundays, 'Asia/Shanghai', at('2026-11-30T00:00:00+08:00'))).toBe(false);
  });

  it('follows New York across its DST changes (local hours, not UTC offsets)', () => {
    const mornings: DeviceSchedule = [{ days: [7], from: '09:00', to: '10:00' }];
    // Sunday 2026-03-08, clocks go forward at 02:00: 09:30 EDT is 13:30 UTC.
    expect(isOnHours(mornings, 'America/New_York', at('2026-03-08T13:30:00Z'))).toBe(true);
    expect(isOnHours(mornings, 'America/New_York', at('2026-03-08T14:30:00Z'))).toBe(false);
    // Sunday 2026-11-01, back to EST: 09:30 EST is 14:30 UTC.
    expect(isOnHours(mornings, 'America/New_York', at('2026-11-01T14:30:00Z'))).toBe(true);
    expect(isOnHours(mornings, 'America/New_York', at('2026-11-01T13:30:00Z'))).toBe(false);
    // The hour that does not exist (02:00-03:00 on 8 March): a span 01:00-03:00 holds 01:00-01:59 and nothing else.
    const night: DeviceSchedule = [{ days: [7], from: '01:00', to: '03:00' }];
    expect(isOnHours(night, 'America/New_York', at('2026-03-08T06:59:00Z'))).toBe(true); // 01:59 EST
    expect(isOnHours(night, 'America/New_York', at('2026-03-08T07:00:00Z'))).toBe(false); // 03:00 EDT
  });

  it('moves the layout by at most 3 px every 3 minutes, through five positions', () => {
    const M = 60_000;
    expect([0, 3, 6, 9, 12, 15].map((min) => burnInOffset(min * M))).toEqual([
      [0, 0],
      [3, 2],
      [-2, 3],
      [-3, -2],
      [2, -3],
      [0, 0],
    ]);
    expect(burnInOffset(3 * M - 1)).toEqual([0, 0]);
  });

  it('calls a TV silent after 5 minutes, once it has been due on for 5 minutes', () => {
    const open = at('2026-11-23T09:00:00+08:00');
    const d = { schedule: weekdays };
    expect(isSilent(d, 'Asia/Shanghai', open - 12 * 3600_000, open)).toBe(false); // opening: five minutes to start
    expect(isSilent(d, 'Asia/Shanghai', open - 12 * 3600_000, open + 5 * 60_000)).toBe(true);
    expect(isSilent(d, 'Asia/Shanghai', open + 60_000, open + 5 * 60_000 + 59_999)).toBe(false);
    expect(isSilent(d, 'Asia/Shanghai', open + 60_000, open + 6 * 60_000)).toBe(true);
    expect(isSilent(d, 'Asia/Shanghai', null, at('2026-11-23T22:00:00+08:00'))).toBe(false); // closed
  });
});

let a: Stack;
let b: Stack;
let readKey: string;
const sockets: LiveClient[] = [];
const ID1 = 'tv-lobby-0000000001';
const ID2 = 'tv-lobby-0000000002';

function tv(token = readKey, base = a.baseUrl): LiveClient {
  const s: LiveClient = connect(`${base}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(s);
  return s;
}
const report = (deviceId: string, over: Partial<DeviceReport> = {}): DeviceReport => ({
  deviceId,
  screen: 'dv-lobby',
  page: 'overview DV1',
  userAgent: 'Mozilla/5.0 (SMART-TV)',
  screenWidth: 1920,
  screenHeight: 1080,
  appVersion: '0.1.0',
  heapUsedBytes: 52_428_800,
  heapLimitBytes: 4_294_705_152,
  ...over,
});

beforeAll(async () => {
  a = await startStack('devices');
  b = await startStack('devices', { workers: false, config: { prefix: a.config.prefix } });
  readKey = (await a.request('POST', '/api/v1/keys', { name: 'tv', scopes: ['read'] })).body.token;
  await a.request('PUT', '/api/v1/stores/DV1', { name: '设备店', timezone: 'Asia/Shanghai' });
  await a.request('PUT', '/api/v1/stores/DV2', { name: '二店', timezone: 'America/New_York' });
  await a.request('PUT', '/api/v1/screens/dv-lobby', { items: [{ page: 'overview', store: 'DV1', seconds: 30 }] });
  await a.request('PUT', '/api/v1/screens/dv-sales', { items: [{ page: 'sales', store: 'DV1', seconds: 30 }] });
});
afterEach(() => {
  sockets.splice(0).forEach((s) => s.disconnect());
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('registration and the admin API', () => {
  it('registers a TV on its first report, with its screen’s store, and lists it online', async () => {
    const s = tv();
    const ack = await s.emitWithAck('deviceHello', report(ID1));
    expect(ack).toEqual({
      data: {
        id: ID1,
        name: 'dv-lobby',
        screen: 'dv-lobby',
        store: 'DV1',
        schedule: null,
        celebrations: false,
        registeredAt: expect.any(String),
        storeName: '设备店',
        timezone: 'Asia/Shanghai',
      },
    });
    const { status, body } = await a.request('GET', '/api/v1/devices');
    expect(status).toBe(200);
    expect(body.online).toBe(1);
    expect(body.devices).toHaveLength(1);
    expect(body.devices[0]).toMatchObject({
      id: ID1,
      online: true,
      onHours: true,
      status: { page: 'overview DV1', screenWidth: 1920, screenHeight: 1080, heapUsedBytes: 52_428_800, appVersion: '0.1.0' },
    });
    expect(Date.now() - Date.parse(body.devices[0].lastSeen)).toBeLessThan(5_000);
    // Nothing kept in a server's memory: the second server lists the same.
    expect((await b.request('GET', '/api/v1/devices')).body.devices.map((d: { id: string }) => d.id)).toEqual([ID1]);
  });

  it('refuses a malformed report naming the field, and a second device on one connection', async () => {
    const s = tv();
    expect(await s.emitWithAck('deviceHello', report('short'))).toEqual({
      error: 'invalid report: deviceId: must be 16-64 characters of A-Za-z0-9_-',
    });
    expect(await s.emitWithAck('deviceHello', { ...report(ID2), screenWidth: -1 })).toEqual({
      error: 'invalid report: screenWidth: Too small: expected number to be >=0',
    });
    expect('data' in (await s.emitWithAck('deviceHello', report(ID2)))).toBe(true);
    expect(await s.emitWithAck('deviceHello', report(ID1))).toEqual({
      error: 'this connection already reports for another device',
    });
  });

  it('answers 400 naming the fields of a bad setting, 404 for an unknown device, and refuses non-admin keys', async () => {
    const bad = await a.request('PUT', `/api/v1/devices/${ID1}`, {
      schedule: [{ days: [0, 1], from: '9:00', to: '21:00' }],
      celebrations: 'yes',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_device');
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'celebrations',
      'schedule.0.days.0',
      'schedule.0.from',
    ]);
    const noScreen = await a.request('PUT', `/api/v1/devices/${ID1}`, { screen: 'nowhere' });
    expect(noScreen).toEqual({
      status: 400,
      body: { error: 'invalid_device', details: [{ path: 'screen', message: 'no screen nowhere' }] },
    });
    expect(await a.request('PUT', `/api/v1/devices/${ID1}`, { store: 'NOPE1' })).toEqual({
      status: 400,
      body: { error: 'invalid_device', details: [{ path: 'store', message: 'no store NOPE1' }] },
    });
    expect((await a.request('GET', '/api/v1/devices/nobody-0000000000000')).status).toBe(404);
    expect((await a.request('GET', '/api/v1/devices/x')).status).toBe(400);
    expect((await a.request('GET', '/api/v1/devices', undefined, readKey)).status).toBe(403);
  });

  it('pushes a new name, playlist and on-hours to the TV, through the other server', async () => {
    const s = tv(readKey, b.baseUrl);
    await s.emitWithAck('deviceHello', report(ID1));
    const pushed = new Promise<unknown>((resolve) => s.once('device', resolve));
    const schedule = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '09:00', to: '21:00' }];
    const put = await a.request('PUT', `/api/v1/devices/${ID1}`, { name: '展厅入口', screen: 'dv-sales', schedule });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: ID1,
      name: '展厅入口',
      screen: 'dv-sales',
      store: 'DV1',
      schedule,
      celebrations: false,
    });
    expect(await pushed).toMatchObject({ id: ID1, name: '展厅入口', screen: 'dv-sales', schedule, storeName: '设备店' });
    // The assignment wins over the TV's address: a report from /screen/dv-lobby keeps dv-sales.
    const again = await s.emitWithAck('deviceHello', report(ID1));
    expect(again).toMatchObject({ data: { screen: 'dv-sales', name: '展厅入口' } });
  });

  it('hands reload and identify to the TV’s socket on whichever server holds it', async () => {
    const onB = tv(readKey, b.baseUrl);
    await onB.emitWithAck('deviceHello', report(ID1));
    const other = tv();
    await other.emitWithAck('deviceHello', report(ID2));
    const got: DeviceCommand[] = [];
    const otherGot: DeviceCommand[] = [];
    onB.on('deviceCommand', (c) => got.push(c));
    other.on('deviceCommand', (c) => otherGot.push(c));
    const reload = await a.request('POST', `/api/v1/devices/${ID1}/reload`);
    expect(reload).toEqual({ status: 202, body: { deviceId: ID1, sent: 'reload', online: true } });
    const identify = await a.request('POST', `/api/v1/devices/${ID1}/identify`);
    expect(identify.status).toBe(202);
    await waitFor(async () => got.length === 2, 5_000, 'two commands');
    expect(got).toEqual([{ command: 'reload' }, { command: 'identify', name: '展厅入口', ms: 10_000 }]);
    expect(otherGot).toEqual([]);
  });

  it('sends celebrations of its store only to TVs that have them on', async () => {
    const on = tv();
    await on.emitWithAck('deviceHello', report(ID1));
    const off = tv();
    await off.emitWithAck('deviceHello', report(ID2));
    await a.request('PUT', `/api/v1/devices/${ID1}`, { celebrations: true });
    const onGot: unknown[] = [];
    const offGot: unknown[] = [];
    on.on('celebration', (c) => onGot.push(c));
    off.on('celebration', (c) => offGot.push(c));
    await waitFor(async () => (await a.request('GET', `/api/v1/devices/${ID1}`)).body.celebrations === true);
    // Joined after the push reached the TV's server: wait for its `device` push before celebrating.
    await new Promise((r) => setTimeout(r, 200));
    const at = new Date().toISOString();
    const posted = await a.request('POST', '/api/v1/events', {
      events: [
        // Back-filled an hour late: not news, not celebrated.
        ev('order.signed', new Date(Date.now() - 3600_000).toISOString(), {
          store: 'DV1',
          orderId: 'O0',
          model: '唐 DM-i',
          amount: 200_000,
        }),
        ev('order.signed', at, {
          store: 'DV1',
          orderId: 'O1',
          model: '汉 EV',
          amount: 250_000,
          customer: { id: 'C1', name: '王小明', phone: '13812345678' },
        }),
        ev('vehicle.delivered', at, { store: 'DV2', orderId: 'O2', model: '宋 PLUS' }),
      ],
    });
    expect(posted.status).toBe(202);
    await waitFor(async () => onGot.length === 1, 10_000, 'a celebration');
    // Its store's events only: the delivery at DV2 never comes.
    await new Promise((r) => setTimeout(r, 300));
    expect(onGot).toEqual([{ store: 'DV1', kind: 'order.signed', model: '汉 EV', customer: '王*明', at }]);
    expect(offGot).toEqual([]);
  });

  it('a key limited to a store manages its TVs only, and cannot move one out', async () => {
    const own = (await a.request('POST', '/api/v1/keys', { name: 'DV1 admin', scopes: ['read', 'admin'], stores: ['DV1'] })).body
      .token;
    const other = (await a.request('POST', '/api/v1/keys', { name: 'DV2 tv', scopes: ['read'], stores: ['DV2'] })).body.token;
    await recordReport(a.app.deps.redis, a.config.prefix, report('tv-of-dv2-00000001'), 'DV2', Date.now());
    const listed = await a.request('GET', '/api/v1/devices', undefined, own);
    expect(listed.body.devices.map((d: { id: string }) => d.id).sort()).toEqual([ID1, ID2]);
    expect((await a.request('GET', '/api/v1/devices/tv-of-dv2-00000001', undefined, own)).status).toBe(404);
    expect((await a.request('POST', '/api/v1/devices/tv-of-dv2-00000001/reload', undefined, own)).status).toBe(404);
    expect((await a.request('PUT', `/api/v1/devices/${ID1}`, { store: 'DV2' }, own)).status).toBe(403);
    expect((await a.request('PUT', `/api/v1/devices/${ID1}`, { store: null }, own)).status).toBe(403);
    expect((await a.request('GET', `/api/v1/devices/${ID1}`)).body.store).toBe('DV1');
    // A TV of store DV2 cannot report as store DV1's device.
    expect(await tv(other).emitWithAck('deviceHello', report(ID1))).toEqual({
      error: 'forbidden: this device belongs to a store this key may not read',
    });
    expect((await a.request('DELETE', '/api/v1/devices/tv-of-dv2-00000001')).status).toBe(204);
  });

  it('forgets a device', async () => {
    expect((await a.request('DELETE', `/api/v1/devices/${ID2}`)).status).toBe(204);
    expect((await a.request('GET', `/api/v1/devices/${ID2}`)).status).toBe(404);
    expect((await a.request('GET', '/api/v1/devices')).body.devices.map((d: { id: string }) => d.id)).toEqual([ID1]);
  });
});

describe('a silent TV', () => {
  it('raises 大屏离线 after 5 minutes inside its on-hours, and clears when the TV reports again', async () => {
    const deps = applyDeps('devices-silent', { prefix: a.config.prefix });
    const queue = { addBulk: async () => [] } as unknown as Queue<MaintenanceJob>;
    const recheck = (now: number) =>
      createMaintenanceProcessor({ ...deps, queue, now: () => now })({
        id: `recheck-${now}`,
        data: { kind: 'recheck', store: 'DV1' },
      } as Job<MaintenanceJob>);
    try {
      // Always on, so the test holds at any hour it runs.
      await a.request('PUT', `/api/v1/devices/${ID1}`, { schedule: null, name: '展厅入口' });
      const s = tv();
      await s.emitWithAck('deviceHello', report(ID1));
      const seen = Date.parse((await a.request('GET', `/api/v1/devices/${ID1}`)).body.lastSeen);
      const alerts = () => listAlerts(deps.redis, deps.config.prefix, 'DV1', { limit: 10 });

      await recheck(seen + 4 * 60_000 + 59_000);
      expect(await alerts()).toEqual([]);
      await recheck(seen + 5 * 60_000 + 1_000);
      const [raised] = await alerts();
      expect(raised).toMatchObject({
        kind: 'screen_silent',
        severity: 'warning',
        state: 'open',
        message: '大屏离线：展厅入口 已 5 分钟无响应',
        data: { deviceId: ID1, name: '展厅入口', minutes: 5 },
      });
      await recheck(seen + 7 * 60_000);
      expect(await alerts()).toHaveLength(1); // still silent: no repeat

      // The TV is back (its report is the server's now, a handed clock runs later than it: hand the report's time).
      await s.emitWithAck('deviceHello', report(ID1));
      const back = Date.parse((await a.request('GET', `/api/v1/devices/${ID1}`)).body.lastSeen);
      await recheck(back + 60_000);
      expect((await alerts()).map((x) => `${x.kind} ${x.state}`)).toEqual(['screen_silent cleared']);
    } finally {
      deps.close();
    }
  });

  it('stays quiet outside its on-hours', async () => {
    const deps = applyDeps('devices-quiet', { prefix: a.config.prefix });
    const queue = { addBulk: async () => [] } as unknown as Queue<MaintenanceJob>;
    try {
      const seen = Date.parse((await a.request('GET', `/api/v1/devices/${ID1}`)).body.lastSeen);
      const later = seen + 3 * 3600_000;
      // On one weekday only, not the one three hours after the last report in Shanghai.
      // Shanghai keeps UTC+8 all year: its weekday is the UTC weekday of the time 8 hours on.
      const weekday = ((new Date(later + 8 * 3600_000).getUTCDay() + 6) % 7) + 1;
      const otherDay = (weekday % 7) + 1;
      await a.request('PUT', `/api/v1/devices/${ID1}`, { schedule: [{ days: [otherDay], from: '00:00', to: '00:00' }] });
      const before = (await listAlerts(deps.redis, deps.config.prefix, 'DV1', { limit: 10 })).length;
      await createMaintenanceProcessor({ ...deps, queue, now: () => later })({
        id: 'quiet',
        data: { kind: 'recheck', store: 'DV1' },
      } as Job<MaintenanceJob>);
      expect(await listAlerts(deps.redis, deps.config.prefix, 'DV1', { limit: 10 })).toHaveLength(before);
    } finally {
      deps.close();
    }
  });
});
