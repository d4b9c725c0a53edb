/**
 * A store of 200,000 customers (254,000 events written straight into its log) segmented by the
 * job while the wall's events keep flowing: a batch posted mid-scan is applied and visible long
 * before the scan ends, because the scan runs on its own worker and yields between chunks.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PulseEvent } from '../domain/events.js';
import { storeKeys } from '../core/redis/keys.js';
import { DAY_MS } from '../core/segments/classify.js';
import { requestSegments } from '../core/jobs/segments.js';
import { segmentKeys } from '../core/segments/segment-store.js';
import { readHighChurn } from '../core/segments/read-segments.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

const STORE = 'BIG';
const N = 200_000;
const MEMBERS = 10_000;
const H = 3600_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('segload');
});
afterAll(async () => {
  const { summary, highChurn } = segmentKeys(stack.config.prefix, STORE);
  await stack.app.deps.redis.unlink(storeKeys(stack.config.prefix, STORE).log, summary, highChurn);
  await stack.close();
});

/**
 * Customer i: one order of 1 000 + (i mod 1000) × 100 yuan, (7i mod 700) days and an hour ago;
 * every 10th a visit 5 days ago; every 20th (i ≡ 5) a repair of 500 yuan 200 days ago; every 50th
 * (i ≡ 7) its order cancelled. Plus 10,000 members without a purchase.
 */
function customerEvents(i: number, now: number): PulseEvent[] {
  const customer = { id: `c${i}`, name: `客户${i}`, phone: `138${String(i).padStart(8, '0')}` };
  const at = (ms: number) => new Date(now - ms).toISOString();
  const out: PulseEvent[] = [
    {
      id: `o${i}`,
      type: 'order.signed',
      store: STORE,
      at: at(((7 * i) % 700) * DAY_MS + H),
      orderId: `O${i}`,
      model: '汉',
      amount: 1000 + (i % 1000) * 100,
      customer,
    },
  ];
  if (i % 10 === 0)
    out.push({ id: `v${i}`, type: 'showroom.visit', store: STORE, at: at(5 * DAY_MS), firstVisit: false, customer });
  if (i % 20 === 5) {
    out.push({ id: `ro${i}`, type: 'repair.opened', store: STORE, at: at(200 * DAY_MS), roId: `R${i}`, customer });
    out.push({ id: `rc${i}`, type: 'repair.closed', store: STORE, at: at(200 * DAY_MS), roId: `R${i}`, amount: 500, customer });
  }
  if (i % 50 === 7) out.push({ id: `x${i}`, type: 'order.cancelled', store: STORE, at: at(DAY_MS), orderId: `O${i}` });
  return out;
}

/** The classes of the generated store, worked out from its definition (not from the job's code). */
function expectedCounts(now: number) {
  const value: number[] = [];
  const last: number[] = [];
  for (let i = 0; i < N; i++) {
    value.push((i % 50 === 7 ? 0 : (1000 + (i % 1000) * 100) * 100) + (i % 20 === 5 ? 50_000 : 0));
    let a = now - ((7 * i) % 700) * DAY_MS - H;
    if (i % 10 === 0) a = Math.max(a, now - 5 * DAY_MS);
    if (i % 20 === 5) a = Math.max(a, now - 200 * DAY_MS);
    last.push(a);
  }
  const positive = value.filter((v) => v > 0).sort((a, b) => b - a);
  const cutoff = positive[Math.max(1, Math.floor(positive.length / 5)) - 1]!;
  const counts = { highStable: 0, highChurn: 0, lowStable: 0, lowChurn: 0, none: MEMBERS };
  value.forEach((v, i) => {
    if (v === 0) counts.none++;
    else {
      const churn = last[i]! < now - 180 * DAY_MS;
      const key = `${v >= cutoff ? 'high' : 'low'}${churn ? 'Churn' : 'Stable'}` as keyof typeof counts;
      counts[key]++;
    }
  });
  return { counts, cutoff };
}

