/**
 * The group snapshot from each store's kept parts: read again only for the stores that changed,
 * and always what a service keeping nothing reads at the same moment, byte for byte — after events,
 * a budget change, the minute tick, time passing a deadline, a local midnight, a moment before the
 * last read, and each kind of configuration. Figures worked out by hand in the comments.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../domain/kpis.js';
import { saveBudget } from '../core/books/budget-book.js';
import { logOverride } from '../core/books/budget-overrides.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import type { StorePartsReader } from '../core/kpi/parts-cache.js';
import { readStoreParts } from '../core/kpi/read-store.js';
import { saveMaterial, saveTargets } from '../core/books/material-book.js';
import { storeKeys } from '../core/redis/keys.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { refreshStore } from '../workers/maintenance.processor.js';
import { writeSegments } from '../core/segments/segment-store.js';
import { ev } from './support/events.js';
import { applyDeps, readOptions } from './support/stack.js';

const deps = applyDeps('gcache');
afterAll(() => deps.close());
const prefix = deps.config.prefix;
const MIN = 60_000;
const H = 3600_000;
const sh = (local: string) => Date.parse(`${local}+08:00`);
const iso = (local: string) => `${local}+08:00`;

/** 23 Nov 14:05 in Shanghai; 22 Nov 22:05 in Los Angeles (PST), whose midnight comes at 16:00 Shanghai. */
const T0 = sh('2026-11-23T14:05:00');

const reads: string[] = [];
const counting: StorePartsReader = (redis, store, ...rest) => {
  reads.push(store);
  return readStoreParts(redis, store, ...rest);
};
const kept = new KpiService(deps.redis, deps.stores, readOptions(deps.config), counting);

/** The kept group at `now`, checked byte for byte against a service that keeps nothing; and the stores it read. */
async function groupAt(now: number): Promise<{ g: Snapshot; read: string[] }> {
  reads.length = 0;
  const g = await kept.group(now);
  const read = [...reads].sort();
  const fresh = await new KpiService(deps.redis, deps.stores, readOptions(deps.config)).group(now);
  expect(JSON.stringify(g)).toBe(JSON.stringify(fresh));
  return { g, read };
}

const seqOf = async (store: string) => Number(await deps.redis.get(storeKeys(prefix, store).seq));
const budget = (store: string, amount: number) => ({ store, name: `${store} 推广`, month: '2026-11', amount, warnAt: 0.8 });

beforeAll(async () => {
  await deps.stores.put('HZ01', { name: '杭州西湖店', timezone: 'Asia/Shanghai' });
  await deps.stores.put('LA01', { name: 'Los Angeles', timezone: 'America/Los_Angeles' });
  await deps.stores.put('BJ01', { name: '北京朝阳店', timezone: 'Asia/Shanghai' });
  await saveBudget(deps.redis, prefix, 'B-HZ', budget('HZ01', 100000));
  await saveBudget(deps.redis, prefix, 'B-LA', budget('LA01', 50000));
  await saveBudget(deps.redis, prefix, 'B-BJ', budget('BJ01', 20000));
  await applyEvents({ ...deps, now: () => T0 }, [
    // Delivered 20 Nov 15:30: due (72 h) at 23 Nov 15:30, never called.
    ev('vehicle.delivered', iso('2026-11-20T15:30:00'), { id: 'h1', store: 'HZ01', orderId: 'D1' }),
    ev('vehicle.delivered', iso('2026-11-23T10:00:00'), { id: 'h2', store: 'HZ01', orderId: 'D2' }),
    ev('callback.attempted', iso('2026-11-23T11:00:00'), {
      id: 'h3',
      store: 'HZ01',
      callbackId: 'K2',
      kind: 'sales',
      subjectId: 'D2',
      outcome: 'reached',
    }),
    // High severity, opened 11:00: overdue once 15:00 has passed without a response.
    ev('complaint.opened', iso('2026-11-23T11:00:00'), {
      id: 'h4',
      store: 'HZ01',
      complaintId: 'C1',
      channel: 'phone',
      category: 'service',
      severity: 'high',
    }),
    ev('appointment.booked', iso('2026-11-22T09:00:00'), {
      id: 'h5',
      store: 'HZ01',
      appointmentId: 'A1',
      scheduledFor: iso('2026-11-23T16:30:00'),
    }),
    ev('spend.recorded', iso('2026-11-10T10:00:00'), { id: 'h6', store: 'HZ01', spendId: 'S1', budgetId: 'B-HZ', amount: 30000 }),
    // Dated later than the first reads: counted once now reaches 17:00.
    ev('showroom.visit', iso('2026-11-23T17:00:00'), { id: 'h7', store: 'HZ01', firstVisit: true }),
    // 22 Nov 12:00 in Los Angeles: its "today" until its midnight.
    ev('vehicle.delivered', '2026-11-22T12:00:00-08:00', { id: 'l1', store: 'LA01', orderId: 'L1' }),
    ev('spend.recorded', '2026-11-15T10:00:00-08:00', {
      id: 'l2',
      store: 'LA01',
      spendId: 'S2',
      budgetId: 'B-LA',
      amount: 10000,
    }),
    ev('showroom.visit', iso('2026-11-02T10:00:00'), { id: 'b1', store: 'BJ01', firstVisit: true }),
  ]);
});

