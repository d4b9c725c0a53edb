/**
 * The marketing ledgers (ledgers.md) worked out by hand: a co-op ledger with a resubmission, a
 * partial approval paid in two payments, a decision that arrives before its claim, a rejection,
 * payments and decisions of claims never submitted, duplicates, a spend corrected out of its
 * program, and a spend crossing the 60-day line at the store's midnight; and a stocktake that
 * differs from the books until a movement booked late explains the gap. Every order of arrival
 * gives the same figures.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../domain/events.js';
import { listAlerts } from '../core/books/alert-book.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import { coopUnclaimed, coopUnpaid } from '../core/work-lists/coop.js';
import { evaluateStore } from '../workers/alerts/engine.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { ev, shuffled } from './support/events.js';
import { applyDeps, readOptions } from './support/stack.js';

const deps = applyDeps('coop');
afterAll(() => deps.close());
const sh = (local: string) => `${local}+08:00`;
/** Monday 23 November 2026, 14:05 in Shanghai. */
const T = Date.parse(sh('2026-11-23T14:05:00'));
/** The store's next midnight: 24 November 00:00 in Shanghai. */
const MIDNIGHT = Date.parse(sh('2026-11-24T00:00:00'));

const spend = (id: string, at: string, amount: number, coop?: { program: string; share: number }, store = 'CP1') =>
  ev('spend.recorded', sh(at), { id, store, spendId: id.toUpperCase(), budgetId: 'B-FAW', amount, ...(coop ? { coop } : {}) });
const FAW = (share: number) => ({ program: '一汽丰田2026市场支持', share });

/** The ledger of store CP1. Co-op parts (amount × share) in the comments; ages in local days at T. */
function ledger(store = 'CP1'): PulseEvent[] {
  const s = (id: string, at: string, amount: number, coop?: { program: string; share: number }) =>
    spend(id, at, amount, coop, store);
  const e = <T extends Parameters<typeof ev>[0]>(type: T, id: string, at: string, fields: object) =>
    ev(type, sh(at), { id, store, ...fields } as never);
  return [
    s('sp1', '2026-11-10T10:00:00', 10_000, FAW(0.5)), // 5,000; 13 days
    s('sp2', '2026-10-01T09:00:00', 8_000, FAW(0.3)), // 2,400; 53 days
    s('sp3', '2026-09-20T12:00:00', 6_000, FAW(0.5)), // 3,000; 64 days
    s('sp4', '2026-07-01T12:00:00', 4_000, FAW(1)), // 4,000; 145 days
    s('sp5', '2026-09-24T23:30:00', 2_000, FAW(0.5)), // 1,000; 60 days, 61 from midnight
    s('sp6', '2025-10-01T12:00:00', 5_000, FAW(0.5)), // 418 days: outside the 365
    s('sp7', '2026-11-11T12:00:00', 9_999), // no program
    s('sp8', '2026-11-01T12:00:00', 7_000, FAW(0.5)), // corrected below: no program after all
    { ...s('sp8-fix', '2026-11-02T12:00:00', 7_000), spendId: 'SP8' } as PulseEvent,
    s('sp9', '2026-08-20T12:00:00', 3_000, FAW(0.5)), // 1,500; 95 days
    s('sp10', '2026-10-28T12:00:00', 1_000, FAW(1)), // 1,000; 26 days
    // C1: submitted for SP2 and SP4, resubmitted for SP2 alone (SP4 is unclaimed again); partly approved, paid twice.
    e('coop.claim.submitted', 'c1a', '2026-10-05T10:00:00', {
      claimId: 'C1',
      program: FAW(1).program,
      spendIds: ['SP2', 'SP4'],
      amount: 6_400,
      evidence: 3,
    }),
    e('coop.claim.submitted', 'c1b', '2026-10-08T10:00:00', {
      claimId: 'C1',
      program: FAW(1).program,
      spendIds: ['SP2'],
      amount: 2_400,
      evidence: 5,
    }),
    e('coop.claim.decided', 'c1d', '2026-10-15T16:00:00', {
      claimId: 'C1',
      outcome: 'partial',
      approvedAmount: 2_000,
      reason: '部分发票不符',
    }),
    e('coop.claim.paid', 'c1p1', '2026-10-20T11:00:00', { claimId: 'C1', amount: 1_200 }),
    e('coop.claim.paid', 'c1p2', '2026-11-05T11:00:00', { claimId: 'C1', amount: 800 }),
    // C2: approved in full; the decision is dated after the claim but may arrive before it.
    e('coop.claim.submitted', 'c2', '2026-11-12T10:00:00', {
      claimId: 'C2',
      program: FAW(1).program,
      spendIds: ['SP1'],
      amount: 5_000,
      evidence: 2,
    }),
    e('coop.claim.decided', 'c2d', '2026-11-18T10:00:00', { claimId: 'C2', outcome: 'approved', approvedAmount: 5_000 }),
    // C3: approved 10 September, 500 of 1,500 paid: 1,000 outstanding for 74 days.
    e('coop.claim.submitted', 'c3', '2026-09-01T10:00:00', {
      claimId: 'C3',
      program: FAW(1).program,
      spendIds: ['SP9'],
      amount: 1_500,
      evidence: 1,
    }),
    e('coop.claim.decided', 'c3d', '2026-09-10T10:00:00', { claimId: 'C3', outcome: 'approved', approvedAmount: 1_500 }),
    e('coop.claim.paid', 'c3p', '2026-09-30T10:00:00', { claimId: 'C3', amount: 500 }),
    // C4: rejected in November.
    e('coop.claim.submitted', 'c4', '2026-11-02T10:00:00', {
      claimId: 'C4',
      program: FAW(1).program,
      spendIds: ['SP10'],
      amount: 1_000,
      evidence: 0,
    }),
    e('coop.claim.decided', 'c4d', '2026-11-09T10:00:00', {
      claimId: 'C4',
      outcome: 'rejected',
      approvedAmount: 0,
      reason: '超过申报期',
    }),
    // A payment and a decision of claims never submitted: kept, not counted.
    e('coop.claim.paid', 'c9p', '2026-11-20T10:00:00', { claimId: 'C9', amount: 300 }),
    e('coop.claim.decided', 'c8d', '2026-11-20T10:00:00', { claimId: 'C8', outcome: 'approved', approvedAmount: 700 }),
  ];
}

