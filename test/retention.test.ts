/**
 * Retention: raw events older than the horizon leave the log, the figures of their days are kept
 * for good, today's figures do not move, and an event from beyond the horizon is refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../domain/kpis.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { readDays } from '../core/retention/daily-rollup.js';
import { expireStoreLog } from '../core/retention/expire-log.js';
import { ev } from './support/events.js';
import { applyDeps, readOptions, startStack } from './support/stack.js';
import { loggedCount, scanLogged } from '../core/events/event-log.js';

const deps = applyDeps('retention', { retentionDays: 60 });
afterAll(() => deps.close());
/** Monday 23 November 2026, 08:00 in Shanghai; the horizon is 60 days back: 24 September 08:00. */
const T0 = Date.parse('2026-11-23T08:00:00+08:00');
const sh = (local: string) => `${local}+08:00`;
const S = 'RET';

const old = [
  ev('vehicle.delivered', sh('2026-09-10T10:00:00'), { store: S, orderId: 'O1' }),
  ev('vehicle.delivered', sh('2026-09-10T11:00:00'), { store: S, orderId: 'O2' }),
  ev('callback.attempted', sh('2026-09-11T10:00:00'), {
    store: S,
    callbackId: 'C1',
    kind: 'sales',
    subjectId: 'O1',
    outcome: 'reached',
  }),
  ...['L1', 'L2', 'L3'].map((leadId) => ev('lead.created', sh('2026-09-10T15:00:00'), { store: S, leadId, channel: 'web' })),
  ev('repair.opened', sh('2026-09-12T09:00:00'), { store: S, roId: 'RO1', appointmentId: 'A1' }),
  ev('repair.opened', sh('2026-09-12T09:30:00'), { store: S, roId: 'RO2' }),
  ev('repair.closed', sh('2026-09-12T17:00:00'), { store: S, roId: 'RO1', amount: 680 }),
  ev('order.signed', sh('2026-09-15T14:00:00'), { store: S, orderId: 'OR1', model: 'A6L', amount: 420000 }),
];
const recent = [
  ev('vehicle.delivered', sh('2026-11-20T10:00:00'), { store: S, orderId: 'O3' }),
  ev('callback.attempted', sh('2026-11-21T10:00:00'), {
    store: S,
    callbackId: 'C3',
    kind: 'sales',
    subjectId: 'O3',
    outcome: 'reached',
  }),
  ev('lead.created', sh('2026-11-22T10:00:00'), { store: S, leadId: 'L4', channel: 'phone' }),
];
const kpis = new KpiService(deps.redis, deps.stores, readOptions(deps.config));
const figures = (s: Snapshot | null) => ({ kpis: s?.kpis, series: s?.series });

describe('retention', () => {
  it('drops raw events past the horizon, keeps their days and leaves today’s figures as they were', async () => {
    await deps.stores.put(S, { name: '保留测试店', timezone: 'Asia/Shanghai' });
    // Applied while they were recent (1 October), then the horizon moves past them.
    await applyEvents({ ...deps, now: () => Date.parse('2026-10-01T00:00:00+08:00') }, old);
    await applyEvents({ ...deps, now: () => T0 }, recent);
    const before = figures(await kpis.store(S, T0));

    const run = await expireStoreLog(deps, S, T0);
    // 10 old events out; the days from the oldest (10 September) to the day before the horizon (23 September) kept.
    expect(run).toEqual({ expired: 10, daysKept: 14 });
    const kept: string[] = [];
    await scanLogged(deps.redis, deps.config.prefix, S, (entries) => {
      kept.push(...entries.map((e) => e.id));
    });
    expect(kept.sort()).toEqual(recent.map((e) => e.id).sort());
    expect(await loggedCount(deps.redis, deps.config.prefix, S)).toBe(recent.length);
    expect(figures(await kpis.store(S, T0))).toEqual(before);

    const days = await readDays(deps.redis, deps.config.prefix, S, '2026-09-01', '2026-09-30');
    expect(days.map((d) => d.date)).toEqual(Array.from({ length: 14 }, (_, i) => `2026-09-${String(10 + i).padStart(2, '0')}`));
    const day = (date: string) => days.find((d) => d.date === date)!;
    expect(day('2026-09-10')).toMatchObject({ salesCallback: { subjects: 2, met: 1 }, leads: 3, orders: 0, repairs: 0 });
    expect(day('2026-09-11')).toMatchObject({ salesCallback: { subjects: 0, met: 0 }, leads: 0 });
    expect(day('2026-09-12')).toMatchObject({ repairs: 2, booked: 1, serviceCallback: { subjects: 1, met: 0 } });
    expect(day('2026-09-15')).toMatchObject({ orders: 1, salesSatisfaction: null, spend: 0 });

    // Again: nothing left to expire, nothing kept twice.
    expect(await expireStoreLog(deps, S, T0)).toEqual({ expired: 0, daysKept: 0 });
  });

  it('does not apply an event from beyond the horizon (its id may have left the log)', async () => {
    const res = await applyEvents({ ...deps, now: () => T0 }, [
      ev('lead.created', sh('2026-09-01T10:00:00'), { store: 'RET2', leadId: 'LX', channel: 'web' }),
      ev('lead.created', sh('2026-11-01T10:00:00'), { store: 'RET2', leadId: 'LY', channel: 'web' }),
    ]);
    expect(res).toEqual({ applied: 1, duplicates: 0, rejected: 0, expired: 1 });
  });

  it('refuses such an event at the API, naming the field', async () => {
    const stack = await startStack('retentionapi', { workers: false, config: { retentionDays: 60 } });
    try {
      const tooOld = new Date(Date.now() - 61 * 24 * 3600_000).toISOString();
      const res = await stack.request(
        'POST',
        '/api/v1/events',
        ev('lead.created', tooOld, { store: 'RA', leadId: 'L', channel: 'web' }),
      );
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ index: 0, path: 'at', message: 'is older than the 60-day retention of raw events' }]);
      const daily = await stack.request('GET', '/api/v1/stores/RA/daily?from=2026-01-01&to=bad');
      expect(daily.status).toBe(400);
    } finally {
      await stack.close();
    }
  });
});