it('segments 200,000 customers while an event batch posted meanwhile is applied promptly', { timeout: 60_000 }, async () => {
  const { redis, queues, stores } = stack.app.deps;
  /** Posts 500 visits without a customer and waits until the wall shows `expected` visits today. */
  const postVisits = async (tag: string, expected: number) => {
    const posted = Date.now();
    const batch = Array.from({ length: 500 }, (_, j) => ({
      id: `${tag}${j}`,
      type: 'showroom.visit',
      store: STORE,
      at: new Date(posted).toISOString(),
      firstVisit: j % 2 === 0,
    }));
    expect((await stack.request('POST', '/api/v1/events', { events: batch })).status).toBe(202);
    await waitFor(
      async () => (await stack.request('GET', `/api/v1/stores/${STORE}/kpis`)).body?.kpis?.showroom?.today?.visits === expected,
      20_000,
      `batch ${tag} on the wall`,
    );
    return { posted, ms: Date.now() - posted };
  };
  const log = storeKeys(stack.config.prefix, STORE).log;
  const now = Date.now();
  await stores.put(STORE, { name: '大店', timezone: 'Asia/Shanghai' });

  let t = performance.now();
  let written = 0;
  for (let from = 0; from < N; from += 20_000) {
    const p = redis.pipeline();
    let args: string[] = [];
    const flush = () => {
      if (args.length) p.hset(log, ...args);
      args = [];
    };
    for (let i = from; i < Math.min(N, from + 20_000); i++) {
      for (const e of customerEvents(i, now)) {
        args.push(e.id, JSON.stringify(e));
        if (args.length >= 2000) flush();
        written++;
      }
    }
    if (from === 0) {
      for (let j = 0; j < MEMBERS; j++) {
        const e = {
          id: `m${j}`,
          type: 'member.joined',
          store: STORE,
          at: new Date(now - 100 * DAY_MS).toISOString(),
          customer: { id: `m${j}` },
        };
        args.push(e.id, JSON.stringify(e));
        if (args.length >= 2000) flush();
        written++;
      }
    }
    flush();
    await p.exec();
  }
  const writeMs = performance.now() - t;
  expect(await redis.hlen(log)).toBe(written);

  // The same batch with no segmentation running, for comparison.
  const { ms: idleMs } = await postVisits('idle', 500);

  t = performance.now();
  const job = await requestSegments(queues.segments, STORE);
  // Mid-scan: some of the log read, not all of it.
  const mid = await waitFor(
    async () => {
      const p = (await queues.segments.getJob(job.id!))?.progress as { scanned: number; total: number } | undefined;
      return typeof p === 'object' && p.scanned > 0 && p.scanned < p.total && p;
    },
    30_000,
    'progress mid-scan',
  );
  expect(mid.total).toBe(written + 500); // the log and the first batch

  // The wall's events meanwhile: 500 visits without a customer (they leave the segmentation alone).
  const { ms: visibleMs, posted } = await postVisits('live', 1000);
  const stateWhenVisible = await (await queues.segments.getJob(job.id!))!.getState();

  const finished = await waitFor(
    async () => {
      const j = await queues.segments.getJob(job.id!);
      if (j?.failedReason) throw new Error(j.failedReason);
      return j?.finishedOn !== undefined && j;
    },
    50_000,
    'the segmentation',
  );
  const jobMs = finished.finishedOn! - finished.processedOn!;
  const { counts, cutoff } = expectedCounts(now);
  console.log(
    `[segments-load] wrote ${written} events in ${Math.round(writeMs)} ms; job ran ${jobMs} ms ` +
      `(${Math.round(performance.now() - t)} ms from request); a 500-event batch posted mid-scan was on the wall ` +
      `${visibleMs} ms after posting (${idleMs} ms with no scan running), the segmentation then ${stateWhenVisible}`,
  );

  expect(stateWhenVisible).toBe('active');
  expect(posted + visibleMs).toBeLessThan(finished.finishedOn!);
  expect(finished.returnvalue).toMatchObject({ kind: 'segment', store: STORE, counts, customers: N + MEMBERS });
  const list = await readHighChurn(redis, stack.config.prefix, STORE, { pii: false, limit: 1000 });
  expect(list).toHaveLength(Math.min(500, counts.highChurn));
  expect(list[0]!.value).toBeGreaterThanOrEqual(list.at(-1)!.value);
  expect(list.at(-1)!.value * 100).toBeGreaterThanOrEqual(cutoff);
  expect(list[0]!.customer.phone).toMatch(/^138\*\*\*\*\d{4}$/);
});