/** Worked out by hand at T (23 November 14:05). */
const AT_T = {
  // SP1 5,000 + SP2 2,400 + SP3 3,000 + SP4 4,000 + SP5 1,000 + SP9 1,500 + SP10 1,000.
  eligible: 17_900,
  // Not named by a standing claim: SP3 (64 days), SP4 (145), SP5 (60).
  unclaimed: { total: 8_000, count: 3, byAge: { d0_30: 0, d31_60: 1_000, d61_90: 3_000, over90: 4_000 } },
  // C1 2,400 + C2 5,000 + C3 1,500 + C4 1,000.
  claimed: 9_900,
  approved: 8_500,
  // C1 1,200 + 800, C3 500 (C9's 300 has no claim).
  received: 2_500,
  // C2 5,000 (decided 5 days ago) + C3 1,000 (74 days ago: overdue).
  outstanding: 6_000,
  overdue: 1_000,
  // Submitted in November: C2, C4; decided: C2 5,000, C4 rejected; paid: C1's 800.
  month: { claimed: 6_000, approved: 5_000, received: 800, rejectedCount: 1 },
  approvalRate: { value: 850_000 / 990_000, numerator: 8_500, denominator: 9_900 },
};

const service = () => new KpiService(deps.redis, deps.stores, readOptions(deps.config));

