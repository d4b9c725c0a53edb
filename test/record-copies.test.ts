/**
 * Which copy of a record stands when the same appointment is booked twice, or the same order
 * signed twice, in any order of arrival: the latest booking (a reschedule), the latest signing.
 * On the real event scripts and the test run's redis-server; the expected scores are the events'
 * own times, worked out here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../domain/events.js';
import { planEvent, queuePlan } from '../core/events/scripts.js';
import { storeKeys } from '../core/redis/keys.js';
import { ev } from './support/events.js';
import { applyDeps } from './support/stack.js';

const deps = applyDeps('copies');
afterAll(() => deps.close());

const T0 = Date.parse('2026-11-20T10:00:00+08:00');
const t = (hours: number) => new Date(T0 + hours * 3600_000).toISOString();
const ms = (iso: string) => Date.parse(iso);

async function apply(events: PulseEvent[]): Promise<void> {
  for (const e of events) {
    const p = deps.redis.pipeline();
    queuePlan(p, planEvent(e, deps.config.prefix, deps.config));
    await p.exec();
  }
}

/** Both orders of two events, and each with the first sent again at the end. */
const orders = <T>(a: T, b: T): [string, T[]][] => [
  ['in order', [a, b]],
  ['reversed', [b, a]],
  ['in order, the first again', [a, b, a]],
  ['reversed, the second again', [b, a, b]],
];

describe('a record booked or signed twice', () => {
  const booked = (store: string) => ({
    first: ev('appointment.booked', t(0), { store, appointmentId: 'A', scheduledFor: t(20) }),
    reschedule: ev('appointment.booked', t(1), { store, appointmentId: 'A', scheduledFor: t(30) }),
  });
  it.each(orders('first', 'reschedule').map(([name, seq], i) => [name, seq, `AP${i}`] as const))(
    'the latest booking stands: %s',
    async (_name, seq, store) => {
      const b = booked(store);
      await apply(seq.map((k) => b[k as 'first' | 'reschedule']));
      const keys = storeKeys(deps.config.prefix, store).appointments;
      expect(Number(await deps.redis.zscore(keys.scheduled, 'A'))).toBe(ms(t(30)));
      expect(await deps.redis.zcard(keys.scheduled)).toBe(1);
    },
  );

  const signed = (store: string) => ({
    first: ev('order.signed', t(1), { store, orderId: 'O', model: '汉', amount: 190_000 }),
    later: ev('order.signed', t(2), { store, orderId: 'O', model: '汉', amount: 200_000 }),
  });
  it.each(orders('first', 'later').map(([name, seq], i) => [name, seq, `OR${i}`] as const))(
    'the latest signing stands: %s',
    async (_name, seq, store) => {
      const s = signed(store);
      await apply(seq.map((k) => s[k as 'first' | 'later']));
      const keys = storeKeys(deps.config.prefix, store).orders;
      expect(Number(await deps.redis.zscore(keys.live, 'O'))).toBe(ms(t(2)));
      expect((await deps.redis.hget(keys.records, 'O'))?.split('|')[2]).toBe(String(200_000 * 100));
    },
  );
});
