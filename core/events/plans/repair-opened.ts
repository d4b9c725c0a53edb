/** Repairs opened (进厂): one per roId, booked when any of its events names an appointment. */
import { EVENT_SCHEMAS } from '../../../domain/events.js';
import { eventScript, type EventPlans } from '../event-plan.js';

const script = eventScript('pulseRepairOpened', new URL('./repair-opened.lua', import.meta.url), '---z---tz');
export const repairOpenedScripts = [script];

export const repairOpenedPlans: EventPlans<'repair.opened'> = {
  'repair.opened': {
    schema: EVENT_SCHEMAS['repair.opened'],
    script,
    keys: (_, k) => {
      const r = k.repairs;
      const a = k.appointments;
      return [r.openedByTime, r.booked, r.bookedIds, a.bookings, a.cancelled, a.seenOnRepair, a.shown];
    },
    args: (e, c) => [e.roId, c.at, e.appointmentId ?? ''],
  },
};
