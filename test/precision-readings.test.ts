/**
 * "Precision and readings" (kpis-operations.md, binding) on the real event scripts and the test
 * run's redis-server, read back as the snapshot of each store and of the group at pinned moments
 * (the snapshots the API and the live socket serve). Two stores a world apart — SH01 in
 * Asia/Shanghai (UTC+8), BE01 in Europe/Berlin (UTC+1 all November) — so the group's targets and
 * pace sum stores on their own clocks. Every expected figure is worked out here, and every quotient
 * is compared with toBe against the JS quotient of the exact sums: nothing is rounded in the JSON.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PulseEvent } from '../domain/events.js';
import type { Snapshot } from '../domain/kpis.js';
import { saveBudget } from '../core/books/budget-book.js';
import { saveMaterial, saveTargets } from '../core/books/material-book.js';
import { checkPlannedSpend } from '../core/kpi/breaker.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { ev, shuffled } from './support/events.js';
import { applyDeps, readOptions, startStack, type Stack } from './support/stack.js';

const H = 3_600_000;
/** November: 30 days in both zones (Berlin left summer time in October). */
const MONTH = 720 * H;
const sh = (local: string) => `${local}+08:00`;
const be = (local: string) => `${local}+01:00`;
/** 20 Nov 12:00 in Shanghai = 20 Nov 05:00 in Berlin: 468 h and 461 h of the month gone by. */
const NOW = Date.parse(sh('2026-11-20T12:00:00'));
const SH_ELAPSED = 468 * H;
const BE_ELAPSED = 461 * H;

const S = { store: 'SH01' };
const B = { store: 'BE01' };

/** Surveys of SH01 as they stand: [surveyId, score, nps]. */
const standingSurveys: [string, number, number | undefined][] = [
  ['S0', 99, 9], // the correction (11 Nov) of a detractor (10 Nov)
  ['S1', 61, 2], // two copies at the same moment: the greater event id says detractor
  ['S2', 62, 10],
  ['S3', 63, 9],
  ['S4', 64, 7],
  ['S5', 65, 8],
  ['S6', 66, 7],
  ...[0, 1, 2, 3, 4, 5, 6, 6, 5].map((nps, i): [string, number, number] => [`S${7 + i}`, 67 + i, nps]),
  ...[0, 1, 2, 3, 4].map((i): [string, number, undefined] => [`S${16 + i}`, 76 + i, undefined]),
];

