/**
 * The demo generator is pure: these tests need no Redis. A whole past month is generated for every
 * store and checked against the event API's own validation and the volumes a 4S store really has.
 */
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { coopCounts, coopFigure, type CoopLedger } from '../domain/coop.js';
import { MAX_BATCH, validateBody, type EventOf, type PulseEvent } from '../domain/events.js';
import { screenSettings } from '../domain/screens.js';
import { budgetSettings, materialSettings, targetSettings } from '../domain/settings.js';
import { MATERIALS, STORES, budgetIdOf, itemIdOf } from '../launcher/demo/dealership.js';
import { COOP_REACH_MONTHS } from '../launcher/demo/coop.js';
import { DELIVERY_LAG_DAYS, VOLUMES, generateStoreEvents } from '../launcher/demo/generate.js';
import { heldBackForRevision, historyMonths, historySpan, type HistoryMonth } from '../launcher/demo/history-backfill.js';
import { livePlan, monthBackfill } from '../launcher/demo/month-backfill.js';
import { DEMO_SHARE, budgetIn, readByReports } from '../launcher/demo/plan-sample.js';
import { volumeLevel, weekFactor } from '../launcher/demo/season.js';
import { budgetCalls, materialCalls, screenCalls, targetCall } from '../launcher/demo/setup.js';

const SEED = 20261123;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const month = DateTime.fromISO('2026-10-01T00:00:00', { zone: 'Asia/Shanghai' });
const from = month.toMillis();
const to = month.plus({ months: 1 }).toMillis();

const ofType = <T extends PulseEvent['type']>(events: PulseEvent[], type: T) =>
  events.filter((e): e is EventOf<T> => e.type === type);
const localDay = (e: PulseEvent, zone: string) => DateTime.fromISO(e.at, { zone }).toFormat('yyyy-LL-dd');
const share = (part: number, whole: number) => part / whole;

/** The whole month of a store as the demo back-fills it: started at the beginning of the month, stock counted then. */
const monthCache = new Map<string, PulseEvent[]>();
function monthOf(store: (typeof STORES)[number]): PulseEvent[] {
  let events = monthCache.get(store.code);
  if (!events)
    monthCache.set(store.code, (events = generateStoreEvents(store, { seed: SEED, from, to, now: to, demoStart: from })));
  return events;
}
/** The same month as the demo runs it: its share of the plan (`plan-sample.ts`), as every month of the demo. */
const sampledCache = new Map<string, PulseEvent[]>();
function sampledMonthOf(store: (typeof STORES)[number]): PulseEvent[] {
  let events = sampledCache.get(store.code);
  if (!events)
    sampledCache.set(
      store.code,
      (events = generateStoreEvents(store, { seed: SEED, from, to, now: to, demoStart: from, share: DEMO_SHARE })),
    );
  return events;
}
/** The month up to `now`: the same events as generating it then, since the generator is a function of the range. */
const monthUntil = (store: (typeof STORES)[number], now: number) => monthOf(store).filter((e) => Date.parse(e.at) <= now);

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
  const events = monthOf(store);
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
      ...generateStoreEvents(store, { seed: SEED, from, to: mid, now: to, demoStart: from }),
      ...generateStoreEvents(store, { seed: SEED, from: mid, to, now: to, demoStart: from }),
    ];
    expect(halves).toEqual(events);
    expect(generateStoreEvents(store, { seed: SEED + 1, from, to, now: to, demoStart: from })).not.toEqual(events);
  });

  // The base range scaled by the day's level (October: Golden Week's first seven days sell more).
  const levelOn = (day: string, family: 'sales' | 'service', daysBefore = 0) =>
    volumeLevel(store, SEED, DateTime.fromISO(day, { zone }).minus({ days: daysBefore }))[family];
  it.each([
    ['showroom.visit', VOLUMES.visits, 'sales', 0],
    ['lead.created', VOLUMES.leads, 'sales', 0],
    ['testdrive.completed', VOLUMES.testDrives, 'sales', 0],
    ['order.signed', VOLUMES.orders, 'sales', 0],
    // A day's handovers are the orders of a week before, less those that fell through.
    ['vehicle.delivered', [VOLUMES.orders[0] - 1, VOLUMES.deliveries[1]], 'sales', DELIVERY_LAG_DAYS],
    ['repair.opened', VOLUMES.repairs, 'service', 0],
  ] as const)('has a plausible number of %s every day', (type, [lo, hi], family, lag) => {
    const perDay = new Map(days.map((d) => [d, 0]));
    for (const e of ofType(events, type)) perDay.set(localDay(e, zone), (perDay.get(localDay(e, zone)) ?? 0) + 1);
    for (const [day, n] of perDay) {
      const level = levelOn(day, family, lag);
      expect(level).toBeGreaterThan(0.6);
      expect(level).toBeLessThan(1.6);
      const [min, max] = [Math.round(lo * level) - (lag ? 1 : 0), Math.round(hi * level)];
      expect(n, `${type} on ${day}`).toSatisfy((v: number) => v >= min && v <= max);
    }
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

  it('issues every material as things happen and restocks it a few times a month', () => {
    const moves = ofType(events, 'material.moved');
    for (const item of MATERIALS) {
      const itemId = itemIdOf(store.code, item);
      expect(itemId).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      const own = moves.filter((m) => m.itemId === itemId);
      const issued = own.filter((m) => m.quantity < 0);
      const received = own.filter((m) => m.quantity > 0 && m.id.endsWith('.received'));
      expect(issued.length, itemId).toBeGreaterThan(20);
      expect(received.length, itemId).toBeGreaterThanOrEqual(3);
      expect(received.length, itemId).toBeLessThanOrEqual(4);
      // Counted once, at the start of the month the demo started in.
      expect(own.filter((m) => m.id.endsWith('.opening')).map((m) => m.at)).toEqual([
        month.toISO({ suppressMilliseconds: true }),
      ]);
    }
    expect(moves.every((m) => MATERIALS.some((item) => m.itemId === itemIdOf(store.code, item)))).toBe(true);
    // Issued with what they are for: a test-drive gift with a test drive, a model car at a handover.
    const ids = new Set(events.map((e) => e.id));
    const issuedFor = (key: string) => moves.filter((m) => m.itemId === `${store.code}-${key}` && m.quantity < 0);
    expect(issuedFor('TDGIFT').every((m) => ids.has(m.id.replace(/-TDGIFT\.issued$/, '')))).toBe(true);
    expect(issuedFor('MODELCAR').every((m) => ids.has(m.id.replace(/-MODELCAR\.issued$/, '.delivered')))).toBe(true);
  });

  it('keeps every item in stock, with one or two at or below their reorder level', () => {
    const moves = ofType(events, 'material.moved');
    const stock = new Map<string, number>();
    let next = 0;
    const lowCounts: number[] = [];
    for (const day of days) {
      for (const hour of [9.5, 12, 15, 18, 20]) {
        const at = DateTime.fromISO(day, { zone }).plus({ hours: hour }).toMillis();
        for (; next < moves.length && Date.parse(moves[next]!.at) <= at; next++) {
          const m = moves[next]!;
          const s = (stock.get(m.itemId) ?? 0) + m.quantity;
          // Never out of stock, not even for a moment: the reorder level covers the days to the top-up.
          expect(s, `${m.itemId} after ${m.id}`).toBeGreaterThan(0);
          stock.set(m.itemId, s);
        }
        lowCounts.push(MATERIALS.filter((item) => (stock.get(itemIdOf(store.code, item)) ?? 0) <= item.reorderLevel).length);
      }
    }
    // Sampled five times a day: one or two items low nearly always, never more than three.
    const oneOrTwo = lowCounts.filter((n) => n === 1 || n === 2).length;
    expect(share(oneOrTwo, lowCounts.length)).toBeGreaterThan(0.9);
    expect(Math.max(...lowCounts)).toBeLessThanOrEqual(3);
  });
});

