/** Orders (订单): counted once as the latest signing has it, not at all once cancelled. */
import { EVENT_SCHEMAS, toFen } from '../../../domain/events.js';
import type { StoreKeys } from '../../redis/keys.js';
import { eventScript, type EventPlans } from '../event-plan.js';

const script = eventScript('pulseOrder', new URL('./order.lua', import.meta.url), '---tz');
export const orderScripts = [script];

const keys = (_: unknown, k: StoreKeys) => [k.orders.records, k.orders.cancelled, k.orders.live];

export const orderPlans: EventPlans<'order.signed' | 'order.cancelled'> = {
  'order.signed': {
    schema: EVENT_SCHEMAS['order.signed'],
    script,
    keys,
    args: (e, c) => [e.orderId, 'signed', c.at, e.id, String(toFen(e.amount)), e.campaignId ?? ''],
  },
  'order.cancelled': {
    schema: EVENT_SCHEMAS['order.cancelled'],
    script,
    keys,
    args: (e, c) => [e.orderId, 'cancelled', c.at, e.id, '', ''],
  },
};