const shEvents: PulseEvent[] = [
  // Leads. L1 re-reported a day later on the web for CMP-X: that copy stands. L2 sent twice as
  // is. L3's two copies share their moment: the greater event id (l3-b, event, no campaign) stands.
  ev('lead.created', sh('2026-11-11T10:00:00'), { ...S, id: 'l1-fix', leadId: 'L1', channel: 'web', campaignId: 'CMP-X' }),
  ev('lead.created', sh('2026-11-10T10:00:00'), { ...S, id: 'l1', leadId: 'L1', channel: 'phone' }),
  ev('lead.created', sh('2026-11-12T10:00:00'), { ...S, id: 'l2', leadId: 'L2', channel: 'walk_in', campaignId: 'CMP-X' }),
  ev('lead.created', sh('2026-11-12T10:00:00'), { ...S, id: 'l2-again', leadId: 'L2', channel: 'walk_in', campaignId: 'CMP-X' }),
  ev('lead.created', sh('2026-11-13T10:00:00'), { ...S, id: 'l3-b', leadId: 'L3', channel: 'event' }),
  ev('lead.created', sh('2026-11-13T10:00:00'), { ...S, id: 'l3-a', leadId: 'L3', channel: 'phone', campaignId: 'CMP-X' }),
  ev('lead.created', sh('2026-11-14T10:00:00'), { ...S, id: 'l4', leadId: 'L4', channel: 'referral', campaignId: 'CMP-X' }),
  ev('lead.created', sh('2026-11-02T10:00:00'), { ...S, id: 'l5', leadId: 'L5', channel: 'other' }),
  // Orders. O1 re-reported on 12 Nov at 150 000: that copy stands. O2 sent twice. O3 cancelled by
  // a cancellation dated in October. O5's copies share their moment: o5-b (80 000.50) stands.
  ev('order.signed', sh('2026-11-12T10:00:00'), { ...S, id: 'o1-fix', orderId: 'O1', model: '汉', amount: 150000 }),
  ev('order.signed', sh('2026-11-10T10:00:00'), { ...S, id: 'o1', orderId: 'O1', model: '汉', amount: 100000 }),
  ev('order.signed', sh('2026-11-13T10:00:00'), {
    ...S,
    id: 'o2',
    orderId: 'O2',
    model: '唐',
    amount: 200000,
    campaignId: 'CMP-X',
  }),
  ev('order.signed', sh('2026-11-13T10:00:00'), {
    ...S,
    id: 'o2-again',
    orderId: 'O2',
    model: '唐',
    amount: 200000,
    campaignId: 'CMP-X',
  }),
  ev('order.cancelled', sh('2026-10-20T10:00:00'), { ...S, id: 'o3x', orderId: 'O3' }),
  ev('order.signed', sh('2026-11-15T10:00:00'), { ...S, id: 'o3', orderId: 'O3', model: '秦', amount: 90000 }),
  ev('order.signed', sh('2026-11-02T10:00:00'), { ...S, id: 'o4', orderId: 'O4', model: '宋', amount: 50000 }),
  ev('order.signed', sh('2026-11-16T10:00:00'), { ...S, id: 'o5-b', orderId: 'O5', model: '元', amount: 80000.5 }),
  ev('order.signed', sh('2026-11-16T10:00:00'), { ...S, id: 'o5-a', orderId: 'O5', model: '元', amount: 80000 }),
  // Deliveries: O1's re-reported on 14 Nov (that copy dates it), O4's on 3 Nov.
  ev('vehicle.delivered', sh('2026-11-14T10:00:00'), { ...S, id: 'dv1-late', orderId: 'O1' }),
  ev('vehicle.delivered', sh('2026-11-12T10:00:00'), { ...S, id: 'dv1', orderId: 'O1' }),
  ev('vehicle.delivered', sh('2026-11-03T10:00:00'), { ...S, id: 'dv4', orderId: 'O4' }),
  // Spend: 700 on B-SH (CMP-X; SP2 sent twice), 100 on B-SH2.
  ev('spend.recorded', sh('2026-11-05T10:00:00'), { ...S, id: 'sp1', spendId: 'SP1', budgetId: 'B-SH', amount: 400 }),
  ev('spend.recorded', sh('2026-11-06T10:00:00'), { ...S, id: 'sp2', spendId: 'SP2', budgetId: 'B-SH', amount: 300 }),
  ev('spend.recorded', sh('2026-11-06T10:00:00'), { ...S, id: 'sp2-again', spendId: 'SP2', budgetId: 'B-SH', amount: 300 }),
  ev('spend.recorded', sh('2026-11-07T10:00:00'), { ...S, id: 'sp3', spendId: 'SP3', budgetId: 'B-SH2', amount: 100 }),
  // Surveys (sales): the standing copies, then the copies that lose.
  ...standingSurveys.map(([surveyId, score, nps], i) =>
    ev('survey.completed', sh(`2026-11-${surveyId === 'S0' ? '11' : '10'}T10:${String(i).padStart(2, '0')}:00`), {
      ...S,
      id: surveyId === 'S1' ? 'sv-S1-b' : `sv-${surveyId}`,
      surveyId,
      kind: 'sales',
      score,
      ...(nps === undefined ? {} : { nps }),
    }),
  ),
  ev('survey.completed', sh('2026-11-10T10:00:00'), {
    ...S,
    id: 'sv-S0-first',
    surveyId: 'S0',
    kind: 'sales',
    score: 60,
    nps: 0,
  }),
  ev('survey.completed', sh('2026-11-10T10:01:00'), { ...S, id: 'sv-S1-a', surveyId: 'S1', kind: 'sales', score: 61, nps: 10 }),
  ev('survey.completed', sh('2026-11-10T10:02:00'), {
    ...S,
    id: 'sv-S2-again',
    surveyId: 'S2',
    kind: 'sales',
    score: 62,
    nps: 10,
  }),
  // Surveys (service): 80, 85, 91, none with NPS.
  ev('survey.completed', sh('2026-11-12T10:00:00'), { ...S, id: 'svc-a', surveyId: 'SVA', kind: 'service', score: 80 }),
  ev('survey.completed', sh('2026-11-12T11:00:00'), { ...S, id: 'svc-b', surveyId: 'SVB', kind: 'service', score: 85 }),
  ev('survey.completed', sh('2026-11-12T12:00:00'), { ...S, id: 'svc-c', surveyId: 'SVC', kind: 'service', score: 91 }),
  // Media. M1 neutral, then negative a day later: negative stands. M2's copies share their moment:
  // md2-b (negative) stands. M3 sent twice.
  ev('media.mention', sh('2026-11-11T10:00:00'), { ...S, id: 'md1-fix', mentionId: 'M1', sentiment: 'negative', outlet: '微博' }),
  ev('media.mention', sh('2026-11-10T10:00:00'), { ...S, id: 'md1', mentionId: 'M1', sentiment: 'neutral', outlet: '微博' }),
  ev('media.mention', sh('2026-11-12T10:00:00'), { ...S, id: 'md2-b', mentionId: 'M2', sentiment: 'negative', outlet: '懂车帝' }),
  ev('media.mention', sh('2026-11-12T10:00:00'), { ...S, id: 'md2-a', mentionId: 'M2', sentiment: 'positive', outlet: '懂车帝' }),
  ev('media.mention', sh('2026-11-13T10:00:00'), { ...S, id: 'md3', mentionId: 'M3', sentiment: 'negative', outlet: '汽车之家' }),
  ev('media.mention', sh('2026-11-13T10:00:00'), {
    ...S,
    id: 'md3-again',
    mentionId: 'M3',
    sentiment: 'negative',
    outlet: '汽车之家',
  }),
  // Members, at their first joining: C1 on 2 Nov (again today), C2 in October (again 15 Nov), C3 today.
  ev('member.joined', sh('2026-11-20T09:00:00'), { ...S, id: 'm1-again', customer: { id: 'C1' } }),
  ev('member.joined', sh('2026-11-02T09:00:00'), { ...S, id: 'm1', customer: { id: 'C1' } }),
  ev('member.joined', sh('2026-11-15T09:00:00'), { ...S, id: 'm2-again', customer: { id: 'C2' } }),
  ev('member.joined', sh('2026-10-05T09:00:00'), { ...S, id: 'm2', customer: { id: 'C2' } }),
  ev('member.joined', sh('2026-11-20T08:00:00'), { ...S, id: 'm3', customer: { id: 'C3' } }),
  // Appointments, each in an awkward order of arrival.
  // A1: cancelled 6 Nov (arrives first), its repair order, booked 5 Nov (still cancelled), booked
  // again 7 Nov for 19 Nov 10:00: live again, and shown.
  ev('appointment.cancelled', sh('2026-11-06T10:00:00'), { ...S, id: 'a1x', appointmentId: 'A1' }),
  ev('repair.opened', sh('2026-11-19T10:10:00'), { ...S, id: 'ra1', roId: 'RA1', appointmentId: 'A1' }),
  ev('appointment.booked', sh('2026-11-05T10:00:00'), {
    ...S,
    id: 'a1',
    appointmentId: 'A1',
    scheduledFor: sh('2026-11-18T10:00:00'),
  }),
  ev('appointment.booked', sh('2026-11-07T10:00:00'), {
    ...S,
    id: 'a1-re',
    appointmentId: 'A1',
    scheduledFor: sh('2026-11-19T10:00:00'),
  }),
  // A2: booked, then cancelled after: gone.
  ev('appointment.booked', sh('2026-11-05T10:00:00'), {
    ...S,
    id: 'a2',
    appointmentId: 'A2',
    scheduledFor: sh('2026-11-17T10:00:00'),
  }),
  ev('appointment.cancelled', sh('2026-11-08T10:00:00'), { ...S, id: 'a2x', appointmentId: 'A2' }),
  // A3: the cancellation (after the booking) arrives first: gone.
  ev('appointment.cancelled', sh('2026-11-09T10:00:00'), { ...S, id: 'a3x', appointmentId: 'A3' }),
  ev('appointment.booked', sh('2026-11-03T10:00:00'), {
    ...S,
    id: 'a3',
    appointmentId: 'A3',
    scheduledFor: sh('2026-11-16T10:00:00'),
  }),
  // A4: a cancellation dated before its booking: the booking stands; nobody came.
  ev('appointment.booked', sh('2026-11-05T10:00:00'), {
    ...S,
    id: 'a4',
    appointmentId: 'A4',
    scheduledFor: sh('2026-11-16T10:00:00'),
  }),
  ev('appointment.cancelled', sh('2026-11-04T10:00:00'), { ...S, id: 'a4x', appointmentId: 'A4' }),
  // A5: rescheduled to 25 Nov: not yet past.
  ev('appointment.booked', sh('2026-11-09T10:00:00'), {
    ...S,
    id: 'a5-re',
    appointmentId: 'A5',
    scheduledFor: sh('2026-11-25T10:00:00'),
  }),
  ev('appointment.booked', sh('2026-11-05T10:00:00'), {
    ...S,
    id: 'a5',
    appointmentId: 'A5',
    scheduledFor: sh('2026-11-15T10:00:00'),
  }),
  // Post-sale. T1: plate due 25 Nov, then insurance (latest kind; due from the event carrying it).
  // T2: loan and inspection at the same moment: p2-b (inspection, due 18 Nov: overdue) stands.
  ev('postsale.task', sh('2026-11-12T10:00:00'), {
    ...S,
    id: 'p2-b',
    taskId: 'T2',
    orderId: 'O2',
    kind: 'inspection',
    status: 'open',
    dueAt: sh('2026-11-18T10:00:00'),
  }),
  ev('postsale.task', sh('2026-11-12T10:00:00'), { ...S, id: 'p2-a', taskId: 'T2', orderId: 'O2', kind: 'loan', status: 'open' }),
  ev('postsale.task', sh('2026-11-12T10:00:00'), {
    ...S,
    id: 'p1b',
    taskId: 'T1',
    orderId: 'O1',
    kind: 'insurance',
    status: 'open',
  }),
  ev('postsale.task', sh('2026-11-10T10:00:00'), {
    ...S,
    id: 'p1',
    taskId: 'T1',
    orderId: 'O1',
    kind: 'plate',
    status: 'open',
    dueAt: sh('2026-11-25T10:00:00'),
  }),
  // Materials: POSTER configured (reorder at 10), FLAG never configured.
  ev('material.moved', sh('2026-11-02T10:00:00'), { ...S, id: 'mv1', itemId: 'POSTER', quantity: 5 }),
  ev('material.moved', sh('2026-11-02T11:00:00'), { ...S, id: 'mv2', itemId: 'FLAG', quantity: 7 }),
  ev('material.moved', sh('2026-11-09T11:00:00'), { ...S, id: 'mv3', itemId: 'FLAG', quantity: -2 }),
  // Complaints resolved after 20 and 50 minutes.
  ev('complaint.opened', sh('2026-11-10T10:00:00'), {
    ...S,
    id: 'k1',
    complaintId: 'K1',
    channel: 'phone',
    category: 'sales',
    severity: 'low',
  }),
  ev('complaint.resolved', sh('2026-11-10T10:20:00'), { ...S, id: 'k1r', complaintId: 'K1' }),
  ev('complaint.opened', sh('2026-11-11T10:00:00'), {
    ...S,
    id: 'k2',
    complaintId: 'K2',
    channel: 'phone',
    category: 'sales',
    severity: 'low',
  }),
  ev('complaint.resolved', sh('2026-11-11T10:50:00'), { ...S, id: 'k2r', complaintId: 'K2' }),
];

