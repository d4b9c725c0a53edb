/**
 * A hand-worked October 2026 for period reports (test/reports.test.ts): RS1 in Asia/Shanghai with
 * every family, September and October 2025 to compare with; RB1 in Europe/Berlin, whose October
 * and week 43 end an hour later in UTC after the clocks go back on 25 October. Each event arrives
 * an hour after its time, except the late ones, which arrive at NOW, after October's close.
 */
import type { PulseEvent } from '../../domain/events.js';
import { ev } from './events.js';

/** 20 Nov 2026, 12:00 in Shanghai: October closed on 2 November. */
export const NOW = Date.parse('2026-11-20T12:00:00+08:00');

const sh = (local: string) => `${local}+08:00`;
const S = 'RS1';
const B = 'RB1';
const customer = (id: string) => ({ id });

export const onTime: PulseEvent[] = [
  // Sales callbacks: D1 met, D2 missed (unreached), D3 met by a call arriving late (below).
  ev('vehicle.delivered', sh('2026-10-05T10:00:00'), { id: 'd1', store: S, orderId: 'D1' }),
  ev('vehicle.delivered', sh('2026-10-05T10:30:00'), { id: 'd1-again', store: S, orderId: 'D1' }),
  ev('callback.attempted', sh('2026-10-06T10:00:00'), {
    id: 'k1',
    store: S,
    callbackId: 'K1',
    kind: 'sales',
    subjectId: 'D1',
    outcome: 'reached',
  }),
  ev('vehicle.delivered', sh('2026-10-12T10:00:00'), { id: 'd2', store: S, orderId: 'D2' }),
  ev('callback.attempted', sh('2026-10-12T15:00:00'), {
    id: 'k2',
    store: S,
    callbackId: 'K2',
    kind: 'sales',
    subjectId: 'D2',
    outcome: 'no_answer',
  }),
  ev('vehicle.delivered', sh('2026-10-30T20:00:00'), { id: 'd3', store: S, orderId: 'D3' }),
  // Appointments and repairs: R1 and R3 booked, R2 walked in, R4 falls on 1 November local time.
  ev('appointment.booked', sh('2026-10-01T09:00:00'), {
    id: 'a1',
    store: S,
    appointmentId: 'A1',
    scheduledFor: sh('2026-10-03T09:00:00'),
  }),
  ev('appointment.booked', sh('2026-10-10T09:00:00'), {
    id: 'a2',
    store: S,
    appointmentId: 'A2',
    scheduledFor: sh('2026-10-20T10:00:00'),
  }),
  ev('appointment.booked', sh('2026-10-30T09:00:00'), {
    id: 'a3',
    store: S,
    appointmentId: 'A3',
    scheduledFor: sh('2026-10-31T23:00:00'),
  }),
  ev('repair.opened', sh('2026-10-03T09:10:00'), { id: 'r1', store: S, roId: 'R1', appointmentId: 'A1' }),
  ev('repair.opened', sh('2026-10-08T11:00:00'), { id: 'r2', store: S, roId: 'R2' }),
  ev('repair.opened', sh('2026-10-31T23:30:00'), { id: 'r3', store: S, roId: 'R3', appointmentId: 'A3' }),
  ev('repair.opened', '2026-10-31T16:30:00Z', { id: 'r4', store: S, roId: 'R4' }),
  // Complaints (deadlines: response 24 h, 4 h when high; resolution low 120, medium 72, high 24 h).
  ...complaint('C6', 'low', '2026-09-25T10:00:00', '2026-09-25T12:00:00', '2026-10-05T10:00:00'),
  ...complaint('C1', 'high', '2026-10-10T10:00:00', '2026-10-10T12:00:00', '2026-10-10T20:00:00'),
  ...complaint('C7', 'medium', '2026-10-15T10:00:00', '2026-10-17T10:00:00', null),
  ...complaint('C2', 'medium', '2026-10-20T10:00:00', '2026-10-20T11:00:00', '2026-10-22T10:00:00'),
  ...complaint('C3', 'medium', '2026-10-29T10:00:00', '2026-10-29T11:00:00', '2026-11-03T10:00:00'),
  ...complaint('C4', 'high', '2026-10-30T08:00:00', null, null),
  ...complaint('C5', 'low', '2026-10-31T20:00:00', null, null),
  // Surveys: SV2 re-reported later with another score; the later copy stands (and moves to 24 Oct).
  ev('survey.completed', sh('2026-10-05T12:00:00'), { id: 'sv1', store: S, surveyId: 'SV1', kind: 'sales', score: 90, nps: 10 }),
  ev('survey.completed', sh('2026-10-14T12:00:00'), { id: 'sv2', store: S, surveyId: 'SV2', kind: 'sales', score: 70, nps: 5 }),
  ev('survey.completed', sh('2026-10-24T12:00:00'), { id: 'sv2b', store: S, surveyId: 'SV2', kind: 'sales', score: 75, nps: 6 }),
  // Spend: 8,500 on October's budget, 200 on an unknown budget, 1,000 in November.
  ev('spend.recorded', sh('2026-10-03T10:00:00'), { id: 'sp1', store: S, spendId: 'SP1', budgetId: 'B-OCT', amount: 3000 }),
  ev('spend.recorded', sh('2026-10-03T10:00:00'), { id: 'sp1-again', store: S, spendId: 'SP1', budgetId: 'B-OCT', amount: 3000 }),
  ev('spend.recorded', sh('2026-10-25T10:00:00'), { id: 'sp2', store: S, spendId: 'SP2', budgetId: 'B-OCT', amount: 5500 }),
  ev('spend.recorded', sh('2026-10-10T10:00:00'), { id: 'sp3', store: S, spendId: 'SP3', budgetId: 'B-NONE', amount: 200 }),
  ev('spend.recorded', sh('2026-11-02T10:00:00'), { id: 'sp4', store: S, spendId: 'SP4', budgetId: 'B-OCT', amount: 1000 }),
  // Sales floor.
  ev('showroom.visit', sh('2026-10-02T10:00:00'), { id: 'v1', store: S, firstVisit: true }),
  ev('showroom.visit', sh('2026-10-09T10:00:00'), { id: 'v2', store: S, firstVisit: true }),
  ev('showroom.visit', sh('2026-10-16T10:00:00'), { id: 'v3', store: S, firstVisit: false }),
  ev('testdrive.completed', sh('2026-10-02T11:00:00'), { id: 'td1', store: S, model: 'SUV' }),
  ev('lead.created', sh('2026-10-02T10:30:00'), { id: 'ld1', store: S, leadId: 'LD1', channel: 'phone', campaignId: 'CP1' }),
  ev('lead.created', sh('2026-10-02T10:40:00'), {
    id: 'ld1-again',
    store: S,
    leadId: 'LD1',
    channel: 'phone',
    campaignId: 'CP1',
  }),
  ev('lead.created', sh('2026-10-09T10:30:00'), { id: 'ld2', store: S, leadId: 'LD2', channel: 'web', campaignId: 'CP1' }),
  ev('lead.created', sh('2026-10-16T10:30:00'), { id: 'ld3', store: S, leadId: 'LD3', channel: 'walk_in' }),
  ev('order.signed', sh('2026-10-11T15:00:00'), {
    id: 'or1',
    store: S,
    orderId: 'OR1',
    model: 'SUV',
    amount: 150000,
    campaignId: 'CP1',
  }),
  ev('order.signed', sh('2026-10-21T15:00:00'), { id: 'or2', store: S, orderId: 'OR2', model: 'MPV', amount: 200000.5 }),
  ev('order.signed', sh('2026-10-22T15:00:00'), {
    id: 'or3',
    store: S,
    orderId: 'OR3',
    model: 'SUV',
    amount: 100000,
    campaignId: 'CP1',
  }),
  ev('order.cancelled', sh('2026-11-05T10:00:00'), { id: 'or3x', store: S, orderId: 'OR3' }),
  ev('member.joined', sh('2026-10-04T10:00:00'), { id: 'm1', store: S, customer: customer('CU1') }),
  ev('member.joined', sh('2026-10-20T10:00:00'), { id: 'm1b', store: S, customer: customer('CU1') }),
  ev('member.joined', sh('2026-10-30T10:00:00'), { id: 'm2', store: S, customer: customer('CU2') }),
  ev('media.mention', sh('2026-10-07T10:00:00'), {
    id: 'md1',
    store: S,
    mentionId: 'MD1',
    sentiment: 'negative',
    outlet: '汽车之家',
  }),
  ev('media.mention', sh('2026-10-08T10:00:00'), {
    id: 'md2',
    store: S,
    mentionId: 'MD2',
    sentiment: 'positive',
    outlet: '懂车帝',
  }),
  ev('postsale.task', sh('2026-10-12T10:00:00'), {
    id: 't1',
    store: S,
    taskId: 'T1',
    orderId: 'OR1',
    kind: 'plate',
    status: 'done',
  }),
  ev('postsale.task', sh('2026-10-13T10:00:00'), {
    id: 't2',
    store: S,
    taskId: 'T2',
    orderId: 'OR1',
    kind: 'loan',
    status: 'open',
  }),
  // September 2026: one met and one missed delivery, a survey, spend on September's budget.
  ev('vehicle.delivered', sh('2026-09-10T10:00:00'), { id: 's1', store: S, orderId: 'S1' }),
  ev('callback.attempted', sh('2026-09-11T10:00:00'), {
    id: 'ks1',
    store: S,
    callbackId: 'KS1',
    kind: 'sales',
    subjectId: 'S1',
    outcome: 'reached',
  }),
  ev('vehicle.delivered', sh('2026-09-20T10:00:00'), { id: 's2', store: S, orderId: 'S2' }),
  ev('repair.opened', sh('2026-09-05T10:00:00'), { id: 'r5', store: S, roId: 'R5', appointmentId: 'A5' }),
  ev('survey.completed', sh('2026-09-12T12:00:00'), { id: 'svs', store: S, surveyId: 'SVS', kind: 'sales', score: 60, nps: 3 }),
  ev('spend.recorded', sh('2026-09-15T10:00:00'), { id: 'sps', store: S, spendId: 'SPS', budgetId: 'B-SEP', amount: 2000 }),
  // October 2025: one delivery, reached.
  ev('vehicle.delivered', sh('2025-10-15T10:00:00'), { id: 'l1', store: S, orderId: 'L1' }),
  ev('callback.attempted', sh('2025-10-16T10:00:00'), {
    id: 'kl1',
    store: S,
    callbackId: 'KL1',
    kind: 'sales',
    subjectId: 'L1',
    outcome: 'reached',
  }),
  // RB1 in Berlin: visits either side of its month's and week's bounds.
  ev('showroom.visit', '2026-09-30T21:30:00Z', { id: 'bv0', store: B, firstVisit: true }), // 30 Sep 23:30 CEST
  ev('showroom.visit', '2026-09-30T22:30:00Z', { id: 'bv1', store: B, firstVisit: true }), // 1 Oct 00:30 CEST
  ev('showroom.visit', '2026-10-25T22:30:00Z', { id: 'bv2', store: B, firstVisit: false }), // 25 Oct 23:30 CET
  ev('showroom.visit', '2026-10-31T22:30:00Z', { id: 'bv3', store: B, firstVisit: true }), // 31 Oct 23:30 CET
  ev('showroom.visit', '2026-10-31T23:30:00Z', { id: 'bv4', store: B, firstVisit: true }), // 1 Nov 00:30 CET
];

