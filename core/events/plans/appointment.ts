/**
 * Workshop appointments (预约): the latest booking gives the time; a cancellation after it removes
 * it, a booking after the cancellation books it again.
 */
import { EVENT_SCHEMAS } from '../../../domain/events.js';
import type { StoreKeys } from '../../redis/keys.js';
import { eventScript, type EventPlans } from '../event-plan.js';

const script = eventScript('pulseAppointment', new URL('./appointment.lua', import.meta.url), '---ttzzh');
export const appointmentScripts = [script];

const keys = (_: unknown, k: StoreKeys) => {
  const a = k.appointments;
  return [a.bookings, a.cancelled, a.seenOnRepair, a.scheduled, a.shown, a.cancellations];
};

export const appointmentPlans: EventPlans<'appointment.booked' | 'appointment.cancelled'> = {
  'appointment.booked': {
    schema: EVENT_SCHEMAS['appointment.booked'],
    script,
    keys,
    args: (e, c) => [e.appointmentId, 'booked', c.at, e.id, String(Date.parse(e.scheduledFor))],
  },
  'appointment.cancelled': {
    schema: EVENT_SCHEMAS['appointment.cancelled'],
    script,
    keys,
    args: (e, c) => [e.appointmentId, 'cancelled', c.at, e.id, ''],
  },
};
