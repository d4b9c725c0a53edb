/** Events counted once each: showroom visits (first visits flagged) and test drives. */
import { EVENT_SCHEMAS } from '../../../domain/events.js';
import { eventScript, type EventPlans } from '../event-plan.js';

const script = eventScript('pulseCounted', new URL('./counted.lua', import.meta.url), '---z');
export const countedScripts = [script];

export const countedPlans: EventPlans<'showroom.visit' | 'testdrive.completed'> = {
  'showroom.visit': {
    schema: EVENT_SCHEMAS['showroom.visit'],
    script,
    keys: (_, k) => [k.visits, k.firstVisits],
    args: (e, c) => [c.at, e.firstVisit ? '1' : '0'],
  },
  'testdrive.completed': {
    schema: EVENT_SCHEMAS['testdrive.completed'],
    script,
    // Never flagged: the one set twice.
    keys: (_, k) => [k.testDrives, k.testDrives],
    args: (_, c) => [c.at, '0'],
  },
};