const beEvents: PulseEvent[] = [
  ev('order.signed', be('2026-11-02T10:00:00'), { ...B, id: 'q1', orderId: 'Q1', model: 'ID.4', amount: 60000 }),
  ev('order.signed', be('2026-11-14T10:00:00'), {
    ...B,
    id: 'q2',
    orderId: 'Q2',
    model: 'ID.7',
    amount: 123456.78,
    campaignId: 'CMP-X',
  }),
  ...[1, 2, 3].map((i) =>
    ev('lead.created', be(`2026-11-14T1${i}:00:00`), {
      ...B,
      id: `bl${i}`,
      leadId: `BL${i}`,
      channel: 'web',
      campaignId: 'CMP-X',
    }),
  ),
  ev('survey.completed', be('2026-11-14T10:00:00'), { ...B, id: 'bs1', surveyId: 'B1', kind: 'sales', score: 70, nps: 10 }),
  ev('survey.completed', be('2026-11-14T11:00:00'), { ...B, id: 'bs2', surveyId: 'B2', kind: 'sales', score: 75, nps: 3 }),
  // A complaint resolved after 10 minutes.
  ev('complaint.opened', be('2026-11-12T10:00:00'), {
    ...B,
    id: 'k3',
    complaintId: 'K3',
    channel: 'phone',
    category: 'service',
    severity: 'low',
  }),
  ev('complaint.resolved', be('2026-11-12T10:10:00'), { ...B, id: 'k3r', complaintId: 'K3' }),
];

