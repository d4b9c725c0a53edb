/**
 * Customer value (客户价值): the classes worked out by hand, from the arithmetic alone and from a
 * store's log in Redis read back as the API serves it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../domain/events.js';
import { loadConfig } from '../core/config.js';
import { storeKeys } from '../core/redis/keys.js';
import { computeSegments } from '../workers/segments.processor.js';
import { classify, DAY_MS, highCount, highCutoff, isChurn, type CustomerValue } from '../core/segments/classify.js';
import { aggregateAt, CustomerValueFold } from '../workers/segments/fold.js';
import { readHighChurn, readSegments, readSegmentsSummary } from '../core/segments/read-segments.js';
import { ev, shuffled } from './support/events.js';
import { applyDeps } from './support/stack.js';

const deps = applyDeps('segcalc');
afterAll(() => deps.close());
/** The segmentation's view of the same Redis and prefix, with the default churnDays. */
const seg = { redis: deps.redis, config: { prefix: deps.config.prefix, churnDays: 180 } };

const NOW = Date.parse('2026-11-23T03:00:00+08:00');
const ago = (days: number, ms = 0) => new Date(NOW - days * DAY_MS - ms).toISOString();
const recent = NOW - 10 * DAY_MS;
const values = (...yuan: number[]): CustomerValue[] => yuan.map((v) => ({ valueFen: v * 100, lastActivity: recent }));

describe('the top 20 % and the churn line', () => {
  it('takes 20 % rounded down, at least one customer, of those with a value', () => {
    expect([0, 1, 4, 5, 9, 10, 11, 14, 15, 200_000].map(highCount)).toEqual([0, 1, 1, 1, 1, 2, 2, 2, 3, 40_000]);
    expect(highCutoff([0, 0])).toBeNull();
    expect(highCutoff([300, 0, 0, 100])).toBe(300); // n = 2 (zeros are not counted): k = 1
  });

  it('sends every customer tied at the cut-off up', () => {
    // n = 6, k = 1: 500 alone is high; the two at 400 are below the cut-off.
    expect(classify(values(500, 400, 400, 300, 200, 100), NOW, 180).counts).toMatchObject({ highStable: 1, lowStable: 5 });
    // n = 5, k = 1: the cut-off is 400 and both customers at 400 are high.
    expect(classify(values(400, 400, 300, 200, 100), NOW, 180).counts).toMatchObject({ highStable: 2, lowStable: 3 });
    // n = 10, k = 2: the 2nd highest is 80, tied three times.
    const r = classify(values(100, 80, 80, 80, 50, 40, 30, 20, 10, 5), NOW, 180);
    expect(r.cutoffFen).toBe(8000);
    expect(r.counts).toMatchObject({ highStable: 4, lowStable: 6 });
    // Everyone equal: everyone is high.
    expect(classify(values(7, 7, 7, 7, 7, 7, 7), NOW, 180).counts).toMatchObject({ highStable: 7, lowStable: 0 });
  });

  it('keeps at least one high customer when fewer than five have a value', () => {
    expect(classify(values(100, 50, 50, 10), NOW, 180).classes).toEqual(['highStable', 'lowStable', 'lowStable', 'lowStable']);
    expect(classify(values(1), NOW, 180).classes).toEqual(['highStable']);
  });

  it('puts value-0 customers in none whatever their activity, and none at all when nobody has a value', () => {
    const r = classify(
      [
        { valueFen: 0, lastActivity: null },
        { valueFen: 0, lastActivity: recent },
      ],
      NOW,
      180,
    );
    expect(r).toEqual({
      counts: { highStable: 0, highChurn: 0, lowStable: 0, lowChurn: 0, none: 2 },
      cutoffFen: null,
      classes: ['none', 'none'],
    });
  });

  it('counts activity exactly 180 days ago as recent, a millisecond earlier as churn', () => {
    expect(isChurn(NOW - 180 * DAY_MS, NOW, 180)).toBe(false);
    expect(isChurn(NOW - 180 * DAY_MS - 1, NOW, 180)).toBe(true);
    expect(isChurn(null, NOW, 180)).toBe(true);
    expect(isChurn(NOW - 31 * DAY_MS, NOW, 30)).toBe(true);
  });
});