describe('the co-op ledger', () => {
  it('gives the hand-worked figures whatever the order, with every event sent twice', async () => {
    const events = ledger();
    for (const [i, seed] of [11, 23, 42].entries()) {
      const store = `CP${i + 2}`;
      await deps.stores.put(store, { name: store, timezone: 'Asia/Shanghai' });
      const mine = events.map((e) => ({ ...e, store }));
      const order = shuffled([...mine, ...shuffled(mine, seed + 1)], seed);
      for (let k = 0; k < order.length; k += 7) await applyEvents({ ...deps, now: () => T }, order.slice(k, k + 7));
      const snap = await service().store(store, T);
      expect(snap!.kpis.coop).toEqual(AT_T);
    }
  });

  it('lists the spends to claim and the claims to chase, and alerts on the 60-day line at midnight', async () => {
    await deps.stores.put('CP1', { name: '杭州一店', timezone: 'Asia/Shanghai' });
    await applyEvents({ ...deps, now: () => T }, ledger());
    const unclaimed = await coopUnclaimed(deps.redis, deps.config.prefix, 'CP1', 'Asia/Shanghai', T);
    // Unclaimed over 30 days, the oldest first.
    expect(unclaimed.map((r) => [r.spendId, r.ageDays, r.coopAmount])).toEqual([
      ['SP4', 145, 4_000],
      ['SP3', 64, 3_000],
      ['SP5', 60, 1_000],
    ]);
    expect(unclaimed[2]).toMatchObject({ at: '2026-09-24T23:30:00.000+08:00', amount: 2_000, share: 0.5, budgetId: 'B-FAW' });
    const unpaid = await coopUnpaid(deps.redis, deps.config.prefix, 'CP1', 'Asia/Shanghai', T);
    expect(unpaid).toEqual([
      {
        claimId: 'C3',
        program: FAW(1).program,
        outcome: 'approved',
        submittedAt: '2026-09-01T10:00:00.000+08:00',
        decidedAt: '2026-09-10T10:00:00.000+08:00',
        claimed: 1_500,
        approved: 1_500,
        received: 500,
        outstanding: 1_000,
        ageDays: 74,
      },
    ]);

    const windowAlerts = async () =>
      (await listAlerts(deps.redis, deps.config.prefix, 'CP1', { limit: 100 }))
        .filter((a) => a.kind === 'coop_claim_window' && a.state === 'open')
        .map((a) => a.data?.spendId)
        .sort();
    await evaluateStore(deps, 'CP1', T);
    expect(await windowAlerts()).toEqual(['SP3', 'SP4']);
    // A second before midnight SP5 is 60 days old; at midnight, 61: past the line.
    await evaluateStore(deps, 'CP1', MIDNIGHT - 1000);
    expect(await windowAlerts()).toEqual(['SP3', 'SP4']);
    const before = (await service().store('CP1', MIDNIGHT - 1000))!.kpis.coop.unclaimed.byAge;
    expect(before).toEqual({ d0_30: 0, d31_60: 1_000, d61_90: 3_000, over90: 4_000 });
    await evaluateStore(deps, 'CP1', MIDNIGHT);
    expect(await windowAlerts()).toEqual(['SP3', 'SP4', 'SP5']);
    const after = (await service().store('CP1', MIDNIGHT))!.kpis.coop.unclaimed.byAge;
    expect(after).toEqual({ d0_30: 0, d31_60: 0, d61_90: 4_000, over90: 4_000 });

    // Claimed: the alert clears and the spend leaves the list.
    await applyEvents({ ...deps, now: () => MIDNIGHT }, [
      ev('coop.claim.submitted', sh('2026-11-24T00:00:00'), {
        id: 'c5',
        store: 'CP1',
        claimId: 'C5',
        program: FAW(1).program,
        spendIds: ['SP5'],
        amount: 1_000,
        evidence: 2,
      }),
    ]);
    await evaluateStore(deps, 'CP1', MIDNIGHT);
    expect(await windowAlerts()).toEqual(['SP3', 'SP4']);
    const left = await coopUnclaimed(deps.redis, deps.config.prefix, 'CP1', 'Asia/Shanghai', MIDNIGHT);
    expect(left.map((r) => r.spendId)).toEqual(['SP4', 'SP3']);
  });

  it('sums the stores into the group', async () => {
    const g = (await service().group(T)).kpis.coop;
    const stores = await Promise.all(['CP1', 'CP2', 'CP3', 'CP4'].map(async (s) => (await service().store(s, T))!.kpis.coop));
    // CP1 holds C5 as well (SP5 claimed, 1,000 more claimed); CP2–CP4 the ledger as at T.
    expect(stores.slice(1)).toEqual([AT_T, AT_T, AT_T]);
    expect(g.eligible).toBe(4 * 17_900);
    expect(g.claimed).toBe(4 * 9_900 + 1_000);
    expect(g.unclaimed.total).toBe(4 * 8_000 - 1_000);
    expect(g.approvalRate).toEqual({ value: (4 * 850_000) / (4 * 990_000), numerator: 4 * 8_500, denominator: 4 * 9_900 });
  });
});

