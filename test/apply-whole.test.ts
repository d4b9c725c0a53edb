/**
 * Bounds of quantities and amounts, and every event applied whole or not at all — against the real
 * API, worker and Redis. A number beyond its bound is refused at ingest (400 naming the field and
 * the bound); an acknowledged event that cannot apply is neither logged nor counted, and is listed
 * as rejected until it is sent again and applies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../domain/events.js';
import { startRedisServer } from '../launcher/redis-launcher.js';
import { storeKeys } from '../core/redis/keys.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { eventsDrained, importFinished, postCsv } from './support/csv.js';
import { ev } from './support/events.js';
import { applyDeps, startStack, waitFor, type Stack } from './support/stack.js';
import { areLogged, loggedCount } from '../core/events/event-log.js';
import type { RedisConn } from '../core/redis/connections.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('whole');
});
afterAll(() => stack.close());

const MAX_SAFE = 9_007_199_254_740_991; // 2^53 − 1, worked out by hand: 9,007,199,254,740,992 − 1
const recent = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
/** The current month in Asia/Shanghai (UTC+8, no daylight saving), as budgets name it. */
const monthNow = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
const keysOf = (store: string) => storeKeys(stack.config.prefix, store);
const redis = () => stack.app.deps.redis;
/** 1 when the id is in the store's log, else 0. */
const inLog = async (r: RedisConn, prefix: string, store: string, id: string) =>
  (await areLogged(r, prefix, store, [id]))[0] ? 1 : 0;
const post = (body: unknown) => stack.request('POST', '/api/v1/events', body);
const moved = (store: string, itemId: string, quantity: number, id: string) =>
  ev('material.moved', recent(5), { id, store, itemId, quantity });

async function snapshot(store: string) {
  const res = await stack.request('GET', `/api/v1/stores/${store}/kpis`);
  expect(res.status).toBe(200);
  return res.body;
}
async function stockInSnapshot(store: string, itemId: string): Promise<number | undefined> {
  const items = (await snapshot(store)).kpis.materials.items as { itemId: string; stock: number }[];
  return items.find((i) => i.itemId === itemId)?.stock;
}
const waitForStock = (store: string, itemId: string, stock: number) =>
  waitFor(async () => (await stockInSnapshot(store, itemId)) === stock, 15_000, `stock ${stock} of ${itemId}`);

/** The apply job that carried this event, once finished. */
async function finishedJobOf(eventId: string) {
  const jobs = await stack.app.deps.queues.events.getJobs(['completed', 'failed']);
  const job = jobs.find((j) => j.data.events.some((e) => e.id === eventId));
  expect(job, `the job of ${eventId}`).toBeDefined();
  return job!;
}