type Deps = ReturnType<typeof applyDeps>;

async function load(name: string, events: PulseEvent[]): Promise<Deps> {
  const deps = applyDeps(name);
  await deps.stores.put('SH01', { name: 'SH01', timezone: 'Asia/Shanghai' });
  await deps.stores.put('BE01', { name: 'BE01', timezone: 'Europe/Berlin' });
  const p = deps.config.prefix;
  await saveBudget(deps.redis, p, 'B-SH', {
    store: 'SH01',
    name: '线上',
    month: '2026-11',
    amount: 1000,
    warnAt: 0.8,
    campaignId: 'CMP-X',
  });
  await saveBudget(deps.redis, p, 'B-SH2', { store: 'SH01', name: '车展', month: '2026-11', amount: 300, warnAt: 0.8 });
  await saveMaterial(deps.redis, p, 'POSTER', { store: 'SH01', name: '海报', reorderLevel: 10 });
  await saveTargets(deps.redis, p, 'SH01', '2026-11', { orders: 40, leads: 60 });
  await saveTargets(deps.redis, p, 'BE01', '2026-11', { orders: 30 });
  await applyEvents({ ...deps, now: () => NOW }, events);
  return deps;
}

/** The snapshots of both stores and the group at `now`, read afresh. */
async function snapshotsAt(deps: Deps, now: number) {
  const kpis = new KpiService(deps.redis, deps.stores, readOptions(deps.config));
  return { sh: (await kpis.store('SH01', now))!, be: (await kpis.store('BE01', now))!, group: await kpis.group(now) };
}

