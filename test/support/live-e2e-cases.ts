/**
 * From POST /api/v1/events to a socket.io-client on /live: the key in the handshake, the snapshot
 * in the subscribe ack, pushed figures, coalescing, and alerts. Run on the test run's redis-server
 * (live-e2e.test.ts) and on a Redis Cluster (redis-cluster.test.ts).
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../domain/alerts.js';
import type { Snapshot } from '../../domain/kpis.js';
import { MAX_PUSHES_PER_SECOND, type ClientToServerEvents, type ServerToClientEvents } from '../../domain/protocol.js';
import { loadConfig } from '../../core/config.js';
import type { RedisTarget } from '../../core/redis/connections.js';
import { ev } from './events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './stack.js';
import { zoneAtNoon } from './zone-at-noon.js';

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The /live tests on the Redis `target` gives (when the suite starts); the test run's redis-server by default. */
export function liveE2eTests(target?: () => RedisTarget) {
  describe('/live', () => {
    let stack: Stack;
    const sockets: LiveClient[] = [];
    beforeAll(async () => {
      stack = await startStack('live', target ? { target: target() } : {});
    });
    afterEach(() => {
      sockets.splice(0).forEach((s) => s.disconnect());
    });
    afterAll(() => stack.close());

    function client(token: string | undefined): LiveClient {
      const s: LiveClient = connect(`${stack.baseUrl}/live`, {
        auth: token ? { token } : {},
        transports: ['websocket'],
        reconnection: false,
      });
      sockets.push(s);
      return s;
    }

    async function connected(s: LiveClient) {
      if (s.connected) return;
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
    }

    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

    it('refuses a handshake without a read key', async () => {
      const err = await new Promise<Error>((resolve) => client(undefined).once('connect_error', resolve));
      expect(err.message).toBe('unauthorized');
      const ingestOnly = await stack.request('POST', '/api/v1/keys', { name: 'dms', scopes: ['ingest'] });
      const err2 = await new Promise<Error>((resolve) => client(ingestOnly.body.token).once('connect_error', resolve));
      expect(err2.message).toBe('unauthorized');
    });

    it('acks subscribe with the snapshot and pushes the figures of posted events', async () => {
      // Today's figures: a zone where it is about noon, so "an hour ago" is today at any hour of the run.
      await stack.request('PUT', '/api/v1/stores/LV01', { name: '测试店', timezone: zoneAtNoon().zone });
      const s = client(ADMIN_TOKEN);
      await connected(s);
      const ack = await s.emitWithAck('subscribe', { store: 'LV01' });
      if (!('data' in ack)) throw new Error(ack.error);
      expect(ack.data.store).toBe('LV01');
      expect(ack.data.kpis.salesCallbackRate.today.value).toBeNull();
      const pushes: Snapshot[] = [];
      s.on('kpis', (snap) => pushes.push(snap));

      // Two deliveries an hour ago, one called back: 1 met, 1 pending; the rate is 1/1.
      const res = await stack.request('POST', '/api/v1/events', {
        events: [
          ev('vehicle.delivered', minutesAgo(60), { store: 'LV01', orderId: 'O1' }),
          ev('vehicle.delivered', minutesAgo(50), { store: 'LV01', orderId: 'O2' }),
          ev('callback.attempted', minutesAgo(5), {
            store: 'LV01',
            callbackId: 'CB1',
            kind: 'sales',
            subjectId: 'O1',
            outcome: 'reached',
          }),
        ],
      });
      expect(res.status).toBe(202);
      const got = await waitFor(async () => pushes.find((p) => p.kpis.salesCallbackRate.today.numerator === 1), 10_000, 'a push');
      expect(got.kpis.salesCallbackRate.today).toEqual({ value: 1, numerator: 1, denominator: 1, pending: 1, missed: 0 });
      expect(got.seq).toBeGreaterThan(ack.data.seq);
    });

    it('coalesces a burst into at most 4 pushes a second, with seq increasing', async () => {
      const s = client(ADMIN_TOKEN);
      await connected(s);
      await stack.request('PUT', '/api/v1/stores/LV02', { name: '测试店二', timezone: 'Asia/Shanghai' });
      const ack = await s.emitWithAck('subscribe', { store: 'LV02' });
      expect('data' in ack).toBe(true);
      const pushes: { at: number; seq: number }[] = [];
      s.on('kpis', (snap) => pushes.push({ at: Date.now(), seq: snap.seq }));
      for (let i = 0; i < 40; i++) {
        await stack.request('POST', '/api/v1/events', ev('showroom.visit', minutesAgo(1), { store: 'LV02', firstVisit: true }));
      }
      await waitFor(async () => pushes.at(-1)?.seq === 40, 10_000, 'the last push');
      for (let i = 1; i < pushes.length; i++) {
        expect(pushes[i]!.seq).toBeGreaterThanOrEqual(pushes[i - 1]!.seq);
        // 250 ms apart when emitted; allow for delivery jitter on a busy machine. Unthrottled, a
        // burst of 40 single-event posts would arrive a few ms apart.
        expect(pushes[i]!.at - pushes[i - 1]!.at).toBeGreaterThanOrEqual(200);
      }
      expect(pushes.length).toBeLessThan(40);
    });

    it('keeps that rate unless a benchmark raises PULSE_LIVE_MAX_PUSHES_PER_SECOND', () => {
      expect(MAX_PUSHES_PER_SECOND).toBe(4);
      expect(stack.config.livePushesPerSecond).toBe(MAX_PUSHES_PER_SECOND);
      expect(loadConfig({}).livePushesPerSecond).toBe(MAX_PUSHES_PER_SECOND);
      expect(loadConfig({ PULSE_LIVE_MAX_PUSHES_PER_SECOND: '200' }).livePushesPerSecond).toBe(200);
      expect(() => loadConfig({ PULSE_LIVE_MAX_PUSHES_PER_SECOND: '0' })).toThrow(/PULSE_LIVE_MAX_PUSHES_PER_SECOND/);
    });

    it('pushes a budget alert when spend crosses the warn line, and a trip after it', async () => {
      const s = client(ADMIN_TOKEN);
      await connected(s);
      // The budget's month is the store's: a zone where it is about noon now, so a spend a minute
      // ago falls in that month at any hour of the month.
      const { zone, month } = zoneAtNoon();
      await stack.request('PUT', '/api/v1/stores/LV03', { name: '测试店三', timezone: zone });
      await stack.request('PUT', '/api/v1/budgets/LV-B1', { store: 'LV03', name: '车展活动', month, amount: 1000, warnAt: 0.8 });
      expect('data' in (await s.emitWithAck('subscribe', { store: '*' }))).toBe(true);
      const alerts: Alert[] = [];
      s.on('alert', (a) => alerts.push(a));
      const spend = (id: string, amount: number) =>
        stack.request(
          'POST',
          '/api/v1/events',
          ev('spend.recorded', minutesAgo(1), { store: 'LV03', spendId: id, budgetId: 'LV-B1', amount }),
        );
      await spend('SP1', 500); // 50 %: nothing
      await spend('SP2', 300); // 80 %: warn
      await waitFor(async () => alerts.find((a) => a.kind === 'budget_warn'), 10_000, 'the warn alert');
      await spend('SP3', 100); // 90 %: still warn, no second alert
      await spend('SP4', 100); // 100 %: tripped
      const trip = await waitFor(async () => alerts.find((a) => a.kind === 'budget_tripped'), 10_000, 'the trip alert');
      expect(trip).toMatchObject({ store: 'LV03', severity: 'critical', data: { budgetId: 'LV-B1', ratio: 1 } });
      await new Promise((r) => setTimeout(r, 300));
      expect(alerts.map((a) => a.kind)).toEqual(['budget_warn', 'budget_tripped']);
      const rest = await stack.request('GET', '/api/v1/stores/LV03/alerts');
      expect(rest.body.alerts.map((a: Alert) => a.kind)).toEqual(['budget_tripped', 'budget_warn']);
    });

    it('answers a subscribe to an unknown or malformed store with an error', async () => {
      const s = client(ADMIN_TOKEN);
      await connected(s);
      expect(await s.emitWithAck('subscribe', { store: 'NOPE9' })).toEqual({ error: 'no store NOPE9' });
      const bad = await s.emitWithAck('subscribe', { store: '<script>' });
      expect('error' in bad).toBe(true);
    });
  });
}