describe('the group from kept store parts', () => {
  it('reads every store once, then none while nothing changes', async () => {
    const { g, read } = await groupAt(T0);
    expect(read).toEqual(['BJ01', 'HZ01', 'LA01']);
    // D2 met; D1 (due 15:30) and L1 pending.
    expect(g.kpis.salesCallbackRate.month).toEqual({ value: 1, numerator: 1, denominator: 1, pending: 2, missed: 0 });
    // Today: D2 in Shanghai, L1 in Los Angeles (still 22 Nov there).
    expect(g.kpis.salesCallbackRate.today).toEqual({ value: 1, numerator: 1, denominator: 1, pending: 1, missed: 0 });
    expect(g.kpis.complaints).toMatchObject({ open: 1, overdue: 0 });
    expect(g.kpis.spend).toMatchObject({ amount: 170000, spent: 40000, ratio: 40000 / 170000, unbudgeted: 0 });
    expect(g.kpis.showroom.month).toEqual({ visits: 1, firstVisits: 1 });
    // 3 budgets + 7 HZ01 events, 1 + 2 LA01, 1 + 1 BJ01.
    expect(g.seq).toBe(8 + 3 + 2);

    const later = await groupAt(T0 + 30_000);
    expect(later.read).toEqual([]);
    expect(later.g.asOf).toBe('2026-11-23T14:05:30.000+08:00');
    // The forecast moves with the moment even when nothing is read: spent ÷ the share of November gone.
    const elapsed = (T0 + 30_000 - sh('2026-11-01T00:00:00')) / (30 * 24 * H);
    const hz = later.g.kpis.spend.budgets.find((b) => b.budgetId === 'B-HZ')!;
    expect(hz.forecast).toBe(Math.round((30000 / elapsed) * 100) / 100);
  });

  it('keeps the parts through the minute tick, whose seq it still shows', async () => {
    const before = await seqOf('HZ01');
    await refreshStore(deps, 'HZ01', T0 + 40_000);
    expect(await seqOf('HZ01')).toBe(before + 1);
    const { g, read } = await groupAt(T0 + 40_000);
    expect(read).toEqual([]);
    expect(g.seq).toBe(13 + 1);
  });

  it('reads again only the store that got events', async () => {
    await applyEvents({ ...deps, now: () => T0 }, [
      ev('showroom.visit', iso('2026-11-23T13:00:00'), { id: 'h8', store: 'HZ01', firstVisit: false }),
    ]);
    const { g, read } = await groupAt(T0 + 50_000);
    expect(read).toEqual(['HZ01']);
    expect(g.kpis.showroom.today).toEqual({ visits: 1, firstVisits: 0 });
    expect(g.kpis.showroom.month).toEqual({ visits: 2, firstVisits: 1 });
  });

  it('shows a budget change at once, reading that store only', async () => {
    await saveBudget(deps.redis, prefix, 'B-LA', budget('LA01', 40000));
    const { g, read } = await groupAt(T0 + MIN);
    expect(read).toEqual(['LA01']);
    expect(g.kpis.spend).toMatchObject({ amount: 160000, spent: 40000, ratio: 0.25 });
    expect(g.kpis.spend.budgets.find((b) => b.budgetId === 'B-LA')).toMatchObject({ amount: 40000, ratio: 0.25 });
  });

  it('turns a complaint overdue and a delivery missed on the millisecond, with no event', async () => {
    // The complaint is overdue once now is past 15:00 (not at 15:00 itself).
    expect((await groupAt(sh('2026-11-23T15:00:00'))).g.kpis.complaints.overdue).toBe(0);
    const overdue = await groupAt(sh('2026-11-23T15:00:00.001'));
    expect(overdue.g.kpis.complaints.overdue).toBe(1);
    // D1 is due at 15:30 sharp: one millisecond before, HZ01 is not even read again.
    const justBefore = await groupAt(sh('2026-11-23T15:29:59.999'));
    expect(justBefore.read).toEqual([]);
    expect(justBefore.g.kpis.salesCallbackRate.month).toMatchObject({ pending: 2, missed: 0 });
    const due = await groupAt(sh('2026-11-23T15:30:00'));
    expect(due.read).toEqual(['HZ01']);
    expect(due.g.kpis.salesCallbackRate.month).toEqual({ value: 0.5, numerator: 1, denominator: 2, pending: 1, missed: 1 });
  });

  it('starts a new day at each store’s own midnight', async () => {
    // 16:05 in Shanghai is 00:05 on 23 Nov in Los Angeles: only LA01 moves to a new day.
    const { g, read } = await groupAt(sh('2026-11-23T16:05:00'));
    expect(read).toEqual(['LA01']);
    expect(g.kpis.salesCallbackRate.today).toEqual({ value: 1, numerator: 1, denominator: 1, pending: 0, missed: 0 });
    expect(g.kpis.salesCallbackRate.month).toEqual({ value: 0.5, numerator: 1, denominator: 2, pending: 1, missed: 1 });
    expect(g.series.days.at(-1)).toBe('2026-11-23');
  });

  it('counts an appointment and an event dated later once their moment has come', async () => {
    const { g, read } = await groupAt(sh('2026-11-23T17:05:00'));
    expect(read).toEqual(['HZ01']);
    // A1 was due at 16:30 and nobody came.
    expect(g.kpis.appointmentShowRate.today).toEqual({ value: 0, numerator: 0, denominator: 1 });
    // 13:00 and the visit dated 17:00.
    expect(g.kpis.showroom.today).toEqual({ visits: 2, firstVisits: 1 });
  });

  it('reads a store again for a moment before its last read, and on the next day', async () => {
    // HZ01 and LA01 were last read later than T0; BJ01, unchanged, was last read at T0 itself.
    const back = await groupAt(T0);
    expect(back.read).toEqual(['HZ01', 'LA01']);
    expect(back.g.kpis.showroom.today).toEqual({ visits: 1, firstVisits: 0 });
    expect(back.g.kpis.complaints.overdue).toBe(0);
    const next = await groupAt(sh('2026-11-24T09:00:00'));
    expect(next.read).toEqual(['BJ01', 'HZ01', 'LA01']);
    expect(next.g.series.days.at(-1)).toBe('2026-11-24');
    expect(next.g.kpis.showroom.today).toEqual({ visits: 0, firstVisits: 0 });
  });

  it('reads a store again after each change of its configuration, which bumps its seq', async () => {
    const now = sh('2026-11-24T09:01:00');
    await groupAt(now);
    const changes: [string, () => Promise<unknown>, (g: Snapshot) => void][] = [
      [
        'targets',
        () => saveTargets(deps.redis, prefix, 'BJ01', '2026-11', { orders: 5 }),
        (g) => expect(g.kpis.targets.orders).toMatchObject({ target: 5, actual: 0, progress: 0 }),
      ],
      [
        'material',
        () => saveMaterial(deps.redis, prefix, 'BJ-M1', { store: 'BJ01', name: '车型折页', reorderLevel: 10 }),
        (g) =>
          expect(g.kpis.materials).toEqual({
            items: [
              {
                itemId: 'BJ-M1',
                store: 'BJ01',
                name: '车型折页',
                stock: 0,
                reorderLevel: 10,
                low: true,
                counted: null,
                countedAt: null,
                discrepancy: null,
              },
            ],
            lowCount: 1,
            discrepancyCount: 0,
          }),
      ],
      [
        'budget override',
        () =>
          logOverride(deps.redis, prefix, {
            overrideId: 'O1',
            budgetId: 'B-BJ',
            store: 'BJ01',
            month: '2026-11',
            amount: 25000,
            shortfall: 5000,
            reason: '车展',
            by: '王经理',
            keyName: 'ops',
            at: '2026-11-24T09:00:00+08:00',
          }),
        (g) => expect(g.kpis.spend.budgets.find((b) => b.budgetId === 'B-BJ')!.overrides).toBe(1),
      ],
      [
        'customer value',
        () =>
          writeSegments(
            deps.redis,
            prefix,
            'BJ01',
            {
              computedAt: '2026-11-23T19:00:00.000Z',
              counts: { highStable: 2, highChurn: 1, lowStable: 4, lowChurn: 3, none: 0 },
              customers: 10,
              cutoff: 100000,
              churnDays: 180,
              scanned: 10,
            },
            [],
          ),
        (g) => expect(g.kpis.segments.counts).toEqual({ highStable: 2, highChurn: 1, lowStable: 4, lowChurn: 3, none: 0 }),
      ],
    ];
    for (const [what, change, check] of changes) {
      const before = await seqOf('BJ01');
      await change();
      expect(await seqOf('BJ01'), what).toBe(before + 1);
      const { g, read } = await groupAt(now);
      expect(read, what).toEqual(['BJ01']);
      check(g);
    }
  });

  it('serves one store’s snapshot from the same kept parts', async () => {
    const now = sh('2026-11-24T09:02:00');
    await applyEvents({ ...deps, now: () => now }, [
      ev('showroom.visit', iso('2026-11-24T09:00:00'), { id: 'h9', store: 'HZ01', firstVisit: true }),
    ]);
    reads.length = 0;
    const first = await kept.store('HZ01', now);
    const again = await kept.store('HZ01', now + 1000);
    expect(reads).toEqual(['HZ01']);
    expect(again!.kpis.showroom.today).toEqual({ visits: 1, firstVisits: 1 });
    expect((await groupAt(now + 2000)).read).toEqual([]);
    const fresh = new KpiService(deps.redis, deps.stores, readOptions(deps.config));
    expect(JSON.stringify(first)).toBe(JSON.stringify(await fresh.store('HZ01', now)));
    expect(JSON.stringify(again)).toBe(JSON.stringify(await fresh.store('HZ01', now + 1000)));
    expect(again!.asOf).toBe('2026-11-24T09:02:01.000+08:00');
  });
});