describe('the stocktake', () => {
  it('compares the count with the books at its moment, whatever arrives later', async () => {
    await deps.stores.put('ST1', { name: '杭州二店', timezone: 'Asia/Shanghai' });
    const move = (id: string, at: string, itemId: string, quantity: number) =>
      ev('material.moved', sh(at), { id, store: 'ST1', itemId, quantity });
    const count = (id: string, at: string, itemId: string, counted: number) =>
      ev('material.counted', sh(at), { id, store: 'ST1', itemId, counted });
    const now = () => T;
    // The count of 20 November 18:00 and the issue of the 21st arrive before the receipt of the 1st.
    await applyEvents({ ...deps, now }, [
      count('k1', '2026-11-20T18:00:00', 'BROCHURE', 65),
      count('k0', '2026-11-19T18:00:00', 'BROCHURE', 99), // an earlier count: the latest stands
      move('m3', '2026-11-21T09:00:00', 'BROCHURE', -20),
      move('m1', '2026-11-01T09:00:00', 'BROCHURE', 100),
      move('m2', '2026-11-10T09:00:00', 'BROCHURE', -30),
      move('p1', '2026-11-01T09:00:00', 'POSTER', 10),
      count('k2', '2026-11-20T18:00:00', 'POSTER', 10),
      count('k2', '2026-11-20T18:00:00', 'POSTER', 10),
    ]);
    const materials = async () => (await service().store('ST1', T))!.kpis.materials;
    let m = await materials();
    // Books at the count: 100 − 30 = 70; counted 65: 5 missing. Stock now: 50.
    expect(m.items.find((i) => i.itemId === 'BROCHURE')).toMatchObject({
      stock: 50,
      counted: 65,
      countedAt: '2026-11-20T18:00:00.000+08:00',
      discrepancy: 5,
    });
    expect(m.items.find((i) => i.itemId === 'POSTER')).toMatchObject({ stock: 10, counted: 10, discrepancy: 0 });
    expect(m.discrepancyCount).toBe(1);
    const discrepancies = async () =>
      (await listAlerts(deps.redis, deps.config.prefix, 'ST1', { limit: 100 }))
        .filter((a) => a.kind === 'stock_discrepancy' && a.state === 'open')
        .map((a) => a.data);
    // Announced once it has held for the settling time (the minute pass).
    await evaluateStore(deps, 'ST1', T);
    await evaluateStore(deps, 'ST1', T + 60_000);
    expect(await discrepancies()).toEqual([
      expect.objectContaining({ itemId: 'BROCHURE', book: 70, counted: 65, discrepancy: 5 }),
    ]);
    // An issue of the 15th booked late: the books at the count were 65 after all.
    await applyEvents({ ...deps, now }, [move('m4', '2026-11-15T09:00:00', 'BROCHURE', -5)]);
    m = await materials();
    expect(m.items.find((i) => i.itemId === 'BROCHURE')).toMatchObject({ stock: 45, counted: 65, discrepancy: 0 });
    expect(m.discrepancyCount).toBe(0);
    await evaluateStore(deps, 'ST1', T + 120_000);
    expect(await discrepancies()).toEqual([]);
  });
});
