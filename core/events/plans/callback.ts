/**
 * Callbacks (回访): a delivery or a closed repair is a subject with a deadline, met by a reached
 * call within it (domain/callbacks.ts). Calls that did not reach the customer are logged only.
 */
import { EVENT_SCHEMAS } from '../../../domain/events.js';
import type { CallbackKind } from '../../../domain/callbacks.js';
import type { StoreKeys } from '../../redis/keys.js';
import { eventScript, type EventPlans, type PlanContext } from '../event-plan.js';
import { logOnlyScript } from './log-only.js';
import { LATE_AFTER_MS } from '../../../domain/revisions.js';

const subjectScript = eventScript('pulseCallbackSubject', new URL('./callback-subject.lua', import.meta.url), '---z-h');
const reachedScript = eventScript('pulseCallbackReached', new URL('./callback-reached.lua', import.meta.url), '---z--');
export const callbackScripts = [subjectScript, reachedScript];

const keys = (k: StoreKeys, kind: CallbackKind) => {
  const c = k.callback(kind);
  return [c.subjectsByTime, c.met, c.reached, c.subjectEvent];
};
/**
 * `policy` says which copy of a subject dates it: a delivery is one record per orderId whose
 * latest copy stands (kpis-operations.md, "Precision and readings"); a repair closes at its earliest.
 */
const args = (kind: CallbackKind, subjectId: string, c: PlanContext, policy: 'first' | 'last' = 'first') => [
  subjectId,
  c.at,
  String(c.deadlines.callbackDeadlineMs[kind]),
  policy,
];

export const callbackPlans: EventPlans<'vehicle.delivered' | 'repair.closed' | 'callback.attempted'> = {
  'vehicle.delivered': {
    schema: EVENT_SCHEMAS['vehicle.delivered'],
    script: subjectScript,
    keys: (_, k) => keys(k, 'sales'),
    args: (e, c) => args('sales', e.orderId, c, 'last'),
  },
  'repair.closed': {
    schema: EVENT_SCHEMAS['repair.closed'],
    script: subjectScript,
    keys: (_, k) => keys(k, 'service'),
    args: (e, c) => args('service', e.roId, c),
  },
  'callback.attempted': {
    schema: EVENT_SCHEMAS['callback.attempted'],
    script: (e) => (e.outcome === 'reached' ? reachedScript : logOnlyScript),
    keys: (e, k) => (e.outcome === 'reached' ? keys(k, e.kind) : []),
    // A reached call: subject, time, deadline, and how late an arrival must be to revise a report.
    args: (e, c) =>
      e.outcome === 'reached' ? [e.subjectId, c.at, String(c.deadlines.callbackDeadlineMs[e.kind]), String(LATE_AFTER_MS)] : [],
  },
};