/** Arriving at NOW: a reached call for D3 (within its 72 hours) and a survey of 15 October. */
export const late: PulseEvent[] = [
  ev('callback.attempted', sh('2026-11-01T09:00:00'), {
    id: 'k3',
    store: S,
    callbackId: 'K3',
    kind: 'sales',
    subjectId: 'D3',
    outcome: 'reached',
  }),
  ev('survey.completed', sh('2026-10-15T12:00:00'), { id: 'sv3', store: S, surveyId: 'SV3', kind: 'sales', score: 85, nps: 9 }),
];

function complaint(
  id: string,
  severity: 'low' | 'medium' | 'high',
  opened: string,
  responded: string | null,
  resolved: string | null,
) {
  const c = id.toLowerCase();
  return [
    ev('complaint.opened', sh(opened), {
      id: `${c}o`,
      store: S,
      complaintId: id,
      channel: 'phone',
      category: 'service',
      severity,
    }),
    ...(responded ? [ev('complaint.responded', sh(responded), { id: `${c}p`, store: S, complaintId: id })] : []),
    ...(resolved ? [ev('complaint.resolved', sh(resolved), { id: `${c}r`, store: S, complaintId: id })] : []),
  ];
}

export const budgets = [
  { budgetId: 'B-OCT', store: S, name: '十月车展', month: '2026-10', amount: 10000, warnAt: 0.8, campaignId: 'CP1' },
  { budgetId: 'B-SEP', store: S, name: '九月团购', month: '2026-09', amount: 5000, warnAt: 0.8 },
];
export const octoberTargets = { orders: 4, deliveries: 3, leads: 2 };