let deps: Deps;
let sh01: Snapshot;
let be01: Snapshot;
let group: Snapshot;
beforeAll(async () => {
  deps = await load('precision', [...shEvents, ...beEvents]);
  ({ sh: sh01, be: be01, group } = await snapshotsAt(deps, NOW));
  return () => deps.close();
});

const day = (d: number) => d - 1;

describe('exact values in the JSON', () => {
  it('satisfaction: the mean and NPS unrounded, in the store and recomputed for the group', () => {
    // SH01 sales: 21 surveys scoring 99 + 61 + (62 … 80) = 1509; 16 carry NPS: 3 promoters (S0,
    // S2, S3), 10 detractors (S1, S7 … S15).
    expect(sh01.kpis.satisfaction.month.sales).toEqual({ count: 21, average: 1509 / 21, nps: -43.75 });
    expect(sh01.kpis.satisfaction.month.sales.nps).toBe((100 * (3 - 10)) / 16);
    expect(sh01.kpis.satisfaction.month.service).toEqual({ count: 3, average: 256 / 3, nps: null });
    expect(sh01.kpis.satisfaction.today.sales).toEqual({ count: 0, average: null, nps: null });
    // BE01: 70 and 75; one promoter and one detractor.
    expect(be01.kpis.satisfaction.month.sales).toEqual({ count: 2, average: 72.5, nps: 0 });
    // The group from the sums: 1654 over 23; 4 promoters and 11 detractors of 18.
    expect(group.kpis.satisfaction.month.sales).toEqual({ count: 23, average: 1654 / 23, nps: (100 * (4 - 11)) / 18 });
    expect(group.kpis.satisfaction.month.service).toEqual(sh01.kpis.satisfaction.month.service);
  });

  it('campaigns: cost per lead and return ratio as one division of fen', () => {
    // CMP-X at SH01: leads L1 (its latest copy), L2, L4; order O2 at 200 000; spend 700 on B-SH.
    expect(sh01.kpis.campaigns).toEqual([
      {
        campaignId: 'CMP-X',
        leads: 3,
        orders: 1,
        orderAmount: 200000,
        spend: 700,
        costPerLead: 70_000 / (100 * 3),
        returnRatio: 20_000_000 / 70_000,
      },
    ]);
    expect(sh01.kpis.campaigns[0]!.costPerLead).toBe(700 / 3);
    // BE01 has no budget for it: no spend, so no return.
    expect(be01.kpis.campaigns).toEqual([
      { campaignId: 'CMP-X', leads: 3, orders: 1, orderAmount: 123456.78, spend: 0, costPerLead: 0, returnRatio: null },
    ]);
    // The group: 6 leads, 32 345 678 fen of orders over 70 000 fen of spend.
    expect(group.kpis.campaigns).toEqual([
      {
        campaignId: 'CMP-X',
        leads: 6,
        orders: 2,
        orderAmount: 323456.78,
        spend: 700,
        costPerLead: 70_000 / (100 * 6),
        returnRatio: 32_345_678 / 70_000,
      },
    ]);
  });

  it('spend ratios of each budget and of the totals, and the breaker’s ratio', () => {
    const byId = Object.fromEntries(sh01.kpis.spend.budgets.map((b) => [b.budgetId, b]));
    expect(byId['B-SH']!.ratio).toBe(70_000 / 100_000);
    expect(byId['B-SH2']!.ratio).toBe(10_000 / 30_000);
    expect(sh01.kpis.spend).toMatchObject({ amount: 1300, spent: 800, ratio: 80_000 / 130_000 });
    expect(group.kpis.spend.ratio).toBe(80_000 / 130_000);
    // 1 yuan more on B-SH2: 10 100 fen of 30 000.
    const check = checkPlannedSpend(
      'B-SH2',
      { store: 'SH01', name: '车展', month: '2026-11', amount: 300, warnAt: 0.8 },
      10_000,
      100,
    );
    expect(check.after.ratio).toBe(10_100 / 30_000);
  });

  it('the median resolution time in hours, from whole ms', () => {
    // SH01: 20 and 50 minutes: (1 200 000 + 3 000 000) / 2 ms.
    expect(sh01.kpis.complaints.month.medianResolutionHours).toBe(2_100_000 / H);
    // The group: 10, 20 and 50 minutes: 20 minutes.
    expect(group.kpis.complaints.month.medianResolutionHours).toBe(1_200_000 / H);
  });

  it('targets: progress and pace unrounded; the group sums the stores that set one, each on its own clock', () => {
    // SH01 orders O1, O2, O4, O5 (O3 cancelled); leads L1 … L5. BE01 orders Q1, Q2.
    expect(sh01.kpis.targets).toEqual({
      orders: { target: 40, actual: 4, progress: 4 / 40, pace: (4 * MONTH) / (40 * SH_ELAPSED) },
      leads: { target: 60, actual: 5, progress: 5 / 60, pace: (5 * MONTH) / (60 * SH_ELAPSED) },
    });
    expect(be01.kpis.targets).toEqual({
      orders: { target: 30, actual: 2, progress: 2 / 30, pace: (2 * MONTH) / (30 * BE_ELAPSED) },
    });
    // Orders: both stores, each store's target × its own elapsed share. Leads: SH01 alone (BE01's
    // three leads are not summed: it set no lead target). Deliveries: nobody set one.
    expect(group.kpis.targets).toEqual({
      orders: { target: 70, actual: 6, progress: 6 / 70, pace: (6 * MONTH) / (40 * SH_ELAPSED + 30 * BE_ELAPSED) },
      leads: sh01.kpis.targets.leads,
    });
  });
});