describe('demo stock over a month boundary', () => {
  it('counts stock once: a demo running into the next month restocks it without a second stock-take', () => {
    const store = STORES[0]!;
    const demoStart = month.plus({ days: 27, hours: 10 }).toMillis();
    const until = month.plus({ months: 1, days: 5 }).toMillis();
    const moves = ofType(generateStoreEvents(store, { seed: SEED, from, to: until, now: until, demoStart }), 'material.moved');
    expect(moves.filter((m) => m.id.endsWith('.opening'))).toHaveLength(MATERIALS.length);
    expect(moves.filter((m) => m.quantity > 0 && Date.parse(m.at) >= to).length).toBeGreaterThanOrEqual(4);
    const stock = new Map<string, number>();
    for (const m of moves) stock.set(m.itemId, (stock.get(m.itemId) ?? 0) + m.quantity);
    for (const item of MATERIALS) expect(stock.get(itemIdOf(store.code, item))).toBeGreaterThan(0);
  });
});

describe('demo stocktakes (月末盘点)', () => {
  // A demo started on 20 October 2026 and run to the new year: the books open on 1 October beside
  // September's stocktake, then October, November and December are counted at their close.
  const zone = 'Asia/Shanghai';
  const demoStart = month.plus({ days: 19, hours: 10 }).toMillis();
  const until = DateTime.fromISO('2027-01-01T12:00:00', { zone }).toMillis();
  const closes = ['2026-10-01', '2026-11-01', '2026-12-01', '2027-01-01'];

  it.each(STORES.map((s) => [s.code, s] as const))(
    'counts every item of %s at each month’s close; one or two a month differ from the books by a few units',
    (_c, store) => {
      const events = generateStoreEvents(store, { seed: SEED, from, to: until, now: until, demoStart, share: DEMO_SHARE });
      const counts = ofType(events, 'material.counted');
      const moves = ofType(events, 'material.moved');
      expect(validateBody({ events: counts }, until).issues).toEqual([]);
      let agree = 0;
      for (const close of closes) {
        const at = DateTime.fromISO(close, { zone }).toMillis();
        const own = counts.filter((c) => Date.parse(c.at) === at);
        expect(own.map((c) => c.itemId).sort(), close).toEqual(MATERIALS.map((item) => itemIdOf(store.code, item)).sort());
        // The books at the count: every movement up to and including its moment (the opening among them).
        const off = own.flatMap((c) => {
          const book = moves
            .filter((m) => m.itemId === c.itemId && Date.parse(m.at) <= at)
            .reduce((sum, m) => sum + m.quantity, 0);
          return book === c.counted ? [] : [c.counted - book];
        });
        agree += own.length - off.length;
        expect(off.length, close).toBeGreaterThanOrEqual(1);
        expect(off.length, close).toBeLessThanOrEqual(2);
        for (const d of off) expect(Math.abs(d), close).toBeLessThanOrEqual(3);
      }
      // Four counts of nine items: at most eight off, so at least 28 of 36 agree.
      expect(agree).toBeGreaterThanOrEqual(28);
      // Named after the month closed: the count of 1 November closes October.
      expect(counts.filter((c) => c.at.startsWith('2026-11-01')).every((c) => c.id.endsWith('-202610.counted'))).toBe(true);
    },
  );

  it('leaves stocktakes out of the history, which has no stock', () => {
    expect(readByReports({ id: 'x', type: 'material.counted', itemId: 'HZ01-BROCHURE', counted: 3 })).toBe(false);
  });
});

/** Customer value as kpis-operations.md defines it, from a list of events. */
function segmentCounts(events: PulseEvent[], now: number) {
  const cancelled = new Set(ofType(events, 'order.cancelled').map((e) => e.orderId));
  const value = new Map<string, number>();
  const last = new Map<string, number>();
  for (const e of events) {
    const at = Date.parse(e.at);
    const id = e.customer?.id;
    if (id === undefined || at > now) continue;
    value.set(id, value.get(id) ?? 0);
    if (['order.signed', 'repair.opened', 'repair.closed', 'showroom.visit'].includes(e.type)) {
      last.set(id, Math.max(last.get(id) ?? -Infinity, at));
    }
    if (at < now - 730 * DAY) continue;
    if (e.type === 'order.signed' && !cancelled.has(e.orderId)) value.set(id, value.get(id)! + e.amount);
    if (e.type === 'repair.closed') value.set(id, value.get(id)! + e.amount);
  }
  const positive = [...value.values()].filter((v) => v > 0).sort((a, b) => b - a);
  const cutoff = positive[Math.max(1, Math.floor(positive.length / 5)) - 1]!;
  const counts = { highStable: 0, highChurn: 0, lowStable: 0, lowChurn: 0, none: 0 };
  for (const [id, v] of value) {
    const churn = (last.get(id) ?? -Infinity) < now - 180 * DAY;
    if (v === 0) counts.none++;
    else if (v >= cutoff) counts[churn ? 'highChurn' : 'highStable']++;
    else counts[churn ? 'lowChurn' : 'lowStable']++;
  }
  return counts;
}

