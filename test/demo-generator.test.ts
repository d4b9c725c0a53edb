/**
 * The demo generator is pure: these tests need no Redis. A whole past month is generated for every
 * store and checked against the event API's own validation and the volumes a 4S store really has.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH, validateBody, type EventOf, type PulseEvent } from '../domain/events.js';
import { STORES, budgetIdOf } from '../server/demo/dealership.js';
import { DELIVERY_LAG_DAYS, VOLUMES, generateStoreEvents } from '../server/demo/generate.js';

const SEED = 20261123;
const HOUR = 3_600_000;
const month = DateTime.fromISO('2026-10-01T00:00:00', { zone: 'Asia/Shanghai' });
const from = month.toMillis();
const to = month.plus({ months: 1 }).toMillis();

const ofType = <T extends PulseEvent['type']>(events: PulseEvent[], type: T) =>
  events.filter((e): e is EventOf<T> => e.type === type);
const localDay = (e: PulseEvent, zone: string) => DateTime.fromISO(e.at, { zone }).toFormat('yyyy-LL-dd');
const share = (part: number, whole: number) => part / whole;

/** Spend per budget as the KPI counts it: per spendId the latest record stands. */
function spentByBudget(events: PulseEvent[]): Map<string, number> {
  const latest = new Map<string, EventOf<'spend.recorded'>>();
  for (const e of ofType(events, 'spend.recorded')) {
    const prev = latest.get(e.spendId);
    if (!prev || Date.parse(e.at) > Date.parse(prev.at) || (e.at === prev.at && e.id > prev.id)) latest.set(e.spendId, e);
  }
  const spent = new Map<string, number>();
  for (const e of latest.values()) spent.set(e.budgetId, (spent.get(e.budgetId) ?? 0) + e.amount);
  return spent;
}

describe.each(STORES.map((s) => [s.code, s] as const))('demo month of %s', (_code, store) => {
  const events = generateStoreEvents(store, { seed: SEED, from, to, now: to });
  const zone = store.timezone;
  const days = Array.from({ length: month.daysInMonth ?? 31 }, (_, i) => month.plus({ days: i }).toFormat('yyyy-LL-dd'));

  it('passes the API validation, event by event', () => {
    expect(events.length).toBeGreaterThan(5000);
    for (let i = 0; i < events.length; i += MAX_BATCH) {
      const { issues } = validateBody({ events: events.slice(i, i + MAX_BATCH) }, to);
      expect(issues).toEqual([]);
    }
  });

  it('has unique ids, all in the range and none in the future', () => {
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (const e of events) {
      const at = Date.parse(e.at);
      expect(at >= from && at < to, `${e.id} at ${e.at}`).toBe(true);
    }
  });

  it('is the same for the same seed, and a range split in two is the whole', () => {
    const mid = month.plus({ days: 12, hours: 15, minutes: 7 }).toMillis();
    const halves = [
      ...generateStoreEvents(store, { seed: SEED, from, to: mid, now: to }),
      ...generateStoreEvents(store, { seed: SEED, from: mid, to, now: to }),
    ];
    expect(halves).toEqual(events);
    expect(generateStoreEvents(store, { seed: SEED + 1, from, to, now: to })).not.toEqual(events);
  });

  it.each([
    ['showroom.visit', VOLUMES.visits],
    ['lead.created', VOLUMES.leads],
    ['testdrive.completed', VOLUMES.testDrives],
    ['order.signed', VOLUMES.orders],
    ['vehicle.delivered', VOLUMES.deliveries],
    ['repair.opened', VOLUMES.repairs],
  ] as const)('has a plausible number of %s every day', (type, [lo, hi]) => {
    const perDay = new Map(days.map((d) => [d, 0]));
    for (const e of ofType(events, type)) perDay.set(localDay(e, zone), (perDay.get(localDay(e, zone)) ?? 0) + 1);
    for (const [day, n] of perDay) expect(n, `${type} on ${day}`).toSatisfy((v: number) => v >= lo && v <= hi);
  });

  it('keeps the shares of a real store', () => {
    const visits = ofType(events, 'showroom.visit');
    expect(share(visits.filter((v) => v.firstVisit).length, visits.length)).toBeCloseTo(0.6, 1);
    const opened = ofType(events, 'repair.opened');
    const booked = share(opened.filter((r) => r.appointmentId).length, opened.length);
    expect(booked).toBeGreaterThanOrEqual(0.4);
    expect(booked).toBeLessThanOrEqual(0.65);
    const complaints = share(ofType(events, 'complaint.opened').length, opened.length);
    expect(complaints).toBeGreaterThanOrEqual(0.02);
    expect(complaints).toBeLessThanOrEqual(0.05);
    const calls = ofType(events, 'callback.attempted');
    expect(share(calls.filter((c) => c.outcome === 'reached').length, calls.length)).toBeCloseTo(0.8, 1);
  });

  it('delivers orders signed a week before and never cancelled ones', () => {
    const signed = new Map(ofType(events, 'order.signed').map((o) => [o.orderId, o]));
    const cancelled = new Set(ofType(events, 'order.cancelled').map((o) => o.orderId));
    expect(cancelled.size).toBeGreaterThan(0);
    for (const d of ofType(events, 'vehicle.delivered')) {
      expect(cancelled.has(d.orderId)).toBe(false);
      const order = signed.get(d.orderId);
      // Orders of the previous month's last week are delivered in this one.
      if (order) expect(Date.parse(d.at) - Date.parse(order.at)).toBeGreaterThan((DELIVERY_LAG_DAYS - 1) * 24 * HOUR);
    }
  });

  it('leaves some callbacks missed and some complaints late, as in life', () => {
    const reached = new Map<string, number>();
    for (const c of ofType(events, 'callback.attempted')) {
      if (c.outcome === 'reached') reached.set(c.subjectId, Math.min(reached.get(c.subjectId) ?? Infinity, Date.parse(c.at)));
    }
    const subjects = [
      ...ofType(events, 'vehicle.delivered').map((d) => [d.orderId, Date.parse(d.at)] as const),
      ...ofType(events, 'repair.closed').map((r) => [r.roId, Date.parse(r.at)] as const),
    ];
    const met = subjects.filter(([id, at]) => (reached.get(id) ?? Infinity) - at <= 72 * HOUR).length;
    expect(share(met, subjects.length)).toBeGreaterThan(0.8);
    expect(met).toBeLessThan(subjects.length);

    const resolved = new Map(ofType(events, 'complaint.resolved').map((c) => [c.complaintId, Date.parse(c.at)]));
    const hours = ofType(events, 'complaint.opened').map((c) => ((resolved.get(c.complaintId) ?? to) - Date.parse(c.at)) / HOUR);
    expect(hours.filter((h) => h > 72).length).toBeGreaterThan(0);
    expect(hours.filter((h) => h <= 72).length).toBeGreaterThan(hours.length / 2);
  });
});

