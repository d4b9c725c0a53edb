/** Promotional material (物料): the stock is the sum of the movements. */
import { EVENT_SCHEMAS, MAX_EXACT_SUM } from '../../../domain/events.js';
import { eventScript, type EventPlans } from '../event-plan.js';

const script = eventScript('pulseMaterial', new URL('./material.lua', import.meta.url), '---z');
export const materialScripts = [script];

export const materialPlans: EventPlans<'material.moved'> = {
  'material.moved': {
    schema: EVENT_SCHEMAS['material.moved'],
    script,
    keys: (_, k) => [k.materials.stock, k.materials.moves],
    args: (e, c) => [e.itemId, String(e.quantity), String(MAX_EXACT_SUM), c.at],
  },
};
