/**
 * A group's snapshot lists only its most urgent budgets and materials (domain/group-lists.ts), while
 * its figures stay every store's summed. Worked out by hand: the order of the cut, the counts beside
 * the lists, and the totals over rows that are not listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetLine, MaterialLine } from '../domain/kpis.js';
import { GROUP_LIST_LIMIT, groupMaterials, groupSpend } from '../domain/group-lists.js';
import { saveBudget } from '../core/books/budget-book.js';
import { saveMaterial } from '../core/books/material-book.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { ev } from './support/events.js';
import { applyDeps, readOptions } from './support/stack.js';

const line = (budgetId: string, ratio: number, status: BudgetLine['status']): BudgetLine => ({
  budgetId,
  store: 'S1',
  name: budgetId,
  month: '2026-11',
  amount: 100,
  spent: ratio * 100,
  ratio,
  warnAt: 0.8,
  status,
  forecast: null,
});
const item = (itemId: string, stock: number, reorderLevel: number, discrepancy: number | null = null): MaterialLine => ({
  itemId,
  store: 'S1',
  name: itemId,
  stock,
  reorderLevel,
  low: stock <= reorderLevel,
  counted: discrepancy === null ? null : stock - discrepancy,
  countedAt: discrepancy === null ? null : '2026-11-20T18:00:00.000+08:00',
  discrepancy,
});

describe('the cut, pure', () => {
  it('keeps a list at or under the limit as it is, with no count', () => {
    const spend = { amount: 200, spent: 50, ratio: 0.25, unbudgeted: 0, budgets: [line('a', 0.2, 'ok'), line('b', 0.3, 'ok')] };
    expect(groupSpend(spend, 2)).toBe(spend);
    const materials = { items: [item('x', 1, 5)], lowCount: 1, discrepancyCount: 0 };
    expect(groupMaterials(materials, 1)).toBe(materials);
  });

  it('lists tripped, then warn, then ok budgets, the most used first, and counts them all', () => {
    // A warn at 0.5 (its own warnAt) outranks an ok at 0.7; the totals are not touched.
    const budgets = [line('ok7', 0.7, 'ok'), line('w5', 0.5, 'warn'), line('t12', 1.2, 'tripped'), line('ok2', 0.2, 'ok')];
    const spend = { amount: 400, spent: 260, ratio: 0.65, unbudgeted: 3, budgets };
    const cut = groupSpend(spend, 3);
    expect(cut.budgets.map((b) => b.budgetId)).toEqual(['t12', 'w5', 'ok7']);
    expect(cut.budgetCount).toBe(4);
    expect([cut.amount, cut.spent, cut.ratio, cut.unbudgeted]).toEqual([400, 260, 0.65, 3]);
  });

  it('lists low items first, the emptiest first, then stocktakes that differ, and counts them all', () => {
    // Fill = max(0, stock) / level: n1 0 (stock below 0), l3 0.3, l9 0.9; then d (a count 2 short
    // of its books) although fuller than z; ok items after them: z 11/10, y 40/10.
    const items = [
      item('y', 40, 10),
      item('l9', 9, 10),
      item('z', 11, 10),
      item('n1', -2, 10),
      item('l3', 3, 10),
      item('d', 50, 10, 2),
    ];
    const cut = groupMaterials({ items, lowCount: 3, discrepancyCount: 1 }, 5);
    expect(cut.items.map((i) => i.itemId)).toEqual(['n1', 'l3', 'l9', 'd', 'z']);
    expect(cut.itemCount).toBe(6);
    expect([cut.lowCount, cut.discrepancyCount]).toEqual([3, 1]);
  });
});

describe('a group of three stores with 60 budgets and 60 items', () => {
  const deps = applyDeps('glists');
  afterAll(() => deps.close());
  const prefix = deps.config.prefix;
  const T0 = Date.parse('2026-11-23T14:05:00+08:00');
  const at = '2026-11-23T13:00:00+08:00';
  const storeOf = (k: number) => `A${1 + Math.floor(k / 20)}`;
  const kpis = () => new KpiService(deps.redis, deps.stores, readOptions(deps.config));

  beforeAll(async () => {
    for (const s of ['A1', 'A2', 'A3']) await deps.stores.put(s, { name: s, timezone: 'Asia/Shanghai' });
    const events = [];
    for (let k = 0; k < 60; k++) {
      const id = `B${String(k).padStart(2, '0')}`;
      // Budget k: 10,000 yuan, warn at 0.8 (B00's at 0.01), spent 250 × (k + 1).
      await saveBudget(deps.redis, prefix, id, {
        store: storeOf(k),
        name: id,
        month: '2026-11',
        amount: 10_000,
        warnAt: k === 0 ? 0.01 : 0.8,
      });
      events.push(
        ev('spend.recorded', at, { id: `sp${k}`, store: storeOf(k), spendId: `SP${k}`, budgetId: id, amount: 250 * (k + 1) }),
      );
      // Item k: reorder level 10, stock k + 1.
      const itemId = `M${String(k).padStart(2, '0')}`;
      await saveMaterial(deps.redis, prefix, itemId, { store: storeOf(k), name: itemId, reorderLevel: 10 });
      events.push(ev('material.moved', at, { id: `mv${k}`, store: storeOf(k), itemId, quantity: k + 1 }));
    }
    await applyEvents({ ...deps, now: () => T0 }, events);
  });

  it('sums every budget and lists the most urgent 50', async () => {
    expect(GROUP_LIST_LIMIT).toBe(50);
    const g = await kpis().group(T0);
    const spend = g.kpis.spend;
    // 60 × 10,000 budgeted; 250 × (1 + … + 60) = 250 × 1,830 = 457,500 spent.
    expect(spend.amount).toBe(600_000);
    expect(spend.spent).toBe(457_500);
    expect(spend.ratio).toBe(457_500 / 600_000);
    expect(spend.budgetCount).toBe(60);
    // Tripped from 10,000 (k ≥ 39: 21), warn from 8,000 (k 31…38: 8) and B00 (its warnAt 0.01):
    // 30 before the ok ones, then the 20 ok ones most used, k = 30 down to 11. B01…B10 are not listed.
    const listed = spend.budgets.map((b) => b.budgetId).sort();
    const expected = ['B00', ...Array.from({ length: 49 }, (_, i) => `B${11 + i}`)].sort();
    expect(listed).toEqual(expected);
    expect(spend.budgets.filter((b) => b.status === 'tripped')).toHaveLength(21);
    expect(spend.budgets.filter((b) => b.status === 'warn')).toHaveLength(9);
  });

  it('counts every low item and lists the low ones first', async () => {
    const g = await kpis().group(T0);
    const m = g.kpis.materials;
    // Stock k + 1 against level 10: M00…M09 low.
    expect(m.lowCount).toBe(10);
    expect(m.itemCount).toBe(60);
    expect(m.items.map((i) => i.itemId)).toEqual(Array.from({ length: 50 }, (_, k) => `M${String(k).padStart(2, '0')}`));
  });

  it('leaves each store its every row', async () => {
    const s = (await kpis().store('A2', T0))!;
    expect(s.kpis.spend.budgets).toHaveLength(20);
    expect(s.kpis.spend.budgetCount).toBeUndefined();
    expect(s.kpis.materials.items).toHaveLength(20);
    expect(s.kpis.materials.itemCount).toBeUndefined();
  });
});
