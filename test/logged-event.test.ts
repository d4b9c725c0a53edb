/**
 * The log's compact encoding (core/events/logged-event.ts): every valid event reads back exactly
 * as it was received, whatever its strings and times; the JSON of earlier logs reads as before.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CALLBACK_KINDS,
  CALLBACK_OUTCOMES,
  COMPLAINT_CATEGORIES,
  COMPLAINT_CHANNELS,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  LEAD_CHANNELS,
  POSTSALE_KINDS,
  SENTIMENTS,
  SEVERITIES,
  pulseEvent,
  COOP_OUTCOMES,
  type PulseEvent,
} from '../domain/events.js';
import { canonicalJson } from '../domain/event-identity.js';
import { decodeLogged, encodeLogged, LOGGED_TYPES, loggedTime, storeOfLog } from '../core/events/logged-event.js';
import { storeKeys } from '../core/redis/keys.js';
import { STORES } from '../launcher/demo/dealership.js';
import { generateStoreEvents } from '../launcher/demo/generate.js';

const roundTrip = (e: PulseEvent) => decodeLogged(encodeLogged(e), e.id, e.store);

const idChars = fc.constantFrom(...'AZaz09._:-'.split(''), 'H', 'Z', '0', '1', '-');
const ref = fc.string({ unit: idChars, minLength: 1, maxLength: 40 });
/** Ids that share beginnings with the event id, as real ones do. */
const refLike = (id: string) =>
  fc.oneof(
    ref,
    fc.nat(id.length).chain((n) => ref.map((rest) => (id.slice(0, n) + rest).slice(0, 128))),
  );
