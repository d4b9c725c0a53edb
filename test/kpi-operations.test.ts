/**
 * The operations-centre figures of support/ops-scenario.ts, applied through the real scripts and
 * read back at a pinned moment, against figures worked out by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../domain/kpis.js';
import { saveBudget } from '../core/books/budget-book.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import { readTargetFigures } from '../core/kpi/read-targets.js';
import { windowsAt } from '../core/kpi/windows.js';
import { saveMaterial, saveTargets } from '../core/books/material-book.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { shuffled } from './support/events.js';
import { OPS_NOW, opsEvents, opsSettings } from './support/ops-scenario.js';
import { applyDeps, readOptions } from './support/stack.js';

async function load(name: string, events = opsEvents) {
  const deps = applyDeps(name);
  for (const store of ['OPS1', 'OPS2']) await deps.stores.put(store, { name: store, timezone: 'Asia/Shanghai' });
  for (const { budgetId, ...b } of opsSettings.budgets) await saveBudget(deps.redis, deps.config.prefix, budgetId, b);
  for (const { itemId, ...m } of opsSettings.materials) await saveMaterial(deps.redis, deps.config.prefix, itemId, m);
  for (const t of opsSettings.targets) await saveTargets(deps.redis, deps.config.prefix, t.store, t.month, t.targets);
  await applyEvents({ ...deps, now: () => OPS_NOW }, events);
  const kpis = new KpiService(deps.redis, deps.stores, readOptions(deps.config));
  const snaps = {
    ops1: (await kpis.store('OPS1', OPS_NOW))!,
    group: await kpis.group(OPS_NOW),
    // What the alert engine reads for its target rule, without a snapshot.
    ops1Targets: await readTargetFigures(deps.redis, deps.config.prefix, 'OPS1', windowsAt(OPS_NOW, 'Asia/Shanghai')),
  };
  deps.close();
  return snaps;
}

let ops1: Snapshot;
let group: Snapshot;
let ops1Targets: Snapshot['kpis']['targets'];
beforeAll(async () => {
  ({ ops1, group, ops1Targets } = await load('ops'));
});

// 1 Nov 00:00 → 23 Nov 14:05 of a 30-day month, in ms: pace is actual × MONTH_MS ÷ (target × ELAPSED_MS).
const MONTH_MS = 30 * 24 * 3600_000;
const ELAPSED_MS = ((22 * 24 + 14) * 60 + 5) * 60_000;

describe('sales floor', () => {
  it('showroom traffic, leads by channel and test drives', () => {
    const k = ops1.kpis;
    expect(k.showroom).toEqual({ today: { visits: 2, firstVisits: 1 }, month: { visits: 4, firstVisits: 3 } });
    expect(k.leads.today).toEqual({ total: 1, byChannel: { walk_in: 1, phone: 0, web: 0, event: 0, referral: 0, other: 0 } });
    expect(k.leads.month).toEqual({ total: 3, byChannel: { walk_in: 1, phone: 0, web: 1, event: 1, referral: 0, other: 0 } });
    expect(k.testDriveRate).toEqual({
      today: { value: 1, numerator: 1, denominator: 1 },
      month: { value: 2 / 3, numerator: 2, denominator: 3 },
    });
  });

  it('orders not cancelled, counted once, conversion and deliveries', () => {
    const k = ops1.kpis;
    // O3 as its latest signing (19 Nov, 999 999) has it.
    expect(k.orders).toEqual({ today: { count: 1, amount: 200000 }, month: { count: 2, amount: 1199999 } });
    expect(k.orderConversion.month).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 });
    expect(k.deliveries).toEqual({ today: { count: 1 }, month: { count: 2 } });
  });

  it('targets with progress and pace against the calendar', () => {
    const expected = {
      orders: { target: 10, actual: 2, progress: 0.2, pace: (2 * MONTH_MS) / (10 * ELAPSED_MS) },
      deliveries: { target: 8, actual: 2, progress: 0.25, pace: (2 * MONTH_MS) / (8 * ELAPSED_MS) },
      leads: { target: 30, actual: 3, progress: 0.1, pace: (3 * MONTH_MS) / (30 * ELAPSED_MS) },
    };
    expect(ops1.kpis.targets).toEqual(expected);
    // The direct read of the alert rule gives the same three figures.
    expect(ops1Targets).toEqual(expected);
    // The group sums the stores that set a target: orders 10 + 5, actual 2 + 1.
    expect(group.kpis.targets.orders).toEqual({ target: 15, actual: 3, progress: 0.2, pace: (3 * MONTH_MS) / (15 * ELAPSED_MS) });
    expect(group.kpis.targets.leads).toEqual(ops1.kpis.targets.leads);
  });

  it('daily series for the funnel and the target pace', () => {
    const day = (d: number) => d - 1;
    expect(ops1.series.orders[day(23)]).toBe(1);
    expect(ops1.series.orders[day(19)]).toBe(1); // O3's latest signing
    expect(ops1.series.orders[day(18)]).toBe(0);
    expect(ops1.series.orders[day(20)]).toBe(0); // O2 was cancelled
    expect(ops1.series.leads.reduce((a, b) => a + b, 0)).toBe(3);
    expect(ops1.series.deliveries[day(22)]).toBe(1);
    expect(ops1.series.spend[day(5)]).toBe(15000);
    expect(ops1.series.spend[day(20)]).toBe(5000);
    expect(ops1.series.spend.reduce((a, b) => a + b, 0)).toBe(20000);
  });
});

describe('customer care', () => {
  it('satisfaction: mean score and NPS over the surveys that carry one', () => {
    // Sales this month: SV1 90 (nps 10), SV2 corrected to 85 (nps 7), SV3 70 (no nps):
    // mean 245 / 3 (unrounded); NPS 100 × (1 promoter − 0 detractors) / 2.
    expect(ops1.kpis.satisfaction.month.sales).toEqual({ count: 3, average: 245 / 3, nps: 50 });
    expect(ops1.kpis.satisfaction.today.sales).toEqual({ count: 1, average: 90, nps: 100 });
    expect(ops1.kpis.satisfaction.month.service).toEqual({ count: 1, average: 60, nps: 100 });
    const day = (d: number) => d - 1;
    expect(ops1.series.salesSatisfaction[day(21)]).toBe(85);
    expect(ops1.series.salesSatisfaction[day(20)]).toBeNull();
  });

  it('members: distinct customers by their first joining', () => {
    expect(ops1.kpis.members).toEqual({ total: 3, today: 0, month: 2 });
  });

  it('appointment show rate over past, not cancelled appointments', () => {
    // Today: A1 (shown), A2; A3 is later today. Month: A1, A2, A5 (repair reported first), A6
    // (moved to 16 Nov), A7 (shown); A4 was cancelled.
    expect(ops1.kpis.appointmentShowRate).toEqual({
      today: { value: 0.5, numerator: 1, denominator: 2 },
      month: { value: 0.6, numerator: 3, denominator: 5 },
    });
  });

  it('post-sale one-stop services', () => {
    expect(ops1.kpis.postsale).toEqual({
      open: 3,
      overdue: 1,
      byKind: {
        inspection: { open: 1, overdue: 0 }, // due moved to 24 Nov by its latest event
        plate: { open: 1, overdue: 1 }, // T1 due 22 Nov
        insurance: { open: 0, overdue: 0 },
        loan: { open: 1, overdue: 0 }, // no due time
        pickup_notice: { open: 0, overdue: 0 }, // T5 stays done
      },
      today: { done: 1 }, // T2
      month: { done: 3 }, // T2, T5, T6 (first done on 22 Nov)
    });
  });
});

describe('marketing', () => {
  it('media mentions, negative ones counted by their latest report', () => {
    // M1 reported negative at 08:00, neutral at 09:30: neutral stands.
    expect(ops1.kpis.media).toEqual({ today: { total: 2, negative: 0 }, month: { total: 3, negative: 1 } });
  });

  it('materials with stock, reorder level and low flag', () => {
    expect(ops1.kpis.materials).toEqual({
      lowCount: 3,
      discrepancyCount: 0,
      items: [
        {
          itemId: 'BROCHURE',
          store: 'OPS1',
          name: '宣传册',
          stock: 90,
          reorderLevel: 100,
          low: true,
          counted: null,
          countedAt: null,
          discrepancy: null,
        },
        {
          itemId: 'GIFT',
          store: 'OPS1',
          name: '钥匙扣礼盒',
          stock: 0,
          reorderLevel: 10,
          low: true,
          counted: null,
          countedAt: null,
          discrepancy: null,
        },
        {
          itemId: 'KEYCHAIN',
          store: 'OPS1',
          name: 'KEYCHAIN',
          stock: -5,
          reorderLevel: 0,
          low: true,
          counted: null,
          countedAt: null,
          discrepancy: null,
        },
        {
          itemId: 'POSTER',
          store: 'OPS1',
          name: '海报',
          stock: 80,
          reorderLevel: 50,
          low: false,
          counted: null,
          countedAt: null,
          discrepancy: null,
        },
      ],
    });
  });

  it('campaigns: cost per lead and return on spend, including one with no spend', () => {
    expect(ops1.kpis.campaigns).toEqual([
      // L1's latest copy names CMP-A: L1 and L2.
      { campaignId: 'CMP-A', leads: 2, orders: 1, orderAmount: 200000, spend: 20000, costPerLead: 10000, returnRatio: 10 },
      { campaignId: 'CMP-B', leads: 1, orders: 0, orderAmount: 0, spend: 0, costPerLead: 0, returnRatio: null },
      { campaignId: 'CMP-C', leads: 0, orders: 0, orderAmount: 0, spend: 0, costPerLead: null, returnRatio: null },
    ]);
    // The group adds OPS2's CMP-A lead: 2 000 000 fen over 3 leads, unrounded.
    expect(group.kpis.campaigns[0]).toEqual({ ...ops1.kpis.campaigns[0], leads: 3, costPerLead: 20000 / 3 });
  });
});

describe('order and duplicates', () => {
  it('gives the same operations figures for a shuffled log with duplicates', async () => {
    const log = shuffled([...opsEvents, ...shuffled(opsEvents, 7).slice(0, 25)], 42);
    const again = await load('ops-shuffled', log);
    expect(again.ops1).toEqual(ops1);
    expect(again.group).toEqual(group);
  });
});