describe('one record per business id', () => {
  it('leads: a re-report counts once, the latest copy (or the greater event id) gives channel and campaign', () => {
    expect(sh01.kpis.leads.month).toEqual({
      total: 5,
      byChannel: { walk_in: 1, phone: 0, web: 1, event: 1, referral: 1, other: 1 },
    });
    expect(sh01.series.leads[day(10)]).toBe(0); // L1 is dated by its latest copy, 11 Nov
    expect(sh01.series.leads[day(11)]).toBe(1);
    expect(group.kpis.leads.month.total).toBe(8);
  });

  it('orders: the latest copy gives time and amount; a cancellation counts whatever its date', () => {
    // O1 150 000 + O2 200 000 + O4 50 000 + O5 80 000.50.
    expect(sh01.kpis.orders.month).toEqual({ count: 4, amount: 480000.5 });
    expect(sh01.series.orders[day(10)]).toBe(0);
    expect(sh01.series.orders[day(12)]).toBe(1); // O1's latest copy
    expect(sh01.series.orders[day(15)]).toBe(0); // O3, cancelled
    expect(sh01.kpis.orderConversion.month).toEqual({ value: null, numerator: 4, denominator: 0 });
    expect(group.kpis.orders.month).toEqual({ count: 6, amount: 663457.28 });
  });

  it('deliveries: once per order, dated by the latest copy', () => {
    expect(sh01.kpis.deliveries.month).toEqual({ count: 2 });
    expect(sh01.series.deliveries[day(12)]).toBe(0);
    expect(sh01.series.deliveries[day(14)]).toBe(1);
  });

  it('media: a re-report counts once; the latest copy (or the greater event id) says the sentiment', () => {
    // M1 negative by its correction; M2 negative by the greater id; M3 once.
    expect(sh01.kpis.media).toEqual({ today: { total: 0, negative: 0 }, month: { total: 3, negative: 3 } });
  });

  it('members: counted at their first joining', () => {
    // C1 on 2 Nov (not today again), C2 in October (not this month), C3 today.
    expect(sh01.kpis.members).toEqual({ total: 3, today: 1, month: 2 });
    expect(group.kpis.members).toEqual(sh01.kpis.members);
  });
});

