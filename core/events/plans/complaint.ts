/** Complaints (投诉): one state per complaintId, kept at its next deadline (domain/complaints.ts). */
import { complaintDeadlineArgs } from '../../../domain/complaints.js';
import { EVENT_SCHEMAS, type EventOf } from '../../../domain/events.js';
import type { StoreKeys } from '../../redis/keys.js';
import { eventScript, type EventPlan, type EventPlans, type PlanContext } from '../event-plan.js';

const script = eventScript('pulseComplaint', new URL('./complaint.lua', import.meta.url), '---zzzzzzz');
export const complaintScripts = [script];

type ComplaintType = 'complaint.opened' | 'complaint.responded' | 'complaint.resolved';

const keys = (_: unknown, k: StoreKeys) => {
  const c = k.complaints;
  return [c.state, c.opened, c.resolved, c.open, c.due, c.closed, c.overdueFrom, c.overdueUntil];
};

/** The same script for the three phases: the phase and, for an opening, the severity. */
const phase = <T extends ComplaintType>(type: T, name: string): EventPlan<T> => ({
  schema: EVENT_SCHEMAS[type],
  script,
  keys,
  args: (e: EventOf<ComplaintType>, c: PlanContext) => [
    e.complaintId,
    name,
    c.at,
    e.id,
    e.type === 'complaint.opened' ? e.severity : '',
    ...complaintDeadlineArgs(c.deadlines.complaintDeadlinesMs),
  ],
});

export const complaintPlans: EventPlans<ComplaintType> = {
  'complaint.opened': phase('complaint.opened', 'opened'),
  'complaint.responded': phase('complaint.responded', 'responded'),
  'complaint.resolved': phase('complaint.resolved', 'resolved'),
};