/** `pulse_events_rejected_total{reason}` of the stack's workers (absent: counted as none). */
async function rejectedCount(reason: string): Promise<number> {
  const metric = stack.workers!.registry.getSingleMetric('pulse_events_rejected_total') as Counter<'reason'> | undefined;
  const values = metric ? (await metric.get()).values : [];
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('bounds of quantities and amounts, refused at ingest', () => {
  it('refuses 1,030 movements of 9007199254740991 with 400 naming quantity and the bound; nothing applied', async () => {
    const all = Array.from({ length: 1030 }, (_, i) => moved('BND1', 'POSTER', 9007199254740991, `big-${i}`));
    for (const events of [all.slice(0, 1000), all.slice(1000)]) {
      const res = await post({ events });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_events');
      // Every event is named (the answer lists the first 100 problems).
      expect(res.body.details).toEqual(
        Array.from({ length: Math.min(events.length, 100) }, (_, index) => ({
          index,
          path: 'quantity',
          message: 'must be at most 100000',
        })),
      );
    }
    const low = await post(moved('BND1', 'POSTER', -100_001, 'low-1'));
    expect(low).toEqual({
      status: 400,
      body: { error: 'invalid_events', details: [{ index: 0, path: 'quantity', message: 'must be at least -100000' }] },
    });
    await eventsDrained(stack);
    const jobs = await stack.app.deps.queues.events.getJobCounts('completed', 'failed', 'waiting', 'delayed');
    expect([jobs.completed, jobs.failed, jobs.waiting, jobs.delayed]).toEqual([0, 0, 0, 0]);
    const k = keysOf('BND1');
    expect(await loggedCount(redis(), stack.config.prefix, 'BND1')).toBe(0);
    expect(await redis().exists(k.materials.stock)).toBe(0);
  });

  it('refuses -0 (and 0) as a quantity, as JSON and as a CSV cell', async () => {
    const text = (q: string) =>
      `{"id":"zero","type":"material.moved","store":"BND2","at":"${recent(5)}","itemId":"POSTER","quantity":${q}}`;
    for (const q of ['-0', '-0.0', '0', '-0e5']) {
      const res = await post(text(q));
      expect(res, q).toEqual({
        status: 400,
        body: { error: 'invalid_events', details: [{ index: 0, path: 'quantity', message: 'must not be 0' }] },
      });
    }
    const at = recent(5);
    const csv = [
      'id,type,store,at,itemId,quantity',
      `c-neg0,material.moved,BND2,${at},POSTER,-0`,
      `c-over,material.moved,BND2,${at},POSTER,100001`,
      `c-max,material.moved,BND2,${at},POSTER,100000`,
      `c-min,material.moved,BND2,${at},POSTER,-100000`,
      `c-huge,material.moved,BND2,${at},POSTER,9007199254740991`,
    ].join('\n');
    const posted = await postCsv(stack, csv);
    expect(posted.status).toBe(202);
    const status = await importFinished(stack, posted.body.importId);
    expect(status).toMatchObject({ state: 'done', rows: 5, accepted: 2, rejected: 3 });
    expect(status.errors).toEqual([
      { row: 2, path: 'quantity', message: 'must not be 0' },
      { row: 3, path: 'quantity', message: 'must be at most 100000' },
      { row: 6, path: 'quantity', message: 'must be at most 100000' },
    ]);
    // +100,000 − 100,000: both counted.
    await eventsDrained(stack);
    expect(await loggedCount(redis(), stack.config.prefix, 'BND2')).toBe(2);
    expect(await redis().hget(keysOf('BND2').materials.stock, 'POSTER')).toBe('0');
  });

  it('counts 1,030 movements of the largest quantity exactly: a stock of 103,000,000', async () => {
    const all = Array.from({ length: 1030 }, (_, i) => moved('BND3', 'POSTER', 100_000, `max-${i}`));
    expect(await post({ events: all.slice(0, 1000) })).toEqual({
      status: 202,
      body: { accepted: 1000, new: 1000, duplicates: 0, conflicts: 0 },
    });
    expect(await post({ events: all.slice(1000) })).toEqual({
      status: 202,
      body: { accepted: 30, new: 30, duplicates: 0, conflicts: 0 },
    });
    await waitForStock('BND3', 'POSTER', 1030 * 100_000);
    expect(await stockInSnapshot('BND3', 'POSTER')).toBe(103_000_000);
    expect(await redis().hget(keysOf('BND3').materials.stock, 'POSTER')).toBe('103000000');
    expect(await post(moved('BND3', 'POSTER', -100_000, 'min-1'))).toEqual({
      status: 202,
      body: { accepted: 1, new: 1, duplicates: 0, conflicts: 0 },
    });
    await waitForStock('BND3', 'POSTER', 102_900_000);
  });

  it('keeps an item’s stock within ±(2^53 − 1): the largest is read back exactly, one more is refused', async () => {
    const k = keysOf('BND4');
    // Years of history, set by hand: 100,000 short of the largest stock every reader holds exactly.
    await redis().hset(k.materials.stock, 'BIG', String(MAX_SAFE - 100_000));
    expect(await post(moved('BND4', 'BIG', 100_000, 'to-max'))).toEqual({
      status: 202,
      body: { accepted: 1, new: 1, duplicates: 0, conflicts: 0 },
    });
    await waitForStock('BND4', 'BIG', 9_007_199_254_740_991);
    expect(await redis().hget(k.materials.stock, 'BIG')).toBe('9007199254740991');
    const seq = await redis().get(k.seq);
    const over = moved('BND4', 'BIG', 1, 'over-max');
    expect(await post(over)).toEqual({ status: 202, body: { accepted: 1, new: 1, duplicates: 0, conflicts: 0 } });
    await eventsDrained(stack);
    expect(await inLog(redis(), stack.config.prefix, 'BND4', 'over-max')).toBe(0);
    expect(await redis().get(k.seq)).toBe(seq);
    expect(await redis().hget(k.materials.stock, 'BIG')).toBe('9007199254740991');
    const rejected = await stack.request('GET', '/api/v1/stores/BND4/rejected');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toEqual({
      store: 'BND4',
      total: 1,
      items: [
        {
          id: 'over-max',
          type: 'material.moved',
          at: over.at,
          reason: 'the stock of BIG would be 9007199254740992, beyond ±9007199254740991',
          rejectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          event: over,
        },
      ],
    });
  });

  it('refuses amounts beyond their bounds, and sums the largest ones exactly', async () => {
    const S = 'BND5';
    const over = await post({
      events: [
        ev('order.signed', recent(5), { store: S, orderId: 'O-over', model: '汉', amount: 100_000_000.01 }),
        ev('repair.closed', recent(5), { store: S, roId: 'RO-over', amount: 10_000_000.01 }),
        ev('spend.recorded', recent(5), { store: S, spendId: 'S-over', budgetId: 'B5', amount: 100_000_000.01 }),
        ev('order.signed', recent(5), { store: S, orderId: 'O-huge', model: '汉', amount: 1e11 }),
      ],
    });
    expect(over).toEqual({
      status: 400,
      body: {
        error: 'invalid_events',
        details: [
          { index: 0, path: 'amount', message: 'must be at most 100000000' },
          { index: 1, path: 'amount', message: 'must be at most 10000000' },
          { index: 2, path: 'amount', message: 'must be at most 100000000' },
          { index: 3, path: 'amount', message: 'must be at most 100000000' },
        ],
      },
    });
    const budget = await stack.request('PUT', '/api/v1/budgets/BND5-B', {
      store: S,
      name: '线上',
      month: monthNow(),
      amount: 100_000_000,
    });
    expect(budget.status).toBe(200);
    // 1,000 spends of the largest amount: 10^11 yuan = 10^13 fen, far inside 2^53 fen.
    const spends = Array.from({ length: 1000 }, (_, i) =>
      ev('spend.recorded', recent(5), { id: `sp-${i}`, store: S, spendId: `S-${i}`, budgetId: 'BND5-B', amount: 100_000_000 }),
    );
    expect((await post({ events: spends })).status).toBe(202);
    const largest = [
      ev('order.signed', recent(5), { id: 'o-max', store: S, orderId: 'O-max', model: '汉', amount: 100_000_000 }),
      ev('repair.closed', recent(5), { id: 'r-max', store: S, roId: 'RO-max', amount: 10_000_000 }),
    ];
    expect((await post({ events: largest })).status).toBe(202);
    const snap = await waitFor(
      async () => {
        const s = await snapshot(S);
        return s.kpis.spend.budgets[0]?.spent === 100_000_000_000 && s.kpis.orders.month.count === 1 ? s : null;
      },
      15_000,
      'the largest amounts',
    );
    expect(snap.kpis.orders.month).toEqual({ count: 1, amount: 100_000_000 });
    expect(snap.kpis.spend.budgets[0]).toMatchObject({ budgetId: 'BND5-B', amount: 100_000_000, spent: 100_000_000_000 });
    expect(await redis().hget(keysOf(S).spend.byBudget, 'BND5-B')).toBe('10000000000000');
  });

  it('refuses configuration beyond its bounds: budget amount, targets, reorder level', async () => {
    const month = monthNow();
    const cases: [string, Record<string, unknown>, string, string, string][] = [
      [
        '/api/v1/budgets/BND6-B',
        { store: 'BND6', name: 'x', month, amount: 100_000_000.01 },
        'invalid_budget',
        'amount',
        '100000000',
      ],
      ['/api/v1/targets/BND6/' + month, { orders: 1_000_001 }, 'invalid_targets', 'orders', '1000000'],
      ['/api/v1/targets/BND6/' + month, { deliveries: 1_000_001 }, 'invalid_targets', 'deliveries', '1000000'],
      ['/api/v1/targets/BND6/' + month, { leads: 1_000_001 }, 'invalid_targets', 'leads', '1000000'],
      [
        '/api/v1/materials/BND6-M',
        { store: 'BND6', name: '海报', reorderLevel: 1_000_001 },
        'invalid_material',
        'reorderLevel',
        '1000000',
      ],
    ];
    for (const [path, body, error, field, bound] of cases) {
      expect(await stack.request('PUT', path, body), `${path} ${field}`).toEqual({
        status: 400,
        body: { error, details: [{ path: field, message: `must be at most ${bound}` }] },
      });
    }
    const largest: [string, Record<string, unknown>][] = [
      ['/api/v1/budgets/BND6-B', { store: 'BND6', name: 'x', month, amount: 100_000_000 }],
      ['/api/v1/targets/BND6/' + month, { orders: 1_000_000, deliveries: 1_000_000, leads: 1_000_000 }],
      ['/api/v1/materials/BND6-M', { store: 'BND6', name: '海报', reorderLevel: 1_000_000 }],
    ];
    for (const [path, body] of largest) expect((await stack.request('PUT', path, body)).status, path).toBe(200);
  });
});

describe('an event is applied whole or not at all', () => {
  it('a movement onto a stock that is no whole number: not logged, not counted, listed; repaired and resent, counted once', async () => {
    const S = 'ATM1';
    const k = keysOf(S);
    expect((await post(moved(S, 'FLYER', 40, 'm-first'))).status).toBe(202);
    await waitForStock(S, 'FLYER', 40);
    const seq = await redis().get(k.seq);
    const refusedBefore = await rejectedCount('refused');
    // A stock damaged by hand: HINCRBY would fail on it.
    await redis().hset(k.materials.stock, 'FLYER', '40.5');
    const bad = moved(S, 'FLYER', -15, 'm-bad');
    expect((await post(bad)).status).toBe(202);
    await eventsDrained(stack);
    expect(await inLog(redis(), stack.config.prefix, S, 'm-bad')).toBe(0);
    expect(await redis().get(k.seq)).toBe(seq);
    expect(await redis().hget(k.materials.stock, 'FLYER')).toBe('40.5');
    // Refused once, not retried: the job completed in one attempt with the event rejected.
    const job = await finishedJobOf('m-bad');
    expect(job.attemptsMade).toBe(1);
    expect(job.returnvalue).toEqual({ applied: 0, duplicates: 0, rejected: 1, expired: 0 });
    expect(await rejectedCount('refused')).toBe(refusedBefore + 1);
    const listed = await stack.request('GET', `/api/v1/stores/${S}/rejected`);
    expect(listed.body).toEqual({
      store: S,
      total: 1,
      items: [
        {
          id: 'm-bad',
          type: 'material.moved',
          at: bad.at,
          reason: 'the stock of FLYER is not a whole number: 40.5',
          rejectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          event: bad,
        },
      ],
    });

    // The operator repairs the stock and sends the event again: it counts once and leaves the list.
    await redis().hset(k.materials.stock, 'FLYER', '40');
    expect((await post(listed.body.items[0].event as PulseEvent)).status).toBe(202);
    await waitForStock(S, 'FLYER', 25);
    expect(await inLog(redis(), stack.config.prefix, S, 'm-bad')).toBe(1);
    expect(await redis().get(k.seq)).toBe(String(Number(seq) + 1));
    expect((await stack.request('GET', `/api/v1/stores/${S}/rejected`)).body).toEqual({ store: S, total: 0, items: [] });
    expect((await post(bad)).status).toBe(202);
    await eventsDrained(stack);
    expect(await stockInSnapshot(S, 'FLYER')).toBe(25);
    expect(await redis().get(k.seq)).toBe(String(Number(seq) + 1));
  });

  it('a key of the wrong type: the spend is refused before any write, then counted once the key is repaired', async () => {
    const S = 'ATM2';
    const k = keysOf(S);
    expect((await post(ev('showroom.visit', recent(9), { id: 'v-0', store: S, firstVisit: true }))).status).toBe(202);
    await waitFor(async () => (await inLog(redis(), stack.config.prefix, S, 'v-0')) === 1, 10_000, 'the first event');
    const seq = await redis().get(k.seq);
    // The last key the spend script writes, made a string by hand.
    await redis().set(k.spend.byTime, 'not a sorted set');
    const spend = ev('spend.recorded', recent(5), { id: 'sp-bad', store: S, spendId: 'S1', budgetId: 'B1', amount: 12.34 });
    expect((await post(spend)).status).toBe(202);
    await eventsDrained(stack);
    expect(await inLog(redis(), stack.config.prefix, S, 'sp-bad')).toBe(0);
    expect(await redis().get(k.seq)).toBe(seq);
    expect(await redis().exists(k.spend.records, k.spend.byBudget)).toBe(0);
    expect((await stack.request('GET', `/api/v1/stores/${S}/rejected`)).body).toMatchObject({
      total: 1,
      items: [{ id: 'sp-bad', reason: `${k.spend.byTime} holds a string, not a zset`, event: spend }],
    });
    expect((await finishedJobOf('sp-bad')).attemptsMade).toBe(1);

    await redis().del(k.spend.byTime);
    expect((await post(spend)).status).toBe(202);
    await waitFor(async () => (await redis().hget(k.spend.byBudget, 'B1')) === '1234', 10_000, 'the spend');
    expect(await redis().zscore(k.spend.byTime, 'S1')).toBe(String(Date.parse(spend.at)));
    expect(await redis().get(k.seq)).toBe(String(Number(seq) + 1));
    expect((await stack.request('GET', `/api/v1/stores/${S}/rejected`)).body.total).toBe(0);
  });

  it('an error inside a script (a record that cannot be read) rejects the event at once: not logged, not retried', async () => {
    const S = 'ATM3';
    const k = keysOf(S);
    expect((await post(ev('showroom.visit', recent(9), { id: 'v-0', store: S, firstVisit: true }))).status).toBe(202);
    await waitFor(async () => (await inLog(redis(), stack.config.prefix, S, 'v-0')) === 1, 10_000, 'the first event');
    const seq = await redis().get(k.seq);
    const failedBefore = await rejectedCount('failed');
    await redis().hset(k.complaints.state, 'C9', 'not json');
    const opened = ev('complaint.opened', recent(5), {
      id: 'cp-bad',
      store: S,
      complaintId: 'C9',
      channel: 'phone',
      category: 'service',
      severity: 'high',
    });
    expect((await post(opened)).status).toBe(202);
    await eventsDrained(stack);
    expect(await inLog(redis(), stack.config.prefix, S, 'cp-bad')).toBe(0);
    expect(await redis().get(k.seq)).toBe(seq);
    const job = await finishedJobOf('cp-bad');
    expect(job.attemptsMade).toBe(1);
    expect(job.returnvalue).toEqual({ applied: 0, duplicates: 0, rejected: 1, expired: 0 });
    expect(await rejectedCount('failed')).toBe(failedBefore + 1);
    const listed = (await stack.request('GET', `/api/v1/stores/${S}/rejected`)).body;
    expect(listed.total).toBe(1);
    expect(listed.items[0].id).toBe('cp-bad');
    expect(listed.items[0].reason).toMatch(
      /^Redis could not run the script: ERR user_script:\d+: Expected value but found invalid token/,
    );

    await redis().hdel(k.complaints.state, 'C9');
    expect((await post(opened)).status).toBe(202);
    await waitFor(async () => (await redis().zscore(k.complaints.open, 'C9')) !== null, 10_000, 'the complaint');
    expect(await inLog(redis(), stack.config.prefix, S, 'cp-bad')).toBe(1);
    expect(await redis().get(k.seq)).toBe(String(Number(seq) + 1));
    expect((await stack.request('GET', `/api/v1/stores/${S}/rejected`)).body.total).toBe(0);
  });

  it('a Redis busy with another script: nothing of the batch is written, and the job’s retry applies it once', async () => {
    // A redis-server of this test's own: it is made busy on purpose.
    const dir = mkdtempSync(join(tmpdir(), 'pulse-busy-'));
    const server = await startRedisServer(dir);
    const deps = applyDeps('busy', {}, server.url);
    const other = new Redis(server.url);
    try {
      const k = storeKeys(deps.config.prefix, 'BSY1');
      const at = recent(5);
      const first = ev('material.moved', at, { id: 'b-1', store: 'BSY1', itemId: 'P', quantity: 10 });
      const second = ev('material.moved', at, { id: 'b-2', store: 'BSY1', itemId: 'P', quantity: 5 });
      expect(await applyEvents(deps, [first])).toEqual({ applied: 1, duplicates: 0, rejected: 0, expired: 0 });
      // Another client's script runs for 1.5 s; after 100 ms Redis answers everyone else BUSY.
      await other.config('SET', 'busy-reply-threshold', '100');
      const busy = other.eval(
        `local t = redis.call('TIME')
         while true do
           local n = redis.call('TIME')
           if (n[1] - t[1]) * 1000000 + (n[2] - t[2]) > 1500000 then return 1 end
         end`,
        0,
      );
      await new Promise((r) => setTimeout(r, 400));
      // The job's attempt fails (BullMQ retries it); nothing of the event was written, nothing rejected.
      await expect(applyEvents(deps, [first, second])).rejects.toThrow(/^BUSY/);
      expect(await busy).toBe(1);
      expect(await inLog(deps.redis, deps.config.prefix, 'BSY1', 'b-2')).toBe(0);
      expect(await deps.redis.hget(k.materials.stock, 'P')).toBe('10');
      expect(await deps.redis.exists(k.rejected)).toBe(0);
      // The retry: the first event is a duplicate, the second applies once.
      expect(await applyEvents(deps, [first, second])).toEqual({ applied: 1, duplicates: 1, rejected: 0, expired: 0 });
      expect(await deps.redis.hget(k.materials.stock, 'P')).toBe('15');
      expect(await deps.redis.get(k.seq)).toBe('2');
    } finally {
      other.disconnect();
      deps.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