describe('demo customers', () => {
  const now = month.plus({ days: 14, hours: 15 }).toMillis();

  it.each(STORES.map((s) => [s.code, s] as const))('brings customers back within the month in %s', (_c, store) => {
    const monthSoFar = monthUntil(store, now);
    // Customers come back within the month: a lead who returns to the showroom, a car back in the workshop.
    const daysSeen = new Map<string, Set<string>>();
    for (const e of monthSoFar) {
      if (!e.customer || !['showroom.visit', 'lead.created', 'repair.opened', 'order.signed'].includes(e.type)) continue;
      const seen = daysSeen.get(e.customer.id) ?? new Set<string>();
      daysSeen.set(e.customer.id, seen.add(localDay(e, store.timezone)));
    }
    expect([...daysSeen.values()].filter((d) => d.size > 1).length).toBeGreaterThan(100);
  });
});

describe('demo configuration', () => {
  it('sets every material of every store with a reorder level', () => {
    for (const store of STORES) {
      const calls = materialCalls(store);
      expect(calls).toHaveLength(MATERIALS.length);
      for (const call of calls) {
        expect(call.path).toMatch(new RegExp(`^/api/v1/materials/${store.code}-[A-Za-z0-9._:-]+$`));
        expect(materialSettings.safeParse(call.body).success).toBe(true);
      }
    }
  });

  it('sets targets that most stores keep pace with, and one store falls behind on deliveries', () => {
    const mid = month.plus({ days: 15, hours: 12 }).toMillis();
    const elapsed = (mid - from) / (to - from);
    const behind: string[] = [];
    for (const store of STORES) {
      const call = targetCall(store, SEED, '2026-10');
      expect(call.path).toBe(`/api/v1/targets/${store.code}/2026-10`);
      expect(targetSettings.safeParse(call.body).success).toBe(true);
      const target = call.body;
      // Set from the month as the demo runs it, at its share of the plan.
      const events = sampledMonthOf(store).filter((e) => Date.parse(e.at) <= mid);
      const cancelled = new Set(ofType(events, 'order.cancelled').map((e) => e.orderId));
      const actual = {
        orders: ofType(events, 'order.signed').filter((e) => !cancelled.has(e.orderId)).length,
        deliveries: ofType(events, 'vehicle.delivered').length,
        leads: ofType(events, 'lead.created').length,
      };
      for (const key of ['orders', 'deliveries', 'leads'] as const) {
        const pace = actual[key] / (target[key] * elapsed);
        expect(pace, `${store.code} ${key}`).toBeGreaterThan(key === 'deliveries' ? 0.6 : 0.9);
        // Golden Week front-loads October, and at some 45 cars a month the round fives are up to 6 % off.
        expect(pace, `${store.code} ${key}`).toBeLessThan(1.4);
        if (pace < 0.85) behind.push(`${store.code} ${key}`);
      }
    }
    expect(behind).toEqual(['NJ01 deliveries']);
  });

  it('sets the showroom TV and a store screen', () => {
    const calls = screenCalls();
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/screens/lobby', '/api/v1/screens/hz01']);
    for (const call of calls) expect(screenSettings.safeParse(call.body).success).toBe(true);
    expect(calls[0]!.body).toEqual({
      title: '展厅大屏',
      items: [
        { page: 'overview', store: '*', seconds: 20 },
        { page: 'sales', store: 'HZ01', seconds: 15 },
        { page: 'service', store: 'HZ01', seconds: 15 },
        { page: 'marketing', store: '*', seconds: 15 },
        { page: 'value', store: 'HZ01', seconds: 15 },
      ],
    });
    expect(calls[1]!.body.items.every((i) => i.store === 'HZ01')).toBe(true);
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
    // The budget as the demo sets it up, at its share of the plan's amount: HZ01 短视频 ¥12,000, SH01 线上 ¥44,000.
    const budget = budgetIn(
      store.budgets.find((b) => b.key === key)!,
      DEMO_SHARE,
    );
    const events = generateStoreEvents(store, {
      seed: SEED,
      from: monthStart,
      to: at + 1,
      now: at,
      demoStart,
      share: DEMO_SHARE,
    });
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
      const spent = spentByBudget(
        generateStoreEvents(store, { seed: SEED, from: monthStart, to: end, now: end, demoStart, share: DEMO_SHARE }),
      );
      for (const b of store.budgets.filter((x) => !x.script).map((x) => budgetIn(x, DEMO_SHARE))) {
        expect(spent.get(budgetIdOf(store.code, '2026-11', b.key)) ?? 0).toBeLessThan(b.amount * b.warnAt);
      }
    }
  });
});

