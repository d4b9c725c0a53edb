/**
 * The co-op ledger in the period reports (ledgers.md, reports.md), worked out by hand: two stores'
 * claims over October and November 2026 in Shanghai, through the real apply scripts. Claims
 * submitted, decided and paid in each month; the co-op spends unclaimed at each month's end by
 * their age at that moment (a spend crossing from 31–60 to 61–90 days between the two ends); a
 * resubmission after the end taking a claim out of that end; decisions and payments of a claim
 * never submitted left out; the group summed store by store; and a claim filed late revising
 * November after its close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGroupReport, buildStoreReport, buildTrend, type ReportDeps } from '../core/reports/build-report.js';
import { keepClosingValues } from '../core/reports/closing-values.js';
import { reportCsv } from '../core/reports/report-csv.js';
import { readCsv } from '../core/imports/csv.js';
import type { PulseEvent } from '../domain/events.js';
import { parsePeriod, type Period } from '../domain/periods.js';
import type { Report } from '../domain/reports.js';
import { applyEvents, type ApplyDeps } from '../workers/apply-events.processor.js';
import { ev } from './support/events.js';
import { applyDeps } from './support/stack.js';

const sh = (local: string) => `${local}+08:00`;
/** Friday 4 December 2026, 10:00 in Shanghai: November closed on the 2nd at 00:00. */
const NOW = Date.parse(sh('2026-12-04T10:00:00'));
/** A minute after November's close, when the workers keep its figures. */
const NOV_CLOSE_KEPT = Date.parse(sh('2026-12-02T00:01:00'));
const PROGRAM = '一汽丰田2026市场支持';

const period = (id: string): Period => {
  const p = parsePeriod(id);
  if (!p.ok) throw new Error(p.reason);
  return p.period;
};

function events(store: string) {
  const spend = (id: string, at: string, amount: number, share?: number) =>
    ev('spend.recorded', sh(at), {
      id: `${store}-${id}`,
      store,
      spendId: id.toUpperCase(),
      budgetId: 'B-CO',
      amount,
      ...(share ? { coop: { program: PROGRAM, share } } : {}),
    });
  const claim = (id: string, at: string, claimId: string, spendIds: string[], amount: number) =>
    ev('coop.claim.submitted', sh(at), { id: `${store}-${id}`, store, claimId, program: PROGRAM, spendIds, amount, evidence: 2 });
  const decide = (
    id: string,
    at: string,
    claimId: string,
    outcome: 'approved' | 'partial' | 'rejected',
    approvedAmount: number,
  ) => ev('coop.claim.decided', sh(at), { id: `${store}-${id}`, store, claimId, outcome, approvedAmount });
  const pay = (id: string, at: string, claimId: string, amount: number) =>
    ev('coop.claim.paid', sh(at), { id: `${store}-${id}`, store, claimId, amount });
  return { spend, claim, decide, pay };
}