describe('the demo clock', () => {
  it('dates nothing after now, even when asked for a later range', () => {
    const now = DateTime.fromISO('2026-11-23T14:05:00', { zone: 'Asia/Shanghai' }).toMillis();
    for (const store of STORES) {
      const events = generateStoreEvents(store, { seed: SEED, from: now - 72 * HOUR, to: now + 7 * 24 * HOUR, now });
      expect(events.length).toBeGreaterThan(500);
      expect(events.filter((e) => Date.parse(e.at) > now)).toEqual([]);
      expect(validateBody({ events: events.slice(0, MAX_BATCH) }, now).issues).toEqual([]);
    }
  });
});

describe('demo budgets', () => {
  // A demo started on 23 November 2026 at 10:00, looked at eight hours later.
  const demoStart = DateTime.fromISO('2026-11-23T10:00:00', { zone: 'Asia/Shanghai' }).toMillis();
  const monthStart = DateTime.fromMillis(demoStart, { zone: 'Asia/Shanghai' }).startOf('month').toMillis();
  const ratioAt = (code: string, key: 'online' | 'video', at: number) => {
    const store = STORES.find((s) => s.code === code)!;
    const budget = store.budgets.find((b) => b.key === key)!;
    const events = generateStoreEvents(store, { seed: SEED, from: monthStart, to: at + 1, now: at, demoStart });
    return (spentByBudget(events).get(budgetIdOf(code, '2026-11', key)) ?? 0) / budget.amount;
  };

  it('brings one budget over its warn level and trips another within hours of the start', () => {
    expect(ratioAt('HZ01', 'video', demoStart)).toBeLessThan(0.8);
    expect(ratioAt('HZ01', 'video', demoStart + 18 * HOUR)).toBeGreaterThanOrEqual(0.8);
    expect(ratioAt('HZ01', 'video', demoStart + 60 * HOUR)).toBeLessThan(1);
    expect(ratioAt('SH01', 'online', demoStart)).toBeLessThan(1);
    expect(ratioAt('SH01', 'online', demoStart + 12 * HOUR)).toBeGreaterThanOrEqual(1);
    expect(ratioAt('SH01', 'online', demoStart + 200 * HOUR)).toBeLessThan(1.1);
  });

  it('keeps the other budgets below their warn level', () => {
    const end = DateTime.fromMillis(monthStart, { zone: 'Asia/Shanghai' }).plus({ months: 1 }).toMillis() - 1;
    for (const store of STORES) {
      const spent = spentByBudget(generateStoreEvents(store, { seed: SEED, from: monthStart, to: end, now: end, demoStart }));
      for (const b of store.budgets.filter((x) => !x.script)) {
        expect(spent.get(budgetIdOf(store.code, '2026-11', b.key)) ?? 0).toBeLessThan(b.amount * b.warnAt);
      }
    }
  });
});
