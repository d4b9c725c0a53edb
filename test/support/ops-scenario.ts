/**
 * A hand-worked month of store OPS1 (and a little of OPS2), Asia/Shanghai, seen at
 * 2026-11-23 14:05. The expected figures are worked out in kpi-operations.test.ts.
 */
import type { PulseEvent } from '../../domain/events.js';
import { ev } from './events.js';

export const OPS_NOW = Date.parse('2026-11-23T14:05:00+08:00');
const t = (local: string) => `${local}+08:00`;
const s1 = { store: 'OPS1' };

export const opsEvents: PulseEvent[] = [
  // Showroom: v4 was in October.
  ev('showroom.visit', t('2026-11-23T10:00:00'), { ...s1, id: 'v1', firstVisit: true }),
  ev('showroom.visit', t('2026-11-23T11:00:00'), { ...s1, id: 'v2', firstVisit: false }),
  ev('showroom.visit', t('2026-11-10T10:00:00'), { ...s1, id: 'v3', firstVisit: true }),
  ev('showroom.visit', t('2026-10-31T20:00:00'), { ...s1, id: 'v4', firstVisit: true }),
  ev('showroom.visit', t('2026-11-12T10:00:00'), { ...s1, id: 'v6', firstVisit: true }),
  // Leads: L1's latest event (10:05, walk-in, CMP-A) is the one that stands.
  ev('lead.created', t('2026-11-23T10:05:00'), { ...s1, id: 'l1', leadId: 'L1', channel: 'walk_in', campaignId: 'CMP-A' }),
  ev('lead.created', t('2026-11-23T09:00:00'), { ...s1, id: 'l1-early', leadId: 'L1', channel: 'phone' }),
  ev('lead.created', t('2026-11-20T10:00:00'), { ...s1, id: 'l2', leadId: 'L2', channel: 'web', campaignId: 'CMP-A' }),
  ev('lead.created', t('2026-11-20T11:00:00'), { ...s1, id: 'l3', leadId: 'L3', channel: 'event', campaignId: 'CMP-B' }),
  ev('lead.created', t('2026-10-30T10:00:00'), { ...s1, id: 'l4', leadId: 'L4', channel: 'referral', campaignId: 'CMP-A' }),
  // Test drives
  ev('testdrive.completed', t('2026-11-23T10:30:00'), { ...s1, id: 'td1', leadId: 'L1', model: '凯美瑞' }),
  ev('testdrive.completed', t('2026-11-15T10:00:00'), { ...s1, id: 'td2', model: 'RAV4荣放' }),
  // Orders: O2 cancelled (the cancellation reported first); O3 counted once, as its latest signing has it.
  ev('order.signed', t('2026-11-23T11:00:00'), {
    ...s1,
    id: 'o1',
    orderId: 'O1',
    model: '凯美瑞',
    amount: 200000,
    campaignId: 'CMP-A',
  }),
  ev('order.cancelled', t('2026-11-21T10:00:00'), { ...s1, id: 'o2x', orderId: 'O2' }),
  ev('order.signed', t('2026-11-20T12:00:00'), {
    ...s1,
    id: 'o2',
    orderId: 'O2',
    model: '汉兰达',
    amount: 150000.5,
    campaignId: 'CMP-B',
  }),
  ev('order.signed', t('2026-11-19T10:00:00'), { ...s1, id: 'o3-again', orderId: 'O3', model: '亚洲龙', amount: 999999 }),
  ev('order.signed', t('2026-11-18T10:00:00'), { ...s1, id: 'o3', orderId: 'O3', model: '亚洲龙', amount: 180000 }),
  ev('order.signed', t('2026-10-28T10:00:00'), {
    ...s1,
    id: 'o4',
    orderId: 'O4',
    model: '卡罗拉',
    amount: 100000,
    campaignId: 'CMP-A',
  }),
  ev('vehicle.delivered', t('2026-11-22T10:00:00'), { ...s1, id: 'dv3', orderId: 'O3' }),
  ev('vehicle.delivered', t('2026-11-23T09:00:00'), { ...s1, id: 'dv4', orderId: 'O4' }),
  // Spend on the campaign budget BA (CMP-A); BC (CMP-C) has no spend.
  ev('spend.recorded', t('2026-11-05T10:00:00'), { ...s1, id: 'sa1', spendId: 'SA1', budgetId: 'BA', amount: 15000 }),
  ev('spend.recorded', t('2026-11-20T10:00:00'), { ...s1, id: 'sa2', spendId: 'SA2', budgetId: 'BA', amount: 5000 }),
  // Surveys: SV2 corrected on 21 Nov (the latest record stands, dated 21 Nov).
  ev('survey.completed', t('2026-11-23T12:00:00'), { ...s1, id: 'sv1', surveyId: 'SV1', kind: 'sales', score: 90, nps: 10 }),
  ev('survey.completed', t('2026-11-21T10:00:00'), { ...s1, id: 'sv2-fix', surveyId: 'SV2', kind: 'sales', score: 85, nps: 7 }),
  ev('survey.completed', t('2026-11-20T10:00:00'), { ...s1, id: 'sv2', surveyId: 'SV2', kind: 'sales', score: 80, nps: 5 }),
  ev('survey.completed', t('2026-11-19T10:00:00'), { ...s1, id: 'sv3', surveyId: 'SV3', kind: 'sales', score: 70 }),
  ev('survey.completed', t('2026-11-23T13:00:00'), { ...s1, id: 'sv4', surveyId: 'SV4', kind: 'service', score: 60, nps: 9 }),
  // Members: C1 joined first on 1 Nov.
  ev('member.joined', t('2026-11-23T09:00:00'), { ...s1, id: 'm1', customer: { id: 'C1', name: '王小明' } }),
  ev('member.joined', t('2026-11-01T09:00:00'), { ...s1, id: 'm1-early', customer: { id: 'C1' } }),
  ev('member.joined', t('2026-11-05T09:00:00'), { ...s1, id: 'm2', customer: { id: 'C2' } }),
  ev('member.joined', t('2026-10-15T09:00:00'), { ...s1, id: 'm3', customer: { id: 'C3' } }),
  // Appointments and shows
  ev('appointment.booked', t('2026-11-10T10:00:00'), {
    ...s1,
    id: 'a1',
    appointmentId: 'A1',
    scheduledFor: t('2026-11-23T09:00:00'),
  }),
  ev('repair.opened', t('2026-11-23T09:10:00'), { ...s1, id: 'ra1', roId: 'RA1', appointmentId: 'A1' }),
  ev('appointment.booked', t('2026-11-10T10:00:00'), {
    ...s1,
    id: 'a2',
    appointmentId: 'A2',
    scheduledFor: t('2026-11-23T10:00:00'),
  }),
  ev('appointment.booked', t('2026-11-10T10:00:00'), {
    ...s1,
    id: 'a3',
    appointmentId: 'A3',
    scheduledFor: t('2026-11-23T16:00:00'),
  }),
  ev('appointment.booked', t('2026-11-10T10:00:00'), {
    ...s1,
    id: 'a4',
    appointmentId: 'A4',
    scheduledFor: t('2026-11-22T10:00:00'),
  }),
  ev('appointment.cancelled', t('2026-11-11T10:00:00'), { ...s1, id: 'a4x', appointmentId: 'A4' }),
  ev('repair.opened', t('2026-11-22T10:05:00'), { ...s1, id: 'ra4', roId: 'RA4', appointmentId: 'A4' }),
  ev('repair.opened', t('2026-11-21T10:00:00'), { ...s1, id: 'ra5', roId: 'RA5', appointmentId: 'A5' }),
  ev('appointment.booked', t('2026-11-18T10:00:00'), {
    ...s1,
    id: 'a5',
    appointmentId: 'A5',
    scheduledFor: t('2026-11-21T09:30:00'),
  }),
  ev('appointment.booked', t('2026-11-10T10:00:00'), {
    ...s1,
    id: 'a6',
    appointmentId: 'A6',
    scheduledFor: t('2026-11-15T10:00:00'),
  }),
  ev('appointment.booked', t('2026-11-12T10:00:00'), {
    ...s1,
    id: 'a6-moved',
    appointmentId: 'A6',
    scheduledFor: t('2026-11-16T10:00:00'),
  }),
  ev('appointment.booked', t('2026-11-01T10:00:00'), {
    ...s1,
    id: 'a7',
    appointmentId: 'A7',
    scheduledFor: t('2026-11-05T10:00:00'),
  }),
  ev('repair.opened', t('2026-11-05T10:20:00'), { ...s1, id: 'ra7', roId: 'RA7', appointmentId: 'A7' }),
  // Post-sale one-stop services
  ev('postsale.task', t('2026-11-20T10:00:00'), {
    ...s1,
    id: 'p1',
    taskId: 'T1',
    orderId: 'O3',
    kind: 'plate',
    status: 'open',
    dueAt: t('2026-11-22T18:00:00'),
  }),
  ev('postsale.task', t('2026-11-21T10:00:00'), {
    ...s1,
    id: 'p2',
    taskId: 'T2',
    orderId: 'O3',
    kind: 'insurance',
    status: 'open',
    dueAt: t('2026-11-25T18:00:00'),
  }),
  ev('postsale.task', t('2026-11-23T10:00:00'), {
    ...s1,
    id: 'p2d',
    taskId: 'T2',
    orderId: 'O3',
    kind: 'insurance',
    status: 'done',
  }),
  ev('postsale.task', t('2026-11-22T10:00:00'), { ...s1, id: 'p3', taskId: 'T3', orderId: 'O3', kind: 'loan', status: 'open' }),
  ev('postsale.task', t('2026-11-21T10:00:00'), {
    ...s1,
    id: 'p4',
    taskId: 'T4',
    orderId: 'O1',
    kind: 'inspection',
    status: 'open',
    dueAt: t('2026-11-23T12:00:00'),
  }),
  ev('postsale.task', t('2026-11-22T10:00:00'), {
    ...s1,
    id: 'p4b',
    taskId: 'T4',
    orderId: 'O1',
    kind: 'inspection',
    status: 'open',
    dueAt: t('2026-11-24T12:00:00'),
  }),
  ev('postsale.task', t('2026-11-20T10:00:00'), {
    ...s1,
    id: 'p4c',
    taskId: 'T4',
    orderId: 'O1',
    kind: 'inspection',
    status: 'open',
    dueAt: t('2026-11-19T12:00:00'),
  }),
  ev('postsale.task', t('2026-11-10T10:00:00'), {
    ...s1,
    id: 'p5',
    taskId: 'T5',
    orderId: 'O9',
    kind: 'pickup_notice',
    status: 'done',
  }),
  ev('postsale.task', t('2026-11-12T10:00:00'), {
    ...s1,
    id: 'p5b',
    taskId: 'T5',
    orderId: 'O9',
    kind: 'pickup_notice',
    status: 'open',
  }),
  ev('postsale.task', t('2026-11-23T09:00:00'), { ...s1, id: 'p6', taskId: 'T6', orderId: 'O8', kind: 'plate', status: 'done' }),
  ev('postsale.task', t('2026-11-22T09:00:00'), { ...s1, id: 'p6b', taskId: 'T6', orderId: 'O8', kind: 'plate', status: 'done' }),
  // Media: M1 is neutral by its latest report.
  ev('media.mention', t('2026-11-23T08:00:00'), { ...s1, id: 'md1', mentionId: 'M1', sentiment: 'negative', outlet: '懂车帝' }),
  ev('media.mention', t('2026-11-23T09:30:00'), {
    ...s1,
    id: 'md1-again',
    mentionId: 'M1',
    sentiment: 'neutral',
    outlet: '懂车帝',
  }),
  ev('media.mention', t('2026-11-23T09:00:00'), { ...s1, id: 'md2', mentionId: 'M2', sentiment: 'positive', outlet: '汽车之家' }),
  ev('media.mention', t('2026-11-10T09:00:00'), { ...s1, id: 'md3', mentionId: 'M3', sentiment: 'negative', outlet: '微博' }),
  // Materials
  ev('material.moved', t('2026-11-02T09:00:00'), { ...s1, id: 'mv1', itemId: 'POSTER', quantity: 200 }),
  ev('material.moved', t('2026-11-12T09:00:00'), { ...s1, id: 'mv2', itemId: 'POSTER', quantity: -120 }),
  ev('material.moved', t('2026-11-02T09:00:00'), { ...s1, id: 'mv3', itemId: 'BROCHURE', quantity: 150 }),
  ev('material.moved', t('2026-11-20T09:00:00'), { ...s1, id: 'mv4', itemId: 'BROCHURE', quantity: -60 }),
  ev('material.moved', t('2026-11-21T09:00:00'), { ...s1, id: 'mv5', itemId: 'KEYCHAIN', quantity: -5 }),
  // OPS2: one order today on CMP-A and one CMP-A lead.
  ev('order.signed', t('2026-11-23T12:00:00'), { store: 'OPS2', id: 'q1', orderId: 'Q1', model: '卡罗拉', amount: 100000 }),
  ev('lead.created', t('2026-11-23T12:30:00'), { store: 'OPS2', id: 'q2', leadId: 'QL1', channel: 'web', campaignId: 'CMP-A' }),
];

export const opsSettings = {
  budgets: [
    { budgetId: 'BA', store: 'OPS1', name: '线上投放', month: '2026-11', amount: 50000, warnAt: 0.8, campaignId: 'CMP-A' },
    { budgetId: 'BC', store: 'OPS1', name: '车展活动', month: '2026-11', amount: 10000, warnAt: 0.8, campaignId: 'CMP-C' },
  ],
  materials: [
    { itemId: 'POSTER', store: 'OPS1', name: '海报', reorderLevel: 50 },
    { itemId: 'BROCHURE', store: 'OPS1', name: '宣传册', reorderLevel: 100 },
    { itemId: 'GIFT', store: 'OPS1', name: '钥匙扣礼盒', reorderLevel: 10 },
  ],
  targets: [
    { store: 'OPS1', month: '2026-11', targets: { orders: 10, deliveries: 8, leads: 30 } },
    { store: 'OPS2', month: '2026-11', targets: { orders: 5 } },
  ],
};