const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom('~', '=', '~abc', '=x', '凯美瑞', '"quoted"', '\\', '\u0000', '\ud83d\ude97'),
);
const offset = fc.oneof(
  fc.constantFrom('Z', '+08:00', '-05:00', '+05:30', '+00:00', '-00:00', '+14:00'),
  fc
    .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([s, h, m]) => `${s}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
);
/** RFC 3339 times as senders write them: with or without milliseconds, any offset, before 1970 too. */
const time = fc
  .tuple(
    fc.integer({ min: -100 * 365 * 86_400_000, max: 200 * 365 * 86_400_000 }),
    fc.constantFrom('', '.000', '.5', '.123', '.123456'),
    offset,
  )
  .map(([ms, frac, off]) => {
    const iso = new Date(ms).toISOString();
    return `${iso.slice(0, 19)}${frac}${off}`;
  });
const customer = fc.option(
  fc.record(
    {
      id: fc.oneof(
        ref,
        text.filter((s) => s.length >= 1 && s.length <= 128),
      ),
      name: text.map((s) => s.slice(0, 64)),
      phone: fc.string({ maxLength: 32 }),
    },
    { requiredKeys: ['id'] },
  ),
  { nil: undefined },
);
const amount = fc.integer({ min: 1, max: 10_000_000_000 }).map((fen) => fen / 100);

/** The fields of each type beyond the common ones, as arbitraries (given the event id). */
function fieldsOf(type: string, id: string): fc.Arbitrary<Record<string, unknown>> {
  const r = refLike(id);
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const rec = (shape: Record<string, fc.Arbitrary<unknown>>) => fc.record(shape);
  switch (type) {
    case 'showroom.visit':
      return rec({ firstVisit: fc.boolean() });
    case 'lead.created':
      return rec({ leadId: r, channel: fc.constantFrom(...LEAD_CHANNELS), campaignId: opt(r) });
    case 'testdrive.completed':
      return rec({ leadId: opt(r), model: fc.string({ minLength: 1, maxLength: 64 }) });
    case 'order.signed':
      return rec({ orderId: r, model: fc.string({ minLength: 1, maxLength: 64 }), amount, campaignId: opt(r) });
    case 'order.cancelled':
      return rec({ orderId: r });
    case 'vehicle.delivered':
      return rec({ orderId: r, model: opt(fc.string({ minLength: 1, maxLength: 64 })), vin: opt(fc.string({ maxLength: 32 })) });
    case 'appointment.booked':
      return rec({ appointmentId: r, scheduledFor: time });
    case 'appointment.cancelled':
      return rec({ appointmentId: r });
    case 'repair.opened':
      return rec({ roId: r, appointmentId: opt(r) });
    case 'repair.closed':
      return rec({
        roId: r,
        amount: fc.oneof(
          fc.constant(0),
          amount.filter((a) => a <= 10_000_000),
        ),
      });
    case 'callback.attempted':
      return rec({
        callbackId: r,
        kind: fc.constantFrom(...CALLBACK_KINDS),
        subjectId: r,
        outcome: fc.constantFrom(...CALLBACK_OUTCOMES),
        satisfied: opt(fc.boolean()),
      });
    case 'complaint.opened':
      return rec({
        complaintId: r,
        channel: fc.constantFrom(...COMPLAINT_CHANNELS),
        category: fc.constantFrom(...COMPLAINT_CATEGORIES),
        severity: fc.constantFrom(...SEVERITIES),
        summary: opt(text),
      });
    case 'complaint.responded':
    case 'complaint.resolved':
      return rec({ complaintId: r });
    case 'spend.recorded':
      return rec({
        spendId: r,
        budgetId: r,
        amount,
        vendor: opt(text),
        coop: opt(
          fc.record({
            program: text.filter((s) => s.length >= 1 && s.length <= 128),
            share: fc.oneof(fc.constant(1), fc.double({ min: 0.0001, max: 1, noNaN: true })),
          }),
        ),
      });
    case 'coop.claim.submitted':
      return rec({
        claimId: r,
        program: text.filter((s) => s.length >= 1 && s.length <= 128),
        spendIds: fc.uniqueArray(r, { minLength: 1, maxLength: 5 }),
        amount,
        evidence: fc.integer({ min: 0, max: 10_000 }),
      });
    case 'coop.claim.decided':
      return fc.constantFrom('approved', 'partial', 'rejected').chain((outcome) =>
        rec({
          claimId: r,
          outcome: fc.constant(outcome),
          approvedAmount: outcome === 'rejected' ? fc.constant(0) : amount,
          reason: opt(text.filter((s) => s.length <= 500)),
        }),
      );
    case 'coop.claim.paid':
      return rec({ claimId: r, amount });
    case 'material.counted':
      return rec({ itemId: r, counted: fc.integer({ min: 0, max: 100_000_000 }) });
    case 'survey.completed':
      return rec({
        surveyId: r,
        kind: fc.constantFrom(...CALLBACK_KINDS),
        score: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true })),
        nps: opt(fc.integer({ min: 0, max: 10 })),
      });
    case 'member.joined':
      return rec({});
    case 'media.mention':
      return rec({
        mentionId: r,
        sentiment: fc.constantFrom(...SENTIMENTS),
        outlet: fc.string({ minLength: 1, maxLength: 128 }),
        title: opt(text),
      });
    case 'material.moved':
      return rec({ itemId: r, quantity: fc.integer({ min: -100_000, max: 100_000 }).filter((q) => q !== 0) });
    case 'postsale.task':
      return rec({
        taskId: r,
        orderId: r,
        kind: fc.constantFrom(...POSTSALE_KINDS),
        status: fc.constantFrom('open', 'done'),
        dueAt: opt(time),
      });
    default:
      throw new Error(type);
  }
}

/** Valid events of every type (as the schema accepts them), absent optional fields left out. */
const event: fc.Arbitrary<PulseEvent> = fc
  .tuple(fc.constantFrom(...EVENT_TYPES), ref, fc.string({ unit: idChars, minLength: 1, maxLength: 32 }), time, customer)
  .chain(([type, id, store, at, c]) =>
    fieldsOf(type, id).map((fields) => {
      const e: Record<string, unknown> = { id, type, store, at, ...fields };
      if (c || type === 'member.joined') e.customer = c ?? { id: 'c1' };
      for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
      if (e.customer)
        for (const [k, v] of Object.entries(e.customer)) if (v === undefined) delete (e.customer as Record<string, unknown>)[k];
      return e;
    }),
  )
  .filter((e) => pulseEvent.safeParse(e).success) as fc.Arbitrary<PulseEvent>;

describe('the log encoding', () => {
  it('reads back every valid event exactly as received (property)', () => {
    fc.assert(
      fc.property(event, (e) => {
        const back = roundTrip(e);
        expect(back).toEqual(e);
        expect(canonicalJson(back)).toBe(canonicalJson(e));
        expect(Date.parse(back.at)).toBe(Date.parse(e.at));
        expect(loggedTime(encodeLogged(e))).toBe(Date.parse(e.at));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the demo generator’s month of a store in under 40 % of its JSON, every event exact', () => {
    const profile = STORES[0]!;
    const now = Date.parse('2026-11-20T12:00:00+08:00');
    const events = generateStoreEvents(profile, { seed: 3, from: now - 31 * 86_400_000, to: now, now, demoStart: now });
    let json = 0;
    let compact = 0;
    for (const e of events) {
      const raw = encodeLogged(e);
      expect(raw[0]).toBe('[');
      expect(roundTrip(e)).toEqual(e);
      json += Buffer.byteLength(JSON.stringify(e));
      compact += Buffer.byteLength(raw);
    }
    expect(events.length).toBeGreaterThan(10_000);
    expect(compact / json).toBeLessThan(0.4);
  });

  it('spells out a sample: type code, seconds in base 36, shared beginnings of ids', () => {
    const e = {
      id: 'HZ01-ro-20261104-0016.opened',
      type: 'repair.opened',
      roId: 'HZ01-ro-20261104-0016',
      customer: { id: 'HZ01-cu-20261104-r16', name: '谭慧' },
      store: 'HZ01',
      at: '2026-11-04T08:29:07+08:00',
    } as PulseEvent;
    // 2026-11-04T00:29:07Z = 1,793,752,147 s = 'tnyc0j' in base 36; the roId is the id's first 21 characters.
    expect((1_793_752_147).toString(36)).toBe('tnyc0j');
    expect(Date.parse(e.at) / 1000).toBe(1_793_752_147);
    expect(encodeLogged(e)).toBe('[8,"tnyc0j","~l",null,"~5cu-20261104-r16","谭慧"]');
    expect(roundTrip(e)).toEqual(e);
    // Another offset and milliseconds are kept; a time the code cannot say exactly is kept as written.
    const z = { ...e, at: '2026-11-04T00:29:07.250Z' } as PulseEvent;
    expect(encodeLogged(z)).toContain(`"${(1_793_752_147_250).toString(36)}.Z"`);
    expect(roundTrip(z)).toEqual(z);
    const odd = { ...e, at: '2026-11-04T08:29:07.25+08:00' } as PulseEvent;
    expect(encodeLogged(odd)).toContain('"=2026-11-04T08:29:07.25+08:00"');
    expect(roundTrip(odd)).toEqual(odd);
  });

  it('keeps an event the tables cannot hold as its JSON, and reads the JSON of earlier logs', () => {
    const extra = { id: 'x1', type: 'showroom.visit', store: 'S', at: '2026-11-04T08:29:07+08:00', firstVisit: true, note: 'n' };
    const raw = encodeLogged(extra as unknown as PulseEvent);
    expect(raw).toBe(JSON.stringify(extra));
    expect(decodeLogged(raw, 'x1', 'S')).toEqual(extra);
    expect(loggedTime(raw)).toBe(Date.parse(extra.at));
  });

  it('names every field of every event type, and every value of its enumerations', () => {
    const common = ['id', 'type', 'store', 'at', 'customer'];
    expect(LOGGED_TYPES.map(([t]) => t).sort()).toEqual([...EVENT_TYPES].sort());
    for (const [type, fields] of LOGGED_TYPES) {
      const shape = Object.keys(EVENT_SCHEMAS[type as keyof typeof EVENT_SCHEMAS].shape).filter((k) => !common.includes(k));
      expect(fields.map(([f]) => f).sort(), type).toEqual(shape.sort());
    }
    const enums = (f: string, type: string) => LOGGED_TYPES.find(([t]) => t === type)![1].find(([n]) => n === f)![1];
    expect(enums('channel', 'lead.created')).toEqual(LEAD_CHANNELS);
    expect(enums('channel', 'complaint.opened')).toEqual(COMPLAINT_CHANNELS);
    expect(enums('category', 'complaint.opened')).toEqual(COMPLAINT_CATEGORIES);
    expect(enums('severity', 'complaint.opened')).toEqual(SEVERITIES);
    expect(enums('kind', 'callback.attempted')).toEqual(CALLBACK_KINDS);
    expect(enums('outcome', 'callback.attempted')).toEqual(CALLBACK_OUTCOMES);
    expect(enums('sentiment', 'media.mention')).toEqual(SENTIMENTS);
    expect(enums('kind', 'postsale.task')).toEqual(POSTSALE_KINDS);
    expect(enums('outcome', 'coop.claim.decided')).toEqual(COOP_OUTCOMES);
  });

  it('keeps the ledgers’ events compact: a claim’s spend ids share the event id’s beginning', () => {
    const claim = {
      id: 'HZ01-cc-2611-02.submitted',
      type: 'coop.claim.submitted',
      store: 'HZ01',
      at: '2026-11-12T10:00:00+08:00',
      claimId: 'HZ01-cc-2611-02',
      program: '一汽丰田2026市场支持',
      spendIds: ['HZ01-sp-261110', 'HZ01-sp-261111'],
      amount: 5000,
      evidence: 2,
    } as PulseEvent;
    const raw = encodeLogged(claim);
    expect(raw[0]).toBe('[');
    // "HZ01-" is shared with the event id: each spend id keeps "~5" and the rest.
    expect(raw).toContain('"~5sp-261110"');
    expect(roundTrip(claim)).toEqual(claim);
    const spend = {
      id: 'HZ01-sp-261110.rec',
      type: 'spend.recorded',
      store: 'HZ01',
      at: '2026-11-10T10:00:00+08:00',
      spendId: 'HZ01-sp-261110',
      budgetId: 'HZ01-2611-show',
      amount: 10000,
      coop: { program: '一汽丰田2026市场支持', share: 0.5 },
    } as PulseEvent;
    expect(encodeLogged(spend)[0]).toBe('[');
    expect(roundTrip(spend)).toEqual(spend);
  });

  it('finds the store of a log from its key', () => {
    expect(storeOfLog(storeKeys('pulse', 'HZ-01_a').log)).toBe('HZ-01_a');
  });
});