describe('appointments, post-sale, materials', () => {
  it('appointments: the latest booking, removed by a later cancellation, booked again by a later booking', () => {
    // Past and live this month: A1 (booked again after its cancellation, shown) and A4 (its
    // cancellation came before the booking). A2 and A3 cancelled; A5 moved to 25 Nov.
    expect(sh01.kpis.appointmentShowRate).toEqual({
      today: { value: null, numerator: 0, denominator: 0 },
      month: { value: 0.5, numerator: 1, denominator: 2 },
    });
    expect(group.kpis.appointmentShowRate).toEqual(sh01.kpis.appointmentShowRate);
  });

  it('post-sale: a task’s kind from its latest event, ties to the greater event id', () => {
    expect(sh01.kpis.postsale).toEqual({
      open: 2,
      overdue: 1,
      byKind: {
        inspection: { open: 1, overdue: 1 }, // T2, due 18 Nov
        plate: { open: 0, overdue: 0 },
        insurance: { open: 1, overdue: 0 }, // T1, due 25 Nov
        loan: { open: 0, overdue: 0 },
        pickup_notice: { open: 0, overdue: 0 },
      },
      today: { done: 0 },
      month: { done: 0 },
    });
  });

  it('materials moved but never configured show under their id with reorder level 0', () => {
    expect(sh01.kpis.materials).toEqual({
      lowCount: 1,
      discrepancyCount: 0,
      items: [
        // The low ones first.
        {
          itemId: 'POSTER',
          store: 'SH01',
          name: '海报',
          stock: 5,
          reorderLevel: 10,
          low: true,
          counted: null,
          countedAt: null,
          discrepancy: null,
        },
        {
          itemId: 'FLAG',
          store: 'SH01',
          name: 'FLAG',
          stock: 5,
          reorderLevel: 0,
          low: false,
          counted: null,
          countedAt: null,
          discrepancy: null,
        },
      ],
    });
  });
});

describe('the early-month guard on pace', () => {
  // Before 4 Nov only O4 (2 Nov, SH01), Q1 (2 Nov, BE01) and L5 (2 Nov, SH01) have happened.
  it('Shanghai: null at 3 Nov 23:59, set at 4 Nov 00:00 (72 h gone); the group follows Shanghai', async () => {
    const before = await snapshotsAt(deps, Date.parse(sh('2026-11-03T23:59:00')));
    expect(before.sh.kpis.targets.orders).toEqual({ target: 40, actual: 1, progress: 1 / 40, pace: null });
    expect(before.sh.kpis.targets.leads?.pace).toBeNull();
    expect(before.group.kpis.targets.orders).toEqual({ target: 70, actual: 2, progress: 2 / 70, pace: null });

    const at = await snapshotsAt(deps, Date.parse(sh('2026-11-04T00:00:00')));
    expect(at.sh.kpis.targets.orders).toEqual({ target: 40, actual: 1, progress: 1 / 40, pace: 0.25 });
    expect(at.sh.kpis.targets.leads?.pace).toBe((1 * MONTH) / (60 * 72 * H));
    // Berlin is at 3 Nov 17:00 (65 h gone): its own pace is held back, yet it adds to the group's.
    expect(at.be.kpis.targets.orders?.pace).toBeNull();
    expect(at.group.kpis.targets.orders).toEqual({
      target: 70,
      actual: 2,
      progress: 2 / 70,
      pace: (2 * MONTH) / (40 * 72 * H + 30 * 65 * H),
    });
  });

  it('Berlin: null at 3 Nov 23:59, set at 4 Nov 00:00 local', async () => {
    const before = await snapshotsAt(deps, Date.parse(be('2026-11-03T23:59:00')));
    expect(before.be.kpis.targets.orders).toEqual({ target: 30, actual: 1, progress: 1 / 30, pace: null });
    // Shanghai is already at 4 Nov 06:59.
    expect(before.sh.kpis.targets.orders?.pace).toBe((1 * MONTH) / (40 * (78 * H + 59 * 60_000)));

    const at = await snapshotsAt(deps, Date.parse(be('2026-11-04T00:00:00')));
    expect(at.be.kpis.targets.orders).toEqual({ target: 30, actual: 1, progress: 1 / 30, pace: (1 * MONTH) / (30 * 72 * H) });
  });
});

describe('order of arrival', () => {
  it('gives the same snapshots for the events shuffled, with some sent twice', async () => {
    const all = [...shEvents, ...beEvents];
    const other = await load('precision-shuffled', shuffled([...all, ...shuffled(all, 3).slice(0, 30)], 11));
    const again = await snapshotsAt(other, NOW);
    other.close();
    for (const s of [again.sh, again.be, again.group]) s.seq = 0;
    for (const s of [sh01, be01, group]) s.seq = 0;
    expect(again).toEqual({ sh: sh01, be: be01, group });
  });
});