// ── A store worked out by hand ─────────────────────────────────────────────────────────────────
// 14 customers seen as of NOW; 10 have a value, so k = 2 and the cut-off is the 2nd highest value.
const S = 'SEG1';
const c = (id: string, name?: string, phone?: string) => ({
  customer: { id, ...(name ? { name } : {}), ...(phone ? { phone } : {}) },
});
const order = (id: string, orderId: string, at: string, amount: number, customer?: string) =>
  ev('order.signed', at, { id, store: S, orderId, model: '汉 EV', amount, ...(customer ? c(customer) : {}) });
const events: PulseEvent[] = [
  // A 300 000: high, active 10 days ago.
  order('a1', 'OA', ago(10), 300_000, 'A'),
  // F 80 000 from a repair 200 days ago; its repair opened exactly 180 days ago: high, not churning.
  ev('repair.closed', ago(200), { id: 'f1', store: S, roId: 'RF', amount: 80_000, ...c('F') }),
  ev('repair.opened', ago(180), { id: 'f2', store: S, roId: 'RF2', ...c('F') }),
  // G 80 000, tied with F at the cut-off, last seen 180 days and 1 ms ago: high and churning. Name
  // from the latest event that carries one, phone from the only one that does.
  ev('member.joined', ago(500), { id: 'g0', store: S, ...c('G', '王小明', '13812345678') }),
  ev('order.signed', ago(180, 1), { id: 'g1', store: S, orderId: 'OG', model: '宋', amount: 80_000, ...c('G', '王晓明') }),
  // B: OB signed four times, the copies disagreeing. The latest time twice: the greater event id
  // (b4, 65 000) counts, not b3 (90 000) nor the earlier b1, b2. Last activity 399 days ago: low,
  // churning.
  order('b2', 'OB', ago(400), 70_000, 'B'),
  order('b4', 'OB', ago(399), 65_000, 'B'),
  order('b3', 'OB', ago(399), 90_000, 'B'),
  order('b1', 'OB', ago(400), 60_000, 'B'),
  // C: OC cancelled before it was signed (both in time and in the log); a repair of 5 000.
  ev('order.cancelled', ago(101), { id: 'c0', store: S, orderId: 'OC' }),
  order('c1', 'OC', ago(100), 200_000, 'C'),
  ev('repair.closed', ago(30), { id: 'c2', store: S, roId: 'RC', amount: 5_000, ...c('C') }),
  // D: OD cancelled after signing, by an event without the customer: value 0.
  order('d1', 'OD', ago(20), 150_000, 'D'),
  ev('order.cancelled', ago(19), { id: 'd2', store: S, orderId: 'OD' }),
  // E: OE1 731 days ago is outside the window; OE2 exactly 730 days ago is inside (1 000).
  order('e1', 'OE1', ago(731), 500_000, 'E'),
  order('e2', 'OE2', ago(730), 1_000, 'E'),
  ev('showroom.visit', ago(10), { id: 'e3', store: S, firstVisit: false, ...c('E') }),
  // K, L, M small and recent; N small and 300 days ago (joining as a member since is no activity).
  order('k1', 'OK', ago(3), 400, 'K'),
  order('l1', 'OL', ago(3), 300, 'L'),
  order('m1', 'OM', ago(3), 200, 'M'),
  order('n1', 'ON', ago(300), 100, 'N'),
  ev('member.joined', ago(5), { id: 'n2', store: S, ...c('N') }),
  // H a member only; I a free repair; P only an order older than 730 days: value 0.
  ev('member.joined', ago(50), { id: 'h1', store: S, ...c('H', '李四') }),
  ev('repair.closed', ago(40), { id: 'i1', store: S, roId: 'RI', amount: 0, ...c('I') }),
  order('p1', 'OP', ago(800), 250_000, 'P'),
  // Dated after NOW: not part of the store as of NOW.
  order('j1', 'OJ', ago(0, -3600_000), 999_999, 'J'),
  // No customer: nobody's value.
  order('x1', 'OX', ago(5), 123_456),
];

const EXPECTED_VALUES: Record<string, number> = {
  A: 300_000,
  F: 80_000,
  G: 80_000,
  B: 65_000,
  C: 5_000,
  E: 1_000,
  K: 400,
  L: 300,
  M: 200,
  N: 100,
  D: 0,
  H: 0,
  I: 0,
  P: 0,
};

