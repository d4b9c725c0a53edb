/** The event contract (events.md): every type accepted, every rule enforced with field and reason. */
import { describe, expect, it } from 'vitest';
import { BOUNDS, EVENT_TYPES, MAX_EXACT_SUM, toFen, validateBody, validateEvent } from '../domain/events.js';

const NOW = Date.parse('2026-11-23T06:05:00Z');
const at = '2026-11-23T14:00:00+08:00';
const base = { store: 'HZ01', at };

const samples: Record<string, object> = {
  'showroom.visit': { firstVisit: true },
  'lead.created': { leadId: 'L1', channel: 'web', campaignId: 'CMP-1' },
  'testdrive.completed': { leadId: 'L1', model: '凯美瑞' },
  'order.signed': { orderId: 'O1', model: '凯美瑞', amount: 189800.5, campaignId: 'CMP-1' },
  'order.cancelled': { orderId: 'O1' },
  'vehicle.delivered': { orderId: 'O1', model: '凯美瑞', vin: 'LVGBE40K58G000001' },
  'appointment.booked': { appointmentId: 'A1', scheduledFor: '2026-11-24T09:30:00+08:00' },
  'appointment.cancelled': { appointmentId: 'A1' },
  'repair.opened': { roId: 'RO1', appointmentId: 'A1' },
  'repair.closed': { roId: 'RO1', amount: 0 },
  'callback.attempted': { callbackId: 'K1', kind: 'service', subjectId: 'RO1', outcome: 'reached', satisfied: true },
  'complaint.opened': { complaintId: 'C1', channel: 'wechat', category: 'service', severity: 'high', summary: '等待时间过长' },
  'complaint.responded': { complaintId: 'C1' },
  'complaint.resolved': { complaintId: 'C1' },
  'spend.recorded': { spendId: 'S1', budgetId: 'B1', amount: 1234.56, vendor: '汽车之家' },
  'survey.completed': { surveyId: 'SV1', kind: 'sales', score: 92, nps: 9 },
  'member.joined': { customer: { id: 'CU1', name: '王小明', phone: '13812345678' } },
  'media.mention': { mentionId: 'M1', sentiment: 'negative', outlet: '懂车帝', title: '提车等待' },
  'material.moved': { itemId: 'POSTER-1', quantity: -20 },
  'material.counted': { itemId: 'POSTER-1', counted: 36 },
  'coop.claim.submitted': { claimId: 'CL1', program: '一汽丰田2026市场支持', spendIds: ['S1', 'S2'], amount: 5000, evidence: 3 },
  'coop.claim.decided': { claimId: 'CL1', outcome: 'partial', approvedAmount: 4200.5, reason: '一张发票抬头不符' },
  'coop.claim.paid': { claimId: 'CL1', amount: 3000 },
  'postsale.task': { taskId: 'T1', orderId: 'O1', kind: 'plate', status: 'open', dueAt: '2026-11-25T18:00:00+08:00' },
};

const one = (raw: unknown) => validateEvent(raw, 0, NOW);

