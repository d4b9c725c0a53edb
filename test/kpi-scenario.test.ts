/**
 * The scenario of support/scenario.ts applied through the real Lua scripts, read back at a pinned
 * moment, and compared with figures worked out by hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../domain/kpis.js';
import { saveBudget } from '../core/books/budget-book.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { applyDeps, readOptions } from './support/stack.js';
import { NOW, scenarioBudgets, scenarioEvents } from './support/scenario.js';

const deps = applyDeps('scenario');
let hz: Snapshot;
let la: Snapshot;
let group: Snapshot;

beforeAll(async () => {
  await deps.stores.put('HZ01', { name: '杭州西湖店', timezone: 'Asia/Shanghai' });
  await deps.stores.put('LA01', { name: 'Los Angeles', timezone: 'America/Los_Angeles' });
  for (const { budgetId, ...b } of scenarioBudgets) await saveBudget(deps.redis, deps.config.prefix, budgetId, b);
  await applyEvents({ ...deps, now: () => NOW }, scenarioEvents);
  const kpis = new KpiService(deps.redis, deps.stores, readOptions(deps.config));
  hz = (await kpis.store('HZ01', NOW))!;
  la = (await kpis.store('LA01', NOW))!;
  group = await kpis.group(NOW);
});
afterAll(() => deps.close());

describe('headline figures of one store, worked by hand', () => {
  it('dates the snapshot in the store time zone', () => {
    expect(hz.asOf).toBe('2026-11-23T14:05:00.000+08:00');
    expect(hz.timezone).toBe('Asia/Shanghai');
    expect(hz.name).toBe('杭州西湖店');
    // Each HZ01 event of the scenario applied once, and each of its three budgets set once.
    expect(hz.seq).toBe(scenarioEvents.filter((e) => e.store === 'HZ01').length + 3);
  });

  it('sales callback rate', () => {
    // today: D1 met, D2 pending (no_answer does not count).
    expect(hz.kpis.salesCallbackRate.today).toEqual({ value: 1, numerator: 1, denominator: 1, pending: 1, missed: 0 });
    // month: met D1, D4 (called exactly at 72 h), D8 (callback reported first); missed D3 (its latest
    // delivery, 20 Nov 10:00, stands: due 23 Nov 10:00), D5 (one second late); pending D2, D6 (a call before the delivery does
    // not count); D7 was delivered in October.
    expect(hz.kpis.salesCallbackRate.month).toEqual({ value: 0.6, numerator: 3, denominator: 5, pending: 2, missed: 2 });
  });

  it('service callback rate ignores a sales call on a repair', () => {
    expect(hz.kpis.serviceCallbackRate.today).toEqual({ value: 1, numerator: 1, denominator: 1, pending: 0, missed: 0 });
    expect(hz.kpis.serviceCallbackRate.month).toEqual({ value: 0.5, numerator: 1, denominator: 2, pending: 0, missed: 1 });
  });

  it('appointment rate', () => {
    // today RO-A booked, RO-B not; RO-D at 23:59:59 yesterday belongs to the month only;
    // RO-C is booked through its second (earlier) opening.
    expect(hz.kpis.appointmentRate.today).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(hz.kpis.appointmentRate.month).toEqual({ value: 0.75, numerator: 3, denominator: 4 });
  });

  it('complaints', () => {
    // open C1 (high, 6 h without response > 4 h: overdue), C2 (responded), C3 (medium, 76 h > 72 h:
    // overdue). Resolved today: C4 (22 h, resolution reported before the opening) and C6 (no opening).
    expect(hz.kpis.complaints).toEqual({
      open: 3,
      overdue: 2,
      today: { opened: 2, resolved: 2, medianResolutionHours: 22 },
      month: { opened: 5, resolved: 3, medianResolutionHours: 35 },
    });
  });

  it('spend versus budget', () => {
    const elapsed = (22 * 24 + 14 + 5 / 60) / (30 * 24); // 1 Nov 00:00 → 23 Nov 14:05 of 30 days
    const s = hz.kpis.spend;
    expect(s.amount).toBe(150000);
    expect(s.spent).toBe(135000); // B1 30000 + 25000 (corrected) + 30000, B2 50000
    expect(s.ratio).toBe(0.9);
    expect(s.unbudgeted).toBe(1234.56); // BX this month; BY was October; B3 exists (October)
    expect(s.budgets.map((b) => [b.budgetId, b.spent, b.ratio, b.status])).toEqual([
      ['B2', 50000, 1, 'tripped'],
      ['B1', 85000, 0.85, 'warn'],
    ]);
    expect(s.budgets[1]!.forecast).toBeCloseTo(85000 / elapsed, 2);
    expect(s.budgets[0]!.forecast).toBeCloseTo(50000 / elapsed, 2);
  });

  it('daily series of the month so far', () => {
    expect(hz.series.days).toHaveLength(23);
    expect(hz.series.days[0]).toBe('2026-11-01');
    expect(hz.series.days[22]).toBe('2026-11-23');
    const day = (d: number) => d - 1;
    expect(hz.series.appointmentRate[day(5)]).toBe(1);
    expect(hz.series.appointmentRate[day(22)]).toBe(1);
    expect(hz.series.appointmentRate[day(23)]).toBe(0.5);
    expect(hz.series.appointmentRate[day(6)]).toBeNull();
    expect(hz.series.salesCallbackRate[day(19)]).toBe(1); // D4 met
    expect(hz.series.salesCallbackRate[day(20)]).toBe(0); // D3 missed, dated by its latest delivery
    expect(hz.series.salesCallbackRate[day(18)]).toBe(0); // D5 missed
    expect(hz.series.salesCallbackRate[day(21)]).toBeNull(); // D6 still pending
    expect(hz.series.serviceCallbackRate[day(10)]).toBe(0);
  });
});

describe('time zones', () => {
  it('counts a Los Angeles store by its own midnight, across the end of daylight saving', () => {
    expect(la.asOf).toBe('2026-11-22T22:05:00.000-08:00');
    // X1 at 01:00 on 22 Nov local is today; X2 at 00:30 PDT on 1 Nov is in the month; X3 at 23:30
    // on 31 Oct is not.
    expect(la.kpis.appointmentRate.today).toEqual({ value: 1, numerator: 1, denominator: 1 });
    expect(la.kpis.appointmentRate.month).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(la.series.days).toHaveLength(22);
  });

  it('sums the group over each store’s own windows and recomputes ratios', () => {
    expect(group.store).toBe('*');
    expect(group.stores).toEqual(['HZ01', 'LA01']);
    expect(group.kpis.appointmentRate.today).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 });
    expect(group.kpis.appointmentRate.month).toEqual({ value: 4 / 6, numerator: 4, denominator: 6 });
    expect(group.kpis.salesCallbackRate.month).toEqual(hz.kpis.salesCallbackRate.month);
    expect(group.kpis.complaints.open).toBe(3);
    expect(group.seq).toBe(hz.seq + la.seq);
  });

  it('shows a ratio with nothing to count as null, never 0 or 1', () => {
    expect(la.kpis.salesCallbackRate.today).toEqual({ value: null, numerator: 0, denominator: 0, pending: 0, missed: 0 });
    expect(la.kpis.spend.ratio).toBeNull();
  });
});