describe('demo history: two years before the month the demo starts in', () => {
  // A demo started on 3 December 2026: the history is December 2024 to November 2026.
  const demoStart = DateTime.fromISO('2026-12-03T10:00:00', { zone: 'Asia/Shanghai' }).toMillis();
  const months = historyMonths(STORES[0]!, demoStart);
  const historyCache = new Map<string, HistoryMonth[]>();
  /** Every month of a store's history, the latest first, planned a quarter at a time as the feed does. */
  function historyOf(store: (typeof STORES)[number]): HistoryMonth[] {
    let found = historyCache.get(store.code);
    if (!found) {
      found = [];
      for (let i = 0; i < months.length; i += 3) found.push(...historySpan(store, SEED, months.slice(i, i + 3)));
      historyCache.set(store.code, found);
    }
    return found;
  }
  // Two years of four stores take a few seconds to plan (more on a busy machine): once, before the tests.
  beforeAll(() => STORES.forEach(historyOf), 240_000);
  const count = (events: PulseEvent[], test: (e: PulseEvent) => boolean) => events.filter(test).length;
  const ordersOf = (events: PulseEvent[]) => count(events, (e) => e.type === 'order.signed');
  /** The group's orders signed in a month. */
  const groupOrders = (month: string) =>
    STORES.reduce((sum, s) => sum + ordersOf(historyOf(s).find((h) => h.month === month)!.events), 0);

  it('covers the 24 whole months before the demo month, each event inside its month, ids unique', () => {
    expect(months).toHaveLength(24);
    expect([months[0], months[11], months[12], months[23]]).toEqual(['2026-11', '2025-12', '2025-11', '2024-12']);
    for (const store of STORES) {
      const history = historyOf(store);
      expect(history.map((h) => h.month)).toEqual(months);
      const all = history.flatMap((h) => h.events);
      expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
      for (const h of history) {
        const start = DateTime.fromISO(`${h.month}-01T00:00:00`, { zone: store.timezone });
        for (const e of h.events) {
          const at = Date.parse(e.at);
          expect(at >= start.toMillis() && at < start.plus({ months: 1 }).toMillis(), `${e.id} at ${e.at}`).toBe(true);
        }
      }
    }
    const hz = historyOf(STORES[0]!).flatMap((h) => h.events);
    for (let i = 0; i < hz.length; i += MAX_BATCH) {
      expect(validateBody({ events: hz.slice(i, i + MAX_BATCH) }, demoStart).issues).toEqual([]);
    }
  });

  it('has every family in every month of every store, and no stock moves', () => {
    const families: [string, (e: PulseEvent) => boolean][] = [
      ['visits', (e) => e.type === 'showroom.visit'],
      ['first visits', (e) => e.type === 'showroom.visit' && e.firstVisit],
      ['leads', (e) => e.type === 'lead.created'],
      ['campaign leads', (e) => e.type === 'lead.created' && e.campaignId !== undefined],
      ['test drives', (e) => e.type === 'testdrive.completed'],
      ['orders', (e) => e.type === 'order.signed'],
      ['deliveries', (e) => e.type === 'vehicle.delivered'],
      ['sales callbacks', (e) => e.type === 'callback.attempted' && e.kind === 'sales'],
      ['service callbacks', (e) => e.type === 'callback.attempted' && e.kind === 'service'],
      ['repairs opened', (e) => e.type === 'repair.opened'],
      ['repairs closed', (e) => e.type === 'repair.closed'],
      ['appointments', (e) => e.type === 'appointment.booked'],
      ['complaints opened', (e) => e.type === 'complaint.opened'],
      ['complaints responded', (e) => e.type === 'complaint.responded'],
      ['complaints resolved', (e) => e.type === 'complaint.resolved'],
      ['sales surveys', (e) => e.type === 'survey.completed' && e.kind === 'sales'],
      ['service surveys', (e) => e.type === 'survey.completed' && e.kind === 'service'],
      ['members', (e) => e.type === 'member.joined'],
      ['media', (e) => e.type === 'media.mention'],
      ['spend', (e) => e.type === 'spend.recorded'],
      ['post-sale tasks done', (e) => e.type === 'postsale.task' && e.status === 'done'],
    ];
    for (const store of STORES) {
      for (const h of historyOf(store)) {
        for (const [name, test] of families) expect(count(h.events, test), `${store.code} ${h.month} ${name}`).toBeGreaterThan(0);
        expect(count(h.events, (e) => e.type === 'material.moved')).toBe(0);
      }
    }
  });

  it('is a sample of the plan: every event kept is the planned one, ratios as planned', () => {
    const store = STORES[0]!;
    const { events } = historyOf(store).find((h) => h.month === '2026-06')!;
    const start = DateTime.fromISO('2026-06-01T00:00:00', { zone: store.timezone });
    const end = start.plus({ months: 1 }).toMillis();
    const plan = generateStoreEvents(store, { seed: SEED, from: start.toMillis(), to: end, now: end });
    const planned = new Map(plan.map((e) => [e.id, e]));
    // Spend is planned against the smaller budgets (checked below), and co-op claims against that
    // spend; complaints about the repairs kept; everything else is the plan's.
    const againstSample = (e: PulseEvent) =>
      e.type === 'spend.recorded' || e.type.startsWith('coop.') || e.type.startsWith('complaint.');
    for (const e of events) if (!againstSample(e)) expect(e, e.id).toEqual(planned.get(e.id));
    // The share of the plan kept, family by family, stays DEMO_SHARE within a few hundredths.
    for (const type of ['showroom.visit', 'lead.created', 'order.signed', 'repair.opened', 'vehicle.delivered'] as const) {
      expect(count(events, (e) => e.type === type) / count(plan, (e) => e.type === type), type).toBeCloseTo(DEMO_SHARE, 1);
    }
    const booked = (list: PulseEvent[]) => {
      const opened = ofType(list, 'repair.opened');
      return opened.filter((r) => r.appointmentId).length / opened.length;
    };
    expect(Math.abs(booked(events) - booked(plan))).toBeLessThan(0.05);
  });

  it('grows year on year: each month has more orders than a year before (the Spring Festival months taken together)', () => {
    for (const month of months.slice(0, 12)) {
      const yearBefore = DateTime.fromISO(`${month}-01`).minus({ years: 1 }).toFormat('yyyy-LL');
      if (month === '2026-01' || month === '2026-02') continue;
      expect(groupOrders(month), `${month} against ${yearBefore}`).toBeGreaterThan(groupOrders(yearBefore));
    }
    // The festival fell on 29 January 2025 and 17 February 2026: January and February together grow.
    expect(groupOrders('2026-01') + groupOrders('2026-02')).toBeGreaterThan(groupOrders('2025-01') + groupOrders('2025-02'));
    // Modestly: the last twelve months against the twelve before, 3 to 15 % more.
    const year = (list: string[]) => list.reduce((sum, m) => sum + groupOrders(m), 0);
    const growth = year(months.slice(0, 12)) / year(months.slice(12)) - 1;
    expect(growth).toBeGreaterThan(0.03);
    expect(growth).toBeLessThan(0.15);
  });

  it('dips at the Spring Festival and peaks in Golden Week and at the year end', () => {
    for (const [year, festival] of [
      ['2025', '2025-01'],
      ['2026', '2026-02'],
    ] as const) {
      const inYear = months.filter((m) => m.startsWith(year));
      const lowest = inYear.reduce((a, b) => (groupOrders(a) <= groupOrders(b) ? a : b));
      expect([`${year}-01`, `${year}-02`], `January or February sells least in ${year}`).toContain(lowest);
      const others = inYear.filter((m) => m !== '2025-01' && m !== '2025-02' && m !== '2026-01' && m !== '2026-02');
      const mean = others.reduce((sum, m) => sum + groupOrders(m), 0) / others.length;
      expect(groupOrders(festival)).toBeLessThan(0.8 * mean);
    }
    expect(groupOrders('2025-10')).toBeGreaterThan(groupOrders('2025-09'));
    expect(groupOrders('2026-10')).toBeGreaterThan(groupOrders('2026-09'));
    expect(groupOrders('2025-12')).toBeGreaterThan(groupOrders('2025-11'));
    // Golden Week itself: the first seven days of October sell more a day than the rest of the month.
    const october = STORES.flatMap((s) => historyOf(s).find((h) => h.month === '2026-10')!.events);
    const goldenWeek = count(october, (e) => e.type === 'order.signed' && Number(e.at.slice(8, 10)) <= 7);
    expect(goldenWeek / 7).toBeGreaterThan(((ordersOf(october) - goldenWeek) / 24) * 1.15);
  });

  it('has better and worse weeks: one level per ISO week, spread over ±10 %', () => {
    const store = STORES[0]!;
    const monday = DateTime.fromISO('2026-03-02', { zone: store.timezone });
    const weekly = Array.from({ length: 12 }, (_, w) => {
      const days = Array.from({ length: 7 }, (_, d) => weekFactor(store, SEED, monday.plus({ weeks: w, days: d })));
      expect(new Set(days).size).toBe(1);
      return days[0]!;
    });
    expect(Math.max(...weekly) / Math.min(...weekly)).toBeGreaterThan(1.08);
    expect(Math.max(...weekly) / Math.min(...weekly)).toBeLessThan(1.3);
  });

  it('is the same for the same seed, and not for another', () => {
    const store = STORES[1]!;
    const again = historySpan(store, SEED, months.slice(0, 3));
    expect(again).toEqual(historyOf(store).slice(0, 3));
    const other = historySpan(store, SEED + 1, months.slice(0, 1))[0]!;
    expect(other.events).not.toEqual(historyOf(store)[0]!.events);
  });

  it('stays small: at most 50,000 events a store over the two years', () => {
    // Measured: Redis holds ~900 bytes an event (log, aggregates, indexes). Four stores' two years at
    // this bound are ≤ 200,000 events ≈ 180 MB, inside the 200 MB the demo may take with its live month.
    for (const store of STORES) {
      const n = historyOf(store).reduce((sum, h) => sum + h.events.length, 0);
      expect(n, store.code).toBeLessThanOrEqual(50_000);
      expect(n, store.code).toBeGreaterThan(30_000);
    }
  });

  it('sets each past month budgets of the sampled size and targets of the sampled month', () => {
    for (const store of STORES) {
      for (const h of historyOf(store).slice(0, 13)) {
        const budgets = budgetCalls(store, h.month, DEMO_SHARE);
        expect(budgets.length).toBe(store.budgets.filter((b) => !b.unconfigured).length);
        const spent = spentByBudget(h.events);
        for (const call of budgets) {
          expect(budgetSettings.safeParse(call.body).success, call.path).toBe(true);
          expect(call.body.amount % 1000).toBe(0);
          // Spent at the plan's pace, below the warn level: a quiet past month.
          const ratio = (spent.get(call.path.split('/').pop()!) ?? 0) / call.body.amount;
          expect(ratio, call.path).toBeGreaterThan(0.3);
          expect(ratio, call.path).toBeLessThan(call.body.warnAt);
        }
        const targets = targetCall(store, SEED, h.month, h.targets);
        expect(targets.path).toBe(`/api/v1/targets/${store.code}/${h.month}`);
        expect(targetSettings.safeParse(targets.body).success).toBe(true);
        // Orders against target as the store's plan sets it (0.92–1 of the month): met, within rounding.
        const cancelled = new Set(ofType(h.events, 'order.cancelled').map((e) => e.orderId));
        const orders = ofType(h.events, 'order.signed').filter((e) => !cancelled.has(e.orderId)).length;
        expect(orders / targets.body.orders, `${store.code} ${h.month}`).toBeGreaterThan(0.85);
      }
    }
  });

  it.each(STORES.map((s) => [s.code, s] as const))(
    'gives %s customers of earlier years in all five customer-value classes',
    (_c, store) => {
      const monthStart = DateTime.fromMillis(demoStart, { zone: store.timezone }).startOf('month').toMillis();
      const monthSoFar = monthBackfill(store, { seed: SEED, from: monthStart, now: demoStart, demoStart });
      const counts = segmentCounts([...historyOf(store).flatMap((h) => h.events), ...monthSoFar], demoStart);
      for (const [cls, n] of Object.entries(counts)) expect(n, cls).toBeGreaterThan(20);
    },
  );

  it('holds back three callbacks and a complaint resolution of last month, to arrive after its close', () => {
    const lastMonth = historyOf(STORES[0]!)[0]!;
    expect(lastMonth.month).toBe('2026-11');
    const held = heldBackForRevision(lastMonth.events);
    expect(held.map((e) => e.type)).toEqual([
      'callback.attempted',
      'callback.attempted',
      'callback.attempted',
      'complaint.resolved',
    ]);
    const delivered = new Map(ofType(lastMonth.events, 'vehicle.delivered').map((d) => [d.orderId, Date.parse(d.at)]));
    const opened = new Set(ofType(lastMonth.events, 'complaint.opened').map((c) => c.complaintId));
    for (const e of held) {
      expect(e.at.slice(0, 7)).toBe('2026-11');
      if (e.type === 'callback.attempted') {
        // Reached within 72 h of its handover: arriving late, it turns a missed callback into a met one.
        expect(e.outcome).toBe('reached');
        expect(Date.parse(e.at) - delivered.get(e.subjectId)!).toBeLessThanOrEqual(72 * HOUR);
      }
      if (e.type === 'complaint.resolved') expect(opened.has(e.complaintId)).toBe(true);
    }
  });
  describe('the co-op ledger (厂家市场支持)', () => {
    const all = (store: (typeof STORES)[number]) => historyOf(store).flatMap((h) => h.events);
    const historyStart = DateTime.fromISO(`${months[months.length - 1]}-01T00:00:00`, { zone: 'Asia/Shanghai' }).toMillis();
    /** Claims of budget-months inside the history (its first months also claim spends of the months before it). */
    const claimsOf = (events: PulseEvent[]) =>
      ofType(events, 'coop.claim.submitted').filter((c) => Date.parse(c.at) >= historyStart + 3 * 31 * DAY);
    const groupEvents = () => STORES.flatMap(all);

    it('puts the online, show and point-of-sale budgets under a program paying back 30–50 %, the others under none', () => {
      for (const store of STORES) {
        const spends = ofType(all(store), 'spend.recorded');
        for (const e of spends) {
          const key = e.budgetId.split('-').pop()!;
          if (['online', 'show', 'pos'].includes(key)) {
            expect(e.coop, e.id).toBeDefined();
            expect(e.coop!.share).toBeGreaterThanOrEqual(0.3);
            expect(e.coop!.share).toBeLessThanOrEqual(0.5);
            // The manufacturer's program of the spend's year.
            expect(e.coop!.program).toMatch(new RegExp(`^一汽丰田${e.at.slice(0, 4)}(市场支持|车展支持)$`));
          } else expect(e.coop, e.id).toBeUndefined();
        }
      }
    });

    it('claims co-op spends that exist, after them, under their program and for their share', () => {
      for (const store of STORES) {
        const events = all(store);
        // The history comes the latest month first: a spend's standing record is its latest by time.
        const spends = new Map<string, EventOf<'spend.recorded'>>();
        for (const e of ofType(events, 'spend.recorded')) {
          if (Date.parse(e.at) >= Date.parse(spends.get(e.spendId)?.at ?? '1970-01-01T00:00:00Z')) spends.set(e.spendId, e);
        }
        const claims = claimsOf(events);
        expect(claims.length, store.code).toBeGreaterThan(20);
        for (const c of claims) {
          let fen = 0;
          for (const id of c.spendIds) {
            const spend = spends.get(id);
            expect(spend?.coop, `${c.claimId} names ${id}`).toBeDefined();
            expect(spend!.coop!.program).toBe(c.program);
            // Filed after the spend, two weeks at the very least (after its month closes).
            expect(Date.parse(c.at) - Date.parse(spend!.at)).toBeGreaterThan(10 * DAY);
            fen += Math.round(Math.round(spend!.amount * 100) * spend!.coop!.share);
          }
          expect(Math.round(c.amount * 100), c.claimId).toBe(fen);
          // An invoice per spend and some proof besides.
          expect(c.evidence).toBeGreaterThan(c.spendIds.length);
        }
      }
    });

    it('decides most claims in full, some in part, a few not at all — each cut or refusal with a reason', () => {
      const events = groupEvents();
      const claims = new Map(claimsOf(events).map((c) => [c.claimId, c]));
      const outcomes = { approved: 0, partial: 0, rejected: 0 };
      for (const d of ofType(events, 'coop.claim.decided')) {
        const c = claims.get(d.claimId);
        if (!c) continue;
        outcomes[d.outcome]++;
        expect(Date.parse(d.at)).toBeGreaterThan(Date.parse(c.at));
        if (d.outcome === 'approved') {
          expect(d.approvedAmount).toBe(c.amount);
          expect(d.reason).toBeUndefined();
        } else {
          expect(d.reason, d.id).toMatch(/\S/);
          if (d.outcome === 'rejected') expect(d.approvedAmount).toBe(0);
          else expect(d.approvedAmount > 0 && d.approvedAmount < c.amount, d.id).toBe(true);
        }
      }
      const n = outcomes.approved + outcomes.partial + outcomes.rejected;
      expect(n).toBeGreaterThan(150);
      expect(outcomes.approved / n).toBeGreaterThan(0.55);
      expect(outcomes.partial / n).toBeGreaterThan(0.08);
      expect(outcomes.rejected / n).toBeGreaterThan(0.04);
      expect(outcomes.rejected / n).toBeLessThan(0.2);
    });

    it('pays what is approved, late and now and then in two parts', () => {
      const events = groupEvents();
      const decided = new Map(ofType(events, 'coop.claim.decided').map((d) => [d.claimId, d]));
      const payments = new Map<string, EventOf<'coop.claim.paid'>[]>();
      for (const p of ofType(events, 'coop.claim.paid')) payments.set(p.claimId, [...(payments.get(p.claimId) ?? []), p]);
      // Claims decided at least five months before the history ends have all their payments in it.
      const settled = Date.parse(`${months[0]}-01T00:00:00+08:00`) - 4 * 31 * DAY;
      let inTwo = 0;
      let lateAfter30 = 0;
      let n = 0;
      for (const c of claimsOf(events)) {
        const d = decided.get(c.claimId);
        if (!d || Date.parse(d.at) > settled) continue;
        const paid = payments.get(c.claimId) ?? [];
        if (d.approvedAmount === 0) {
          expect(paid, c.claimId).toEqual([]);
          continue;
        }
        n++;
        expect(Math.round(paid.reduce((sum, p) => sum + p.amount * 100, 0)), c.claimId).toBe(Math.round(d.approvedAmount * 100));
        for (const p of paid) expect(Date.parse(p.at)).toBeGreaterThan(Date.parse(d.at));
        if (paid.length === 2) inTwo++;
        const last = Math.max(...paid.map((p) => Date.parse(p.at)));
        if (last - Date.parse(d.at) > 30 * DAY) lateAfter30++;
      }
      expect(n).toBeGreaterThan(100);
      expect(inTwo / n).toBeGreaterThan(0.2);
      expect(inTwo / n).toBeLessThan(0.6);
      expect(lateAfter30 / n).toBeGreaterThan(0.3);
    });

    it('leaves some spends unclaimed past 60 days, most claimed within it', () => {
      const events = groupEvents();
      const firstClaimed = new Map<string, number>();
      for (const c of ofType(events, 'coop.claim.submitted')) {
        for (const id of c.spendIds) firstClaimed.set(id, Math.min(firstClaimed.get(id) ?? Infinity, Date.parse(c.at)));
      }
      // Spends of the history's second year, whose claims are all in it or never come.
      const lastYear = ofType(events, 'spend.recorded').filter(
        (e) => e.coop && Date.parse(e.at) >= historyStart + 365 * DAY && Date.parse(e.at) < demoStart - 150 * DAY,
      );
      const claimedAfter = lastYear.map((e) => (firstClaimed.get(e.spendId) ?? Infinity) - Date.parse(e.at));
      const past60 = claimedAfter.filter((ms) => ms > 60 * DAY).length;
      const never = claimedAfter.filter((ms) => ms === Infinity).length;
      expect(past60).toBeGreaterThan(0);
      expect(never).toBeGreaterThan(0);
      expect(past60 / claimedAfter.length).toBeLessThan(0.4);
      expect(never / claimedAfter.length).toBeLessThan(0.05);
    });

    it('shows at the demo’s start unclaimed spend of every age, money outstanding and some of it overdue', () => {
      const store = STORES[0]!;
      const monthStart = DateTime.fromMillis(demoStart, { zone: store.timezone }).startOf('month').toMillis();
      const events = [...all(store), ...monthBackfill(store, { seed: SEED, from: monthStart, now: demoStart, demoStart })];
      const figure = coopFigure(coopCounts(ledgerOf(events), demoStart, store.timezone));
      expect(figure.eligible).toBeGreaterThan(100_000);
      expect(figure.unclaimed.byAge.d0_30).toBeGreaterThan(0);
      expect(figure.unclaimed.byAge.d31_60).toBeGreaterThan(0);
      expect(figure.unclaimed.byAge.d61_90 + figure.unclaimed.byAge.over90).toBeGreaterThan(0);
      // Claimed spend is most of it: the unclaimed part is this month's, last month's and a few strays.
      expect(figure.unclaimed.total / figure.eligible).toBeLessThan(0.35);
      expect(figure.outstanding).toBeGreaterThan(0);
      expect(figure.overdue).toBeGreaterThan(0);
      expect(figure.overdue).toBeLessThanOrEqual(figure.outstanding);
      expect(figure.approvalRate.value).toBeGreaterThan(0.7);
      expect(figure.approvalRate.value).toBeLessThan(0.97);
    });

    it('plans nothing of a budget-month more than COOP_REACH_MONTHS after it', () => {
      const events = groupEvents();
      for (const e of events) {
        if (!e.type.startsWith('coop.')) continue;
        const claimId = (e as EventOf<'coop.claim.submitted'>).claimId;
        // `CL-HZ01-2610-online(-b)`: the budget-month 2026-10.
        const yymm = /^CL-[A-Z0-9]+-(\d{2})(\d{2})-/.exec(claimId)!;
        const monthOfClaim = DateTime.fromISO(`20${yymm[1]}-${yymm[2]}-01`, { zone: 'Asia/Shanghai' });
        expect(Date.parse(e.at), e.id).toBeLessThan(monthOfClaim.plus({ months: COOP_REACH_MONTHS }).toMillis());
      }
    });
  });
});

