/**
 * A hand-worked day of store HZ01 (Asia/Shanghai) and LA01 (America/Los_Angeles), seen at
 * 2026-11-23 14:05 Shanghai time. The expected figures are worked out in kpi-scenario.test.ts.
 */
import type { PulseEvent } from '../../domain/events.js';
import { ev } from './events.js';

export const NOW = Date.parse('2026-11-23T14:05:00+08:00');

const t = (local: string) => `${local}+08:00`;

export const scenarioEvents: PulseEvent[] = [
  // Sales callbacks (deadline 72 h)
  ev('vehicle.delivered', t('2026-11-23T09:00:00'), { id: 'd1', orderId: 'D1' }),
  ev('callback.attempted', t('2026-11-23T10:00:00'), {
    id: 'c1',
    callbackId: 'K1',
    kind: 'sales',
    subjectId: 'D1',
    outcome: 'reached',
  }),
  ev('vehicle.delivered', t('2026-11-23T08:00:00'), { id: 'd2', orderId: 'D2' }),
  ev('callback.attempted', t('2026-11-23T09:00:00'), {
    id: 'c2',
    callbackId: 'K2',
    kind: 'sales',
    subjectId: 'D2',
    outcome: 'no_answer',
  }),
  ev('vehicle.delivered', t('2026-11-19T10:00:00'), { id: 'd3', orderId: 'D3' }),
  ev('vehicle.delivered', t('2026-11-20T10:00:00'), { id: 'd3-again', orderId: 'D3' }),
  ev('vehicle.delivered', t('2026-11-19T10:00:00'), { id: 'd4', orderId: 'D4' }),
  ev('callback.attempted', t('2026-11-22T10:00:00'), {
    id: 'c4',
    callbackId: 'K4',
    kind: 'sales',
    subjectId: 'D4',
    outcome: 'reached',
  }),
  ev('vehicle.delivered', t('2026-11-18T10:00:00'), { id: 'd5', orderId: 'D5' }),
  ev('callback.attempted', t('2026-11-21T10:00:01'), {
    id: 'c5',
    callbackId: 'K5',
    kind: 'sales',
    subjectId: 'D5',
    outcome: 'reached',
  }),
  ev('vehicle.delivered', t('2026-11-21T15:00:00'), { id: 'd6', orderId: 'D6' }),
  ev('callback.attempted', t('2026-11-21T14:00:00'), {
    id: 'c6',
    callbackId: 'K6',
    kind: 'sales',
    subjectId: 'D6',
    outcome: 'reached',
  }),
  ev('vehicle.delivered', t('2026-10-31T23:30:00'), { id: 'd7', orderId: 'D7' }),
  ev('callback.attempted', t('2026-11-01T09:00:00'), {
    id: 'c7',
    callbackId: 'K7',
    kind: 'sales',
    subjectId: 'D7',
    outcome: 'reached',
  }),
  ev('callback.attempted', t('2026-11-22T12:00:00'), {
    id: 'c8',
    callbackId: 'K8',
    kind: 'sales',
    subjectId: 'D8',
    outcome: 'reached',
  }),
  ev('vehicle.delivered', t('2026-11-22T09:00:00'), { id: 'd8', orderId: 'D8' }),
  // Service callbacks
  ev('repair.closed', t('2026-11-23T11:00:00'), { id: 'r1c', roId: 'R1', amount: 880 }),
  ev('callback.attempted', t('2026-11-23T12:00:00'), {
    id: 'c9',
    callbackId: 'K9',
    kind: 'service',
    subjectId: 'R1',
    outcome: 'reached',
    satisfied: true,
  }),
  ev('callback.attempted', t('2026-11-23T12:30:00'), {
    id: 'c10',
    callbackId: 'K10',
    kind: 'sales',
    subjectId: 'R1',
    outcome: 'reached',
  }),
  ev('repair.closed', t('2026-11-10T10:00:00'), { id: 'r2c', roId: 'R2', amount: 0 }),
  // Appointments
  ev('repair.opened', t('2026-11-23T09:00:00'), { id: 'oa', roId: 'RO-A', appointmentId: 'AP-A' }),
  ev('repair.opened', t('2026-11-23T10:00:00'), { id: 'ob', roId: 'RO-B' }),
  ev('repair.opened', t('2026-11-05T10:00:00'), { id: 'oc1', roId: 'RO-C' }),
  ev('repair.opened', t('2026-11-05T09:00:00'), { id: 'oc2', roId: 'RO-C', appointmentId: 'AP-C' }),
  ev('repair.opened', t('2026-11-22T23:59:59'), { id: 'od', roId: 'RO-D', appointmentId: 'AP-D' }),
  // Complaints
  ev('complaint.opened', t('2026-11-23T08:00:00'), {
    id: 'p1',
    complaintId: 'C1',
    channel: 'phone',
    category: 'service',
    severity: 'high',
  }),
  ev('complaint.opened', t('2026-11-23T13:00:00'), {
    id: 'p2',
    complaintId: 'C2',
    channel: 'wechat',
    category: 'sales',
    severity: 'low',
  }),
  ev('complaint.responded', t('2026-11-23T13:30:00'), { id: 'p2r', complaintId: 'C2' }),
  ev('complaint.opened', t('2026-11-20T10:00:00'), {
    id: 'p3',
    complaintId: 'C3',
    channel: 'walk_in',
    category: 'parts',
    severity: 'medium',
  }),
  ev('complaint.responded', t('2026-11-20T12:00:00'), { id: 'p3r', complaintId: 'C3' }),
  ev('complaint.resolved', t('2026-11-23T08:00:00'), { id: 'p4x', complaintId: 'C4' }),
  ev('complaint.opened', t('2026-11-22T10:00:00'), {
    id: 'p4',
    complaintId: 'C4',
    channel: 'survey',
    category: 'staff',
    severity: 'medium',
  }),
  ev('complaint.opened', t('2026-11-02T10:00:00'), {
    id: 'p5',
    complaintId: 'C5',
    channel: 'phone',
    category: 'other',
    severity: 'low',
  }),
  ev('complaint.resolved', t('2026-11-04T10:00:00'), { id: 'p5x', complaintId: 'C5' }),
  ev('complaint.resolved', t('2026-11-23T09:00:00'), { id: 'p6x', complaintId: 'C6' }),
  // Spend
  ev('spend.recorded', t('2026-11-05T10:00:00'), { id: 's1', spendId: 'S1', budgetId: 'B1', amount: 30000 }),
  ev('spend.recorded', t('2026-11-10T10:00:00'), { id: 's2', spendId: 'S2', budgetId: 'B1', amount: 20000 }),
  ev('spend.recorded', t('2026-11-11T10:00:00'), { id: 's2-fix', spendId: 'S2', budgetId: 'B1', amount: 25000 }),
  ev('spend.recorded', t('2026-11-20T10:00:00'), { id: 's3', spendId: 'S3', budgetId: 'B1', amount: 30000 }),
  ev('spend.recorded', t('2026-11-15T10:00:00'), { id: 's4', spendId: 'S4', budgetId: 'B2', amount: 50000 }),
  ev('spend.recorded', t('2026-11-21T10:00:00'), { id: 's5', spendId: 'S5', budgetId: 'BX', amount: 1234.56 }),
  ev('spend.recorded', t('2026-10-30T10:00:00'), { id: 's6', spendId: 'S6', budgetId: 'BY', amount: 999 }),
  ev('spend.recorded', t('2026-11-02T10:00:00'), { id: 's7', spendId: 'S7', budgetId: 'B3', amount: 500 }),
  // A store on the US west coast: its day and month start at its own midnight (PDT until 1 Nov 02:00).
  ev('repair.opened', '2026-11-22T09:00:00Z', { id: 'x1', store: 'LA01', roId: 'X1', appointmentId: 'AX1' }),
  ev('repair.opened', '2026-11-01T07:30:00Z', { id: 'x2', store: 'LA01', roId: 'X2' }),
  ev('repair.opened', '2026-11-01T06:30:00Z', { id: 'x3', store: 'LA01', roId: 'X3', appointmentId: 'AX3' }),
];

export const scenarioBudgets = [
  { budgetId: 'B1', store: 'HZ01', name: '线上投放', month: '2026-11', amount: 100000, warnAt: 0.8 },
  { budgetId: 'B2', store: 'HZ01', name: '车展活动', month: '2026-11', amount: 50000, warnAt: 0.9 },
  { budgetId: 'B3', store: 'HZ01', name: '十月店头物料', month: '2026-10', amount: 8000, warnAt: 0.8 },
];