describe('event schemas', () => {
  it('covers the 24 types of the contract (events.md and ledgers.md)', () => {
    expect(EVENT_TYPES).toHaveLength(24);
    expect(Object.keys(samples).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(Object.entries(samples))('accepts a valid %s', (type, fields) => {
    const r = one({ id: `ev-${type}`, type, ...base, ...fields });
    expect(r.issues).toEqual([]);
    expect(r.event?.type).toBe(type);
  });

  it('names the field and the reason', () => {
    const cases: [object, string, RegExp][] = [
      [{ id: 'has space', type: 'showroom.visit', ...base, firstVisit: true }, 'id', /A-Za-z0-9/],
      [{ id: 'a', type: 'showroom.visit', ...base, store: 'x'.repeat(33), firstVisit: true }, 'store', /1-32/],
      [{ id: 'a', type: 'showroom.visit', ...base, at: '2026-11-23T14:00:00', firstVisit: true }, 'at', /offset/],
      [{ id: 'a', type: 'showroom.visit', ...base, at: '2026-11-23T14:10:01+08:00', firstVisit: true }, 'at', /future/],
      [{ id: 'a', type: 'order.signed', ...base, orderId: 'O', model: 'M', amount: 0 }, 'amount', /.+/],
      [{ id: 'a', type: 'order.signed', ...base, orderId: 'O', model: 'M', amount: 10.005 }, 'amount', /2 decimals/],
      // A positive sliver is no whole fen: it used to pass the float tolerance and count as 0 fen.
      [{ id: 'a', type: 'order.signed', ...base, orderId: 'O', model: 'M', amount: 1e-9 }, 'amount', /2 decimals/],
      [{ id: 'a', type: 'spend.recorded', ...base, spendId: 'S', budgetId: 'B', amount: 5e-324 }, 'amount', /2 decimals/],
      [{ id: 'a', type: 'repair.closed', ...base, roId: 'R', amount: 0.004 }, 'amount', /2 decimals/],
      [{ id: 'a', type: 'repair.closed', ...base, roId: 'R', amount: -1 }, 'amount', /.+/],
      [{ id: 'a', type: 'lead.created', ...base, leadId: 'L', channel: 'fax' }, 'channel', /walk_in/],
      [{ id: 'a', type: 'survey.completed', ...base, surveyId: 'S', kind: 'sales', score: 101 }, 'score', /.+/],
      [{ id: 'a', type: 'survey.completed', ...base, surveyId: 'S', kind: 'sales', score: 80, nps: 11 }, 'nps', /.+/],
      [{ id: 'a', type: 'member.joined', ...base }, 'customer', /.+/],
      [{ id: 'a', type: 'material.moved', ...base, itemId: 'I', quantity: 1.5 }, 'quantity', /.+/],
      [
        {
          id: 'a',
          type: 'complaint.opened',
          ...base,
          complaintId: 'C',
          channel: 'phone',
          category: 'sales',
          severity: 'high',
          summary: 'x'.repeat(501),
        },
        'summary',
        /.+/,
      ],
      [
        { id: 'a', type: 'showroom.visit', ...base, firstVisit: true, customer: { id: 'c', name: 'x'.repeat(65) } },
        'customer.name',
        /.+/,
      ],
      [{ id: 'a', type: 'showroom.visit', ...base, firstVisit: true, extra: 1 }, '(event)', /unknown field\(s\): extra/],
      [{ id: 'a', type: 'teleport', ...base }, 'type', /showroom\.visit/],
    ];
    for (const [raw, path, message] of cases) {
      const r = one(raw);
      expect(r.event, JSON.stringify(raw).slice(0, 80)).toBeUndefined();
      expect(r.issues.map((i) => i.path)).toContain(path);
      expect(r.issues.find((i) => i.path === path)!.message).toMatch(message);
    }
  });

  it('bounds every quantity and amount, naming the field and the bound (docs/events.md, Bounds)', () => {
    const order = (amount: number) => ({ id: 'a', type: 'order.signed', ...base, orderId: 'O', model: 'M', amount });
    const repair = (amount: number) => ({ id: 'a', type: 'repair.closed', ...base, roId: 'R', amount });
    const spend = (amount: number) => ({ id: 'a', type: 'spend.recorded', ...base, spendId: 'S', budgetId: 'B', amount });
    const moved = (quantity: number) => ({ id: 'a', type: 'material.moved', ...base, itemId: 'I', quantity });
    const survey = (score: number, nps?: number) => ({
      id: 'a',
      type: 'survey.completed',
      ...base,
      surveyId: 'S',
      kind: 'sales',
      score,
      nps,
    });
    const bounds = [
      order(100_000_000),
      order(0.01),
      repair(10_000_000),
      repair(0),
      spend(100_000_000),
      spend(0.01),
      moved(100_000),
      moved(-100_000),
      moved(1),
      moved(-1),
      survey(0, 0),
      survey(100, 10),
    ];
    for (const raw of bounds) expect(one(raw).issues, JSON.stringify(raw)).toEqual([]);
    const beyond: [object, string, string][] = [
      [order(100_000_000.01), 'amount', 'must be at most 100000000'],
      [order(1e11), 'amount', 'must be at most 100000000'],
      [order(Number.MAX_SAFE_INTEGER), 'amount', 'must be at most 100000000'],
      [order(1e308), 'amount', 'must be at most 100000000'],
      [repair(10_000_000.01), 'amount', 'must be at most 10000000'],
      [spend(100_000_000.01), 'amount', 'must be at most 100000000'],
      [spend(2 ** 53), 'amount', 'must be at most 100000000'],
      [moved(100_001), 'quantity', 'must be at most 100000'],
      [moved(-100_001), 'quantity', 'must be at least -100000'],
      [moved(9007199254740991), 'quantity', 'must be at most 100000'],
      [moved(-9007199254740991), 'quantity', 'must be at least -100000'],
      [moved(1e308), 'quantity', 'must be at most 100000'],
      [moved(0), 'quantity', 'must not be 0'],
      [moved(-0), 'quantity', 'must not be 0'],
      [survey(100.5), 'score', 'must be at most 100'],
      [survey(-0.5), 'score', 'must be at least 0'],
      [survey(50, 11), 'nps', 'must be at most 10'],
      [order(0), 'amount', 'must be more than 0'],
      [order(-0), 'amount', 'must be more than 0'],
      [repair(-0.01), 'amount', 'must be at least 0'],
    ];
    for (const [raw, path, message] of beyond) {
      const r = one(raw);
      expect(r.event, JSON.stringify(raw)).toBeUndefined();
      expect(r.issues, JSON.stringify(raw)).toContainEqual({ index: 0, path, message });
    }
    // -0 as JSON text, as a sender's serializer may write it.
    expect(one(JSON.parse(JSON.stringify(moved(1)).replace('"quantity":1', '"quantity":-0'))).issues).toEqual([
      { index: 0, path: 'quantity', message: 'must not be 0' },
    ]);
  });

  it('keeps the largest sums exact: every bound in fen, and a century of the largest movements, below 2^53', () => {
    expect(MAX_EXACT_SUM).toBe(9_007_199_254_740_991);
    for (const yuan of [BOUNDS.orderAmount, BOUNDS.repairAmount, BOUNDS.spendAmount]) {
      expect(Number.isSafeInteger(toFen(yuan))).toBe(true);
    }
    // 28 movements a second of the largest size, day and night for 100 years (36,525 days).
    expect(28 * 86_400 * 36_525 * BOUNDS.materialQuantity).toBeLessThan(MAX_EXACT_SUM);
    // 900,000 spends or orders of the largest amount, in fen.
    expect(900_000 * toFen(BOUNDS.spendAmount)).toBeLessThan(MAX_EXACT_SUM);
    expect(900_000 * toFen(BOUNDS.orderAmount)).toBeLessThan(MAX_EXACT_SUM);
  });

  it('checks the ledgers’ events (ledgers.md), naming the field and the reason', () => {
    const issues = (type: string, fields: object) =>
      one({ id: 'x1', type, ...base, ...fields }).issues.map((i) => `${i.path}: ${i.message}`);
    const spend = { spendId: 'S1', budgetId: 'B1', amount: 100 };
    expect(issues('spend.recorded', { ...spend, coop: { program: '一汽丰田', share: 1 } })).toEqual([]);
    expect(issues('spend.recorded', { ...spend, coop: { program: '一汽丰田', share: 0 } })).toEqual([
      'coop.share: must be more than 0',
    ]);
    expect(issues('spend.recorded', { ...spend, coop: { program: '一汽丰田', share: 1.2 } })).toEqual([
      'coop.share: must be at most 1',
    ]);
    expect(issues('spend.recorded', { ...spend, coop: { program: '', share: 0.5 } })).toEqual([
      'coop.program: must not be empty',
    ]);
    expect(issues('spend.recorded', { ...spend, coop: { share: 0.5, rate: 1 } })).toEqual([
      'coop.program: Invalid input: expected string, received undefined',
      'coop: unknown field(s): rate',
    ]);
    const claim = { claimId: 'CL1', program: '一汽丰田', spendIds: ['S1'], amount: 10, evidence: 0 };
    expect(issues('coop.claim.submitted', { ...claim, spendIds: [] })).toEqual(['spendIds: must name at least 1 spend']);
    expect(issues('coop.claim.submitted', { ...claim, spendIds: Array.from({ length: 501 }, (_, i) => `S${i}`) })).toEqual([
      'spendIds: must name at most 500 spends',
    ]);
    expect(issues('coop.claim.submitted', { ...claim, spendIds: ['S1', 'S1'] })).toEqual([
      'spendIds: must not name a spend twice',
    ]);
    expect(issues('coop.claim.submitted', { ...claim, spendIds: ['S 1'] })).toEqual([
      'spendIds.0: must be 1-128 characters of A-Za-z0-9._:-',
    ]);
    expect(issues('coop.claim.submitted', { ...claim, evidence: 1.5 })).toEqual(['evidence: must be a whole number']);
    expect(issues('coop.claim.submitted', { ...claim, amount: 0 })).toEqual(['amount: must be more than 0']);
    const decided = { claimId: 'CL1', outcome: 'rejected', approvedAmount: 0 };
    expect(issues('coop.claim.decided', decided)).toEqual([]);
    expect(issues('coop.claim.decided', { ...decided, approvedAmount: 10 })).toEqual([
      'approvedAmount: must be 0 when the outcome is rejected',
    ]);
    expect(issues('coop.claim.decided', { ...decided, outcome: 'approved' })).toEqual([
      'approvedAmount: must be more than 0 when the outcome is approved',
    ]);
    expect(issues('coop.claim.decided', { ...decided, outcome: 'maybe' })).toEqual([
      'outcome: Invalid option: expected one of "approved"|"partial"|"rejected"',
    ]);
    expect(issues('coop.claim.paid', { claimId: 'CL1', amount: -5 })).toEqual(['amount: must be more than 0']);
    expect(issues('material.counted', { itemId: 'P1', counted: -1 })).toEqual(['counted: must be at least 0']);
    expect(issues('material.counted', { itemId: 'P1', counted: 2.5 })).toEqual(['counted: must be a whole number']);
  });

  it('accepts up to 5 minutes in the future, to absorb clock skew', () => {
    expect(one({ id: 'a', type: 'showroom.visit', ...base, at: '2026-11-23T14:10:00+08:00', firstVisit: true }).issues).toEqual(
      [],
    );
  });

  it('validates a batch all or nothing, with indexes', () => {
    const good = { id: 'g', type: 'complaint.resolved', ...base, complaintId: 'C1' };
    const r = validateBody({ events: [good, { ...good, id: '' }, good] }, NOW);
    expect(r.events).toEqual([]);
    expect(r.issues).toEqual([{ index: 1, path: 'id', message: 'must be 1-128 characters of A-Za-z0-9._:-' }]);
    // The same event twice is one event; its id with another body, or in another store, is not.
    expect(validateBody({ events: [good, { ...good }] }, NOW)).toEqual({ events: [good], indexes: [0], repeats: 1, issues: [] });
    expect(validateBody({ events: [good, { ...good, complaintId: 'C2' }] }, NOW).issues).toEqual([
      { index: 1, path: 'id', message: 'repeats the id of event 0 with a different body' },
    ]);
    const elsewhere = { ...good, store: 'SH01' };
    expect(validateBody({ events: [good, elsewhere] }, NOW)).toMatchObject({
      events: [good, elsewhere],
      indexes: [0, 1],
      repeats: 0,
    });
    expect(validateBody([good], NOW).issues[0]!.path).toBe('(body)');
    expect(validateBody({ events: 'x' }, NOW).issues[0]!.path).toBe('events');
  });
});