/** The co-op ledger as ledgers.md reads it from events: the latest spend record, submission and decision stand. */
function ledgerOf(events: PulseEvent[]): CoopLedger {
  const latest = <E extends PulseEvent>(list: E[], key: (e: E) => string) => {
    const out = new Map<string, E>();
    for (const e of list) {
      const prev = out.get(key(e));
      if (!prev || Date.parse(e.at) > Date.parse(prev.at)) out.set(key(e), e);
    }
    return [...out.values()];
  };
  const fen = (yuan: number) => Math.round(yuan * 100);
  return {
    spends: latest(ofType(events, 'spend.recorded'), (e) => e.spendId).flatMap((e) =>
      e.coop
        ? [
            {
              spendId: e.spendId,
              budgetId: e.budgetId,
              program: e.coop.program,
              at: Date.parse(e.at),
              fen: fen(e.amount),
              share: e.coop.share,
            },
          ]
        : [],
    ),
    claims: latest(ofType(events, 'coop.claim.submitted'), (e) => e.claimId).map((e) => ({
      claimId: e.claimId,
      program: e.program,
      at: Date.parse(e.at),
      spendIds: e.spendIds,
      fen: fen(e.amount),
      evidence: e.evidence,
    })),
    decisions: latest(ofType(events, 'coop.claim.decided'), (e) => e.claimId).map((e) => ({
      claimId: e.claimId,
      at: Date.parse(e.at),
      outcome: e.outcome,
      approvedFen: fen(e.approvedAmount),
      ...(e.reason ? { reason: e.reason } : {}),
    })),
    payments: ofType(events, 'coop.claim.paid').map((e) => ({
      eventId: e.id,
      claimId: e.claimId,
      at: Date.parse(e.at),
      fen: fen(e.amount),
    })),
  };
}