describe('folding the events of a store', () => {
  it('gives every customer the same value and last activity whatever the order of the events', () => {
    const fold = (list: PulseEvent[]) => {
      const f = new CustomerValueFold(NOW);
      for (const e of list) f.add(e);
      const r = f.result();
      return Object.fromEntries(r.ids.map((id, i) => [id, aggregateAt(r, i)]));
    };
    const first = fold(events);
    expect(Object.fromEntries(Object.entries(first).map(([id, r]) => [id, r.valueFen / 100]))).toEqual(EXPECTED_VALUES);
    expect(first.B!.lastActivity).toBe(NOW - 399 * DAY_MS);
    expect(first.F!.lastActivity).toBe(NOW - 180 * DAY_MS);
    // Activity is an order signed, a repair opened or closed, or a showroom visit: C's repair
    // closed 30 days ago, E's visit 10 days ago; N's joining 5 days ago is none.
    expect(first.C!.lastActivity).toBe(NOW - 30 * DAY_MS);
    expect(first.E!.lastActivity).toBe(NOW - 10 * DAY_MS);
    expect(first.N!.lastActivity).toBe(NOW - 300 * DAY_MS);
    expect(first.G).toMatchObject({ name: '王晓明', phone: '13812345678', lastActivity: NOW - 180 * DAY_MS - 1 });
    for (const seed of [1, 2, 3, 4, 5]) {
      // Every event twice, in a shuffled order: HSCAN may return an entry more than once.
      expect(fold(shuffled([...events, ...events], seed))).toEqual(first);
    }
  });
});

describe('a segmentation run on Redis', () => {
  it('stores the counts and the call list, masked unless pii', async () => {
    const { redis, config } = deps;
    expect(await readSegments(redis, config.prefix, S)).toEqual({
      computedAt: null,
      counts: { highStable: 0, highChurn: 0, lowStable: 0, lowChurn: 0, none: 0 },
    });
    expect(await readHighChurn(redis, config.prefix, S, { pii: true, limit: 10 })).toEqual([]);

    await redis.hset(storeKeys(config.prefix, S).log, Object.fromEntries(events.map((e) => [e.id, JSON.stringify(e)])));
    const result = await computeSegments(seg, S, NOW);

    const counts = { highStable: 2, highChurn: 1, lowStable: 5, lowChurn: 2, none: 4 };
    expect(result).toEqual({
      kind: 'segment',
      store: S,
      computedAt: '2026-11-22T19:00:00.000Z',
      counts,
      customers: 14,
      scanned: events.length,
    });
    expect(await readSegments(redis, config.prefix, S)).toEqual({ computedAt: '2026-11-22T19:00:00.000Z', counts });
    expect(await readSegmentsSummary(redis, config.prefix, S)).toMatchObject({ cutoff: 80_000, churnDays: 180 });
    const lastActivity = new Date(NOW - 180 * DAY_MS - 1).toISOString();
    expect(await readHighChurn(redis, config.prefix, S, { pii: true, limit: 10 })).toEqual([
      { customer: { id: 'G', name: '王晓明', phone: '13812345678' }, value: 80_000, lastActivity },
    ]);
    expect(await readHighChurn(redis, config.prefix, S, { pii: false, limit: 10 })).toEqual([
      { customer: { id: 'G', name: '王*明', phone: '138****5678' }, value: 80_000, lastActivity },
    ]);
    expect(await readHighChurn(redis, config.prefix, S, { pii: false, limit: 0 })).toEqual([]);
  });

  it('honours the churnDays setting (PULSE_CHURN_DAYS, 180 by default)', async () => {
    expect(loadConfig({}).churnDays).toBe(180);
    expect(loadConfig({ PULSE_CHURN_DAYS: '90' }).churnDays).toBe(90);
    const { redis, config } = deps;
    const store = 'SEG2';
    const list = events.map((e) => ({ ...e, store }));
    await redis.hset(storeKeys(config.prefix, store).log, Object.fromEntries(list.map((e) => [e.id, JSON.stringify(e)])));
    // With 400 days nobody of the hand-worked store is churning, B included (399 days).
    const r = await computeSegments({ redis, config: { ...seg.config, churnDays: 400 } }, store, NOW);
    expect(r.counts).toEqual({ highStable: 3, highChurn: 0, lowStable: 7, lowChurn: 0, none: 4 });
  });
});
