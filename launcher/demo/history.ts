/**
 * Customers of earlier years (老客户) for customer value (客户价值): each bought a car or had one
 * serviced at the store 200 to 700 days ago. Only those events (order.signed, repair.closed) are
 * generated, and the demo sends them once with the back-fill: a month of live history cannot hold a
 * customer who has not been seen for half a year. Those who do not come back this month are the
 * ones likely to churn (易流失); those who do (a visit, a service) are stable again.
 */
import { DateTime } from 'luxon';
import type { PulseEvent } from '../../domain/events.js';
import {
  HISTORY_CUSTOMERS,
  MODEL_WEIGHTS,
  customerOf,
  historyCustomerId,
  priceRangeOf,
  type StoreProfile,
} from './dealership.js';
import { between, chance, intBetween, rngFor, toYuan2, weighted, type Rng } from './random.js';
import { MINUTE, Sink, hm } from './timeline.js';

/** Whole days before today (local) that the history spans: always 200–700 days before `now`. */
export const HISTORY_DAYS = [201, 699] as const;

/** A service bill as the workshop's: mostly maintenance, now and then a bigger repair. */
const serviceAmount = (rng: Rng): number => toYuan2(chance(rng, 0.6) ? between(rng, 300, 1500) : 1500 + 6500 * rng() ** 2);

/** The store's customers of earlier years, with their orders and services, dated 200–700 days before `now`. */
export function generateHistory(store: StoreProfile, seed: number, now: number): PulseEvent[] {
  const sink = new Sink(store);
  const today = DateTime.fromMillis(now, { zone: store.timezone }).startOf('day');
  const [oldest, latest] = [HISTORY_DAYS[1], HISTORY_DAYS[0]];
  for (let n = 1; n <= HISTORY_CUSTOMERS; n++) {
    const customer = customerOf(seed, historyCustomerId(store.code, n));
    const rng = rngFor(seed, customer.id, 'history');
    const tag = String(n).padStart(3, '0');
    const at = (daysAgo: number) => today.minus({ days: daysAgo }).toMillis() + between(rng, hm(9), hm(18)) * MINUTE;
    let daysAgo = intBetween(rng, latest, oldest);
    const bought = chance(rng, 0.35);
    if (bought) {
      // Bought a car here (新车客户); the first service comes three to six months later.
      const orderId = `${store.code}-ho-${tag}`;
      const model = weighted(rng, MODEL_WEIGHTS);
      const [lo, hi] = priceRangeOf(model);
      const amount = Math.round(between(rng, lo, hi) / 100) * 100;
      sink.add(at(daysAgo), { id: `${orderId}.signed`, type: 'order.signed', orderId, model, amount, customer });
      daysAgo -= intBetween(rng, 90, 180);
    }
    // Then serviced here up to twice; a car bought elsewhere or long ago up to three times (保有客户).
    for (let j = 1; daysAgo >= latest && j <= (bought ? 2 : 3); j++) {
      const roId = `${store.code}-hr-${tag}-${j}`;
      sink.add(at(daysAgo), { id: `${roId}.closed`, type: 'repair.closed', roId, amount: serviceAmount(rng), customer });
      daysAgo -= intBetween(rng, 120, 200);
    }
  }
  return sink.events(-Infinity, now + 1);
}