/**
 * The same through the public API: the real server and workers, the settings PUT and the events
 * POSTed, the snapshots read with GET at the pinned moments. The process clock (Date only: timers
 * stay real, so the queues run) is pinned for the server and the workers alike.
 */
describe('through the API', () => {
  let stack: Stack;
  /** GET the snapshot at the clock's moment, without the parts that tell when and how fresh. */
  const get = async (path: string) => {
    const res = await stack.request('GET', path);
    expect(res.status).toBe(200);
    const snap = res.body as Snapshot & { freshness?: unknown };
    delete snap.freshness;
    return bare(snap);
  };
  /** A snapshot as JSON carries it, without its seq (the API's store counts its settings too). */
  const bare = (snap: Snapshot) => {
    const copy = JSON.parse(JSON.stringify(snap)) as Partial<Snapshot>;
    delete copy.seq;
    return copy as Omit<Snapshot, 'seq'>;
  };

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    stack = await startStack('precision-api');
    const put = async (path: string, body: unknown) => expect((await stack.request('PUT', path, body)).status).toBeLessThan(300);
    await put('/api/v1/stores/SH01', { name: 'SH01', timezone: 'Asia/Shanghai' });
    await put('/api/v1/stores/BE01', { name: 'BE01', timezone: 'Europe/Berlin' });
    await put('/api/v1/budgets/B-SH', {
      store: 'SH01',
      name: '线上',
      month: '2026-11',
      amount: 1000,
      warnAt: 0.8,
      campaignId: 'CMP-X',
    });
    await put('/api/v1/budgets/B-SH2', { store: 'SH01', name: '车展', month: '2026-11', amount: 300, warnAt: 0.8 });
    await put('/api/v1/materials/POSTER', { store: 'SH01', name: '海报', reorderLevel: 10 });
    await put('/api/v1/targets/SH01/2026-11', { orders: 40, leads: 60 });
    await put('/api/v1/targets/BE01/2026-11', { orders: 30 });
    const posted = await stack.request('POST', '/api/v1/events?history=1', { events: [...shEvents, ...beEvents] });
    expect(posted.status).toBe(202);
    // The workers apply them in the background: wait (on real timers) until the last store has all.
    for (let i = 0; ; i++) {
      const g = await get('/api/v1/kpis');
      if (g.kpis.orders.month.count === 6 && g.kpis.satisfaction.month.sales.count === 23 && g.kpis.members.total === 3) break;
      if (i > 200) throw new Error('the events were not applied');
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 30_000);
  afterAll(async () => {
    await stack?.close();
    vi.useRealTimers();
  });

  it('serves the store and group snapshots worked out above, unrounded', async () => {
    expect(await get('/api/v1/stores/SH01/kpis')).toEqual(bare(sh01));
    expect(await get('/api/v1/stores/BE01/kpis')).toEqual(bare(be01));
    const g = await get('/api/v1/kpis');
    expect(g).toEqual(bare(group));
    expect(g.kpis.satisfaction.month.sales.nps).toBe(-700 / 18);
    expect((await get('/api/v1/stores/SH01/kpis')).kpis.satisfaction.month.sales.nps).toBe(-43.75);
  });

  it('holds pace back until 00:00 of the 4th in each store’s zone and in the group’s', async () => {
    vi.setSystemTime(Date.parse(sh('2026-11-03T23:59:00')));
    expect((await get('/api/v1/stores/SH01/kpis')).kpis.targets.orders?.pace).toBeNull();
    expect((await get('/api/v1/kpis')).kpis.targets.orders?.pace).toBeNull();
    vi.setSystemTime(Date.parse(sh('2026-11-04T00:00:00')));
    expect((await get('/api/v1/stores/SH01/kpis')).kpis.targets.orders?.pace).toBe(0.25);
    expect((await get('/api/v1/stores/BE01/kpis')).kpis.targets.orders?.pace).toBeNull();
    expect((await get('/api/v1/kpis')).kpis.targets.orders?.pace).toBe((2 * MONTH) / (40 * 72 * H + 30 * 65 * H));
    vi.setSystemTime(Date.parse(be('2026-11-03T23:59:00')));
    expect((await get('/api/v1/stores/BE01/kpis')).kpis.targets.orders?.pace).toBeNull();
    vi.setSystemTime(Date.parse(be('2026-11-04T00:00:00')));
    expect((await get('/api/v1/stores/BE01/kpis')).kpis.targets.orders?.pace).toBe((1 * MONTH) / (30 * 72 * H));
  });
});