/** Store CR1. Co-op parts (amount × share) in the comments. */
function cr1(): { onTime: PulseEvent[]; late: PulseEvent } {
  const { spend, claim, decide, pay } = events('CR1');
  return {
    onTime: [
      spend('sa', '2026-08-25T12:00:00', 4_000, 0.5), // 2,000
      spend('sb', '2026-09-20T10:00:00', 6_000, 0.5), // 3,000
      spend('sc', '2026-10-01T09:00:00', 3_000, 1), // 3,000
      spend('sd', '2026-10-02T09:00:00', 2_000, 0.5), // 1,000
      spend('se', '2026-10-31T23:30:00', 1_000, 0.8), // 800
      spend('sf', '2026-11-15T10:00:00', 5_000, 0.4), // 2,000
      spend('sg', '2026-11-20T10:00:00', 9_999), // no program
      // K1 for SA: submitted, approved in full and paid 1,500 in October, the rest in November.
      claim('k1', '2026-10-10T10:00:00', 'K1', ['SA'], 2_000),
      decide('k1d', '2026-10-20T10:00:00', 'K1', 'approved', 2_000),
      pay('k1p1', '2026-10-28T10:00:00', 'K1', 1_500),
      pay('k1p2', '2026-11-05T10:00:00', 'K1', 500),
      // K2 for SB and SC, resubmitted in November for SB alone: its standing submission is November's.
      claim('k2a', '2026-10-25T10:00:00', 'K2', ['SB', 'SC'], 6_000),
      claim('k2b', '2026-11-03T10:00:00', 'K2', ['SB'], 3_000),
      decide('k2d', '2026-11-10T10:00:00', 'K2', 'partial', 2_500),
      pay('k2p', '2026-11-25T10:00:00', 'K2', 2_500),
      // K3 for SD, rejected: SD stays claimed (a standing claim names it).
      claim('k3', '2026-11-06T10:00:00', 'K3', ['SD'], 1_000),
      decide('k3d', '2026-11-12T10:00:00', 'K3', 'rejected', 0),
      // A decision and a payment of a claim never submitted: not counted.
      decide('k9d', '2026-11-20T10:00:00', 'K9', 'approved', 700),
      pay('k9p', '2026-11-21T10:00:00', 'K9', 300),
    ],
    // K4 for SE, dated 28 November, filed after November's close.
    late: claim('k4', '2026-11-28T10:00:00', 'K4', ['SE'], 800),
  };
}

/** Store CR2. */
function cr2(): PulseEvent[] {
  const { spend, claim, decide, pay } = events('CR2');
  return [
    spend('ta', '2026-11-05T10:00:00', 1_000, 1), // 1,000
    spend('tb', '2026-09-01T10:00:00', 2_000, 0.5), // 1,000
    claim('l1', '2026-11-10T10:00:00', 'L1', ['TA'], 1_000),
    decide('l1d', '2026-11-20T10:00:00', 'L1', 'approved', 1_000),
    // 23:30 on the 30th in Shanghai is still November (15:30 UTC).
    pay('l1p', '2026-11-30T23:30:00', 'L1', 600),
  ];
}

let deps: ApplyDeps & { close(): void };
let reports: ReportDeps;
const store = async (code: string, id: string, now = NOW): Promise<Report> =>
  (await buildStoreReport(reports, code, period(id), now))!;