describe('the demo month at the history’s scale', () => {
  // A demo started on 3 December 2026 at 10:00: December so far is back-filled, then runs live.
  const zone = 'Asia/Shanghai';
  const demoStart = DateTime.fromISO('2026-12-03T10:00:00', { zone }).toMillis();
  const december = DateTime.fromISO('2026-12-01T00:00:00', { zone }).toMillis();
  const between = (events: PulseEvent[], lo: number, hi: number) =>
    events.filter((e) => Date.parse(e.at) >= lo && Date.parse(e.at) < hi);
  /**
   * What a report reads, less the spend of a budget scripted to run hot in the demo's month (the
   * history spends every month at its pace).
   */
  const reported = (store: (typeof STORES)[number], events: PulseEvent[]) => {
    const scripted = new Set(store.budgets.filter((b) => b.script).map((b) => budgetIdOf(store.code, '2026-12', b.key)));
    return events.filter((e) => readByReports(e) && !(e.type === 'spend.recorded' && scripted.has(e.budgetId)));
  };

  it.each(STORES.map((s) => [s.code, s] as const))(
    'plans the days of the month in %s as the history plans them: back-filled and live, the same events',
    (_c, store) => {
      // December as a month of the history of a demo started in January: the same sample.
      const history = historySpan(store, SEED, ['2026-12'])[0]!.events;
      const backfill = between(
        monthBackfill(store, { seed: SEED, from: december, now: demoStart, demoStart }),
        december,
        Infinity,
      );
      const until = demoStart + 2 * DAY;
      const live = livePlan(store, { seed: SEED, from: demoStart + 1, to: until, now: until, demoStart });
      expect(reported(store, backfill)).toEqual(reported(store, between(history, december, demoStart + 1)));
      expect(reported(store, live)).toEqual(reported(store, between(history, demoStart + 1, until)));
      // Two and a half days: a store's 12–20 visits a day and one or two orders, not five times as many.
      const orders = ofType(backfill, 'order.signed').length;
      expect(orders).toBe(ofType(between(history, december, demoStart + 1), 'order.signed').length);
      expect(orders).toBeLessThanOrEqual(10);
      expect(ofType(backfill, 'showroom.visit').length).toBeLessThan(60);
      // The month's budgets are those of the history's months.
      expect(budgetCalls(store, '2026-12').map((c) => c.body.amount)).toEqual(
        budgetCalls(store, '2026-11').map((c) => c.body.amount),
      );
    },
  );

  it('sells 30–60 cars a month in each store, a fifth of the plan, and sets the month’s targets at that scale', () => {
    for (const store of STORES) {
      const events = sampledMonthOf(store);
      const cancelled = new Set(ofType(events, 'order.cancelled').map((e) => e.orderId));
      const orders = ofType(events, 'order.signed').filter((e) => !cancelled.has(e.orderId)).length;
      expect(orders, store.code).toBeGreaterThanOrEqual(30);
      expect(orders, store.code).toBeLessThanOrEqual(60);
      expect(orders / ofType(monthOf(store), 'order.signed').length).toBeCloseTo(DEMO_SHARE, 1);
      // Targets in round fives near the month's orders (store plans 0.92–1.1 of them), not five times more.
      const target = targetCall(store, SEED, '2026-10').body.orders;
      expect(target / orders, store.code).toBeGreaterThan(0.75);
      expect(target / orders, store.code).toBeLessThan(1.25);
    }
  });

  it('plans complaints about the repairs kept: 2–5 % of them, as in the whole plan', () => {
    let repairs = 0;
    let complaints = 0;
    for (const store of STORES) {
      const events = sampledMonthOf(store);
      const kept = new Set(ofType(events, 'repair.opened').map((r) => r.customer?.id));
      repairs += ofType(events, 'repair.opened').length;
      complaints += ofType(events, 'complaint.opened').length;
      // Each complains about a repair of the sample: its customer is one whose car was in.
      for (const c of ofType(events, 'complaint.opened')) {
        if (Date.parse(c.at) > from + 2 * DAY) expect(kept.has(c.customer?.id), c.complaintId).toBe(true);
      }
    }
    expect(complaints / repairs).toBeGreaterThanOrEqual(0.02);
    expect(complaints / repairs).toBeLessThanOrEqual(0.05);
  });

  it.each(STORES.map((s) => [s.code, s] as const))(
    'moves stock in %s with the things kept: restocked 3–4 times a month, never out, mostly one or two items low',
    (_c, store) => {
      const events = sampledMonthOf(store);
      const moves = ofType(events, 'material.moved');
      const ids = new Set(events.map((e) => e.id));
      // Issued only with what is in the sample: a test-drive gift with a kept test drive, a model car at a kept handover.
      for (const m of moves.filter((x) => x.itemId === `${store.code}-TDGIFT` && x.quantity < 0)) {
        expect(ids.has(m.id.replace(/-TDGIFT\.issued$/, '')), m.id).toBe(true);
      }
      for (const m of moves.filter((x) => x.itemId === `${store.code}-MODELCAR` && x.quantity < 0)) {
        expect(ids.has(m.id.replace(/-MODELCAR\.issued$/, '.delivered')), m.id).toBe(true);
      }
      // As many model cars go out as cars are handed over.
      const modelCars = moves.filter((x) => x.itemId === `${store.code}-MODELCAR` && x.quantity < 0).length;
      expect(modelCars).toBe(ofType(events, 'vehicle.delivered').length);
      const stock = new Map<string, number>();
      let next = 0;
      const lowCounts: number[] = [];
      for (let d = 0; d < (month.daysInMonth ?? 31); d++) {
        for (const hour of [9.5, 12, 15, 18, 20]) {
          const at = month.plus({ days: d, hours: hour }).toMillis();
          for (; next < moves.length && Date.parse(moves[next]!.at) <= at; next++) {
            const m = moves[next]!;
            const s = (stock.get(m.itemId) ?? 0) + m.quantity;
            expect(s, `${m.itemId} after ${m.id}`).toBeGreaterThan(0);
            stock.set(m.itemId, s);
          }
          lowCounts.push(MATERIALS.filter((item) => (stock.get(itemIdOf(store.code, item)) ?? 0) <= item.reorderLevel).length);
        }
      }
      expect(share(lowCounts.filter((n) => n === 1 || n === 2).length, lowCounts.length)).toBeGreaterThan(0.7);
      expect(Math.max(...lowCounts)).toBeLessThanOrEqual(3);
      for (const item of MATERIALS) {
        const received = moves.filter((m) => m.itemId === itemIdOf(store.code, item) && m.id.endsWith('.received')).length;
        expect(received, item.key).toBeGreaterThanOrEqual(3);
        expect(received, item.key).toBeLessThanOrEqual(4);
      }
    },
  );
});