beforeAll(async () => {
  deps = applyDeps('coopreports');
  await deps.stores.put('CR1', { name: '杭州滨江店', timezone: 'Asia/Shanghai' });
  await deps.stores.put('CR2', { name: '宁波鄞州店', timezone: 'Asia/Shanghai' });
  const { onTime, late } = cr1();
  // Each event arrives an hour after its time; the workers keep November's figures at its close.
  for (const e of [...onTime, ...cr2()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    const arrival = Date.parse(e.at) + 3600_000;
    await applyEvents({ ...deps, now: () => arrival }, [e]);
  }
  for (const s of ['CR1', 'CR2']) await keepClosingValues(deps.redis, deps.config, s, 'Asia/Shanghai', NOV_CLOSE_KEPT);
  await applyEvents({ ...deps, now: () => NOW }, [late]);
  reports = { redis: deps.redis, stores: deps.stores, config: deps.config };
});
afterAll(() => deps.close());

describe('a store’s October', () => {
  it('claims submitted, decided and paid in the month; a resubmission in November is not October’s', async () => {
    const c = (await store('CR1', '2026-10')).figures.coop;
    // Only K1 (K2 stands as submitted on 3 November). September had the ledger (unclaimed at its end) but no claims: 0.
    expect(c.submitted.count).toEqual({ value: 1, previous: { value: 0, delta: 1 }, lastYear: null });
    expect(c.submitted.amount).toEqual({ value: 2_000, previous: { value: 0, delta: 2_000 }, lastYear: null });
    expect(c.decided.approved).toMatchObject({ value: 2_000, previous: { value: 0, delta: 2_000 } });
    expect(c.decided.rejectedCount).toMatchObject({ value: 0 });
    // K1: 2,000 of 2,000; September decided nothing: no rate, no change.
    expect(c.approvalRate).toEqual({
      value: 1,
      numerator: 2_000,
      denominator: 2_000,
      previous: { value: null, delta: null },
      lastYear: null,
    });
    expect(c.paid.amount).toMatchObject({ value: 1_500 });
  });

  it('unclaimed at 1 November 00:00 by age: SC of 1 October is 31 days old, SD of the 2nd 30', async () => {
    const u = (await store('CR1', '2026-10')).figures.coop.unclaimedAtEnd;
    // SB 42 days (3,000) and SC 31 (3,000): 31–60; SD 30 days (1,000) and SE 1 day (800): 0–30.
    // At September's end (1 October): SA 37 days (2,000), SB 11 days (3,000).
    expect(u.d0_30).toMatchObject({ value: 1_800, previous: { value: 3_000, delta: -1_200 } });
    expect(u.d31_60).toMatchObject({ value: 6_000, previous: { value: 2_000, delta: 4_000 } });
    expect(u.d61_90).toMatchObject({ value: 0, previous: { value: 0, delta: 0 } });
    expect(u.over90).toMatchObject({ value: 0 });
    expect(u.total).toMatchObject({ value: 7_800, previous: { value: 5_000, delta: 2_800 } });
  });
});

describe('a store’s November against October', () => {
  let r: Report;
  beforeAll(async () => {
    r = await store('CR1', '2026-11');
  });

  it('claims: K2 resubmitted, K3, and the late K4; decisions K2 partial and K3 rejected, K9 left out', () => {
    const c = r.figures.coop;
    expect(r.lastYearPeriod).toBe('2025-11');
    // K2 3,000 + K3 1,000 + K4 800 = 4,800 against K1's 2,000 in October; no ledger a year before.
    expect(c.submitted.count).toEqual({ value: 3, previous: { value: 1, delta: 2 }, lastYear: null });
    expect(c.submitted.amount).toEqual({ value: 4_800, previous: { value: 2_000, delta: 2_800 }, lastYear: null });
    expect(c.decided.approved).toEqual({ value: 2_500, previous: { value: 2_000, delta: 500 }, lastYear: null });
    expect(c.decided.rejectedCount).toEqual({ value: 1, previous: { value: 0, delta: 1 }, lastYear: null });
    // 2,500 approved of K2's 3,000 + K3's 1,000 = 0.625, against 1: −37.5 percentage points.
    expect(c.approvalRate).toEqual({
      value: 0.625,
      numerator: 2_500,
      denominator: 4_000,
      previous: { value: 1, delta: -37.5 },
      lastYear: null,
    });
    // K1's 500 and K2's 2,500 (K9's 300 has no claim) against 1,500.
    expect(c.paid.amount).toEqual({ value: 3_000, previous: { value: 1_500, delta: 1_500 }, lastYear: null });
  });

  it('unclaimed at 1 December 00:00: SC crossed into 61–90 days, SE claimed late by K4', () => {
    const u = r.figures.coop.unclaimedAtEnd;
    // SF 16 days (2,000); SC 61 days (3,000); SB, SD, SE claimed; SA claimed.
    expect(u.d0_30).toMatchObject({ value: 2_000, previous: { value: 1_800, delta: 200 } });
    expect(u.d31_60).toMatchObject({ value: 0, previous: { value: 6_000, delta: -6_000 } });
    expect(u.d61_90).toMatchObject({ value: 3_000, previous: { value: 0, delta: 3_000 } });
    expect(u.over90).toMatchObject({ value: 0, previous: { value: 0, delta: 0 } });
    expect(u.total).toMatchObject({ value: 5_000, previous: { value: 7_800, delta: -2_800 } });
  });

  it('names the figures the late claim moved since the close, and only those', () => {
    // Kept at the close: 2 claims for 4,000, and SE (31 days, 800) unclaimed: 5,800 in all.
    expect(r.revised).toEqual({
      events: 1,
      lastAt: new Date(NOW).toISOString(),
      figures: ['coop.submitted.count', 'coop.submitted.amount', 'coop.unclaimedAtEnd.d31_60', 'coop.unclaimedAtEnd.total'],
    });
  });

  it('writes the rows to the CSV, labelled in Chinese', () => {
    const rows = new Map([...readCsv(reportCsv(r))].slice(1).map((x) => [x.cells[0]!, x.cells]));
    expect(rows.get('coop.approvalRate')!.slice(1, 5)).toEqual(['批复率', '0.625', '1', '-37.5']);
    expect(rows.get('coop.unclaimedAtEnd.d61_90')!.slice(1, 5)).toEqual(['期末未索赔·61–90天(元)', '3000', '0', '3000']);
  });
});

describe('a month still running', () => {
  it('counts up to now and ages the unclaimed spends at now', async () => {
    const r = await store('CR1', '2026-12');
    expect(r.partial).toBe(true);
    // On 4 December: SC 64 days (3,000), SF 19 days (2,000); nothing filed in December yet.
    expect(r.figures.coop.unclaimedAtEnd.d61_90.value).toBe(3_000);
    expect(r.figures.coop.unclaimedAtEnd.d0_30.value).toBe(2_000);
    expect(r.figures.coop.unclaimedAtEnd.total.value).toBe(5_000);
    expect(r.figures.coop.submitted.count).toMatchObject({ value: 0, previous: { value: 3, delta: -3 } });
  });
});

describe('the group', () => {
  it('sums the two stores’ Novembers and recomputes the approval rate', async () => {
    const g = await buildGroupReport(reports, period('2026-11'), NOW);
    expect(g.stores).toEqual(['CR1', 'CR2']);
    const c = g.figures.coop;
    // CR2: L1 1,000 submitted and approved, 600 received on the 30th at 23:30; TB 91 days old (over 90).
    expect(c.submitted.count).toMatchObject({ value: 4, previous: { value: 1, delta: 3 } });
    expect(c.submitted.amount).toMatchObject({ value: 5_800, previous: { value: 2_000, delta: 3_800 } });
    expect(c.decided.approved).toMatchObject({ value: 3_500, previous: { value: 2_000, delta: 1_500 } });
    // (2,500 + 1,000) ÷ (4,000 + 1,000) = 0.7, against October's 1: −30 pp.
    expect(c.approvalRate).toMatchObject({
      value: 0.7,
      numerator: 3_500,
      denominator: 5_000,
      previous: { value: 1, delta: -30 },
    });
    expect(c.paid.amount).toMatchObject({ value: 3_600, previous: { value: 1_500, delta: 2_100 } });
    // October's end: CR1 7,800 + CR2's TB at 61 days (1,000, 61–90).
    expect(c.unclaimedAtEnd.d61_90).toMatchObject({ value: 3_000, previous: { value: 1_000, delta: 2_000 } });
    expect(c.unclaimedAtEnd.over90).toMatchObject({ value: 1_000, previous: { value: 0, delta: 1_000 } });
    expect(c.unclaimedAtEnd.total).toMatchObject({ value: 6_000, previous: { value: 8_800, delta: -2_800 } });
    expect(g.revised?.figures).toEqual([
      'coop.submitted.count',
      'coop.submitted.amount',
      'coop.unclaimedAtEnd.d31_60',
      'coop.unclaimedAtEnd.total',
    ]);
  });

  it('the trend carries the ledger month by month', async () => {
    const t = (await buildTrend(reports, '*', period('2026-11'), 3, NOW))!;
    expect(t.periods).toEqual(['2026-09', '2026-10', '2026-11']);
    // September's end: CR1 5,000, CR2's TB of 1 September at 30 days (1,000).
    expect(t.values['coop.unclaimedAtEnd.total']).toEqual([6_000, 8_800, 6_000]);
    expect(t.values['coop.approvalRate']).toEqual([null, 1, 0.7]);
  });
});
