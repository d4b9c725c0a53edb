/**
 * The minute tick with two worker processes' worth of workers on one queue: every store is
 * refreshed exactly once per tick, and the stores are shared out between the workers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seqKeys } from '../core/redis/keys.js';
import { startWorkers, type RunningWorkers } from '../workers/index.js';
import { tickRechecks } from '../core/jobs/enqueue.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

const STORES = Array.from({ length: 40 }, (_, i) => `FAN${String(i).padStart(2, '0')}`);
let stack: Stack;
const workers: RunningWorkers[] = [];

beforeAll(async () => {
  // One job at a time per worker set, so that neither can take every store before the other wakes.
  const one = { events: 1, maintenance: 1, notify: 1, segments: 1, imports: 1 };
  stack = await startStack('fan', { workers: false, config: { workerConcurrency: one } });
  for (const name of ['A', 'B']) {
    workers.push(await startWorkers(stack.config, stack.redisUrl, stack.app.deps.queues, { workerName: name }));
  }
  for (const s of STORES)
    expect((await stack.request('PUT', `/api/v1/stores/${s}`, { name: s, timezone: 'Asia/Shanghai' })).status).toBe(200);
});

afterAll(async () => {
  for (const w of workers) await w.close();
  await stack.close();
});

it('names each store’s job after the tick, without the colon BullMQ refuses', () => {
  expect(tickRechecks('repeat:every-minute:1700000000000', ['HZ01', 'SH02']).map((j) => [j.opts.jobId, j.data])).toEqual([
    ['repeat_every-minute_1700000000000-HZ01', { kind: 'recheck', store: 'HZ01' }],
    ['repeat_every-minute_1700000000000-SH02', { kind: 'recheck', store: 'SH02' }],
  ]);
});

it('a tick refreshes each store once, spread over both workers, and a repeated tick adds nothing', async () => {
  const { redis, queues } = stack.app.deps;
  const ticks = async () => Promise.all(STORES.map(async (s) => Number(await redis.get(seqKeys(stack.config.prefix, s).ticks))));
  const t0 = Date.now();
  const before = await ticks();
  await queues.maintenance.add('tick', { kind: 'tick' }, { jobId: 'tick-fan-1' });
  const jobs = await waitFor(
    async () => {
      const done = (await queues.maintenance.getJobs(['completed'], 0, -1)).filter((j) => j.id?.startsWith('tick-fan-1-'));
      return done.length === STORES.length ? done : null;
    },
    20_000,
    'every store refreshed',
  );
  expect(jobs.map((j) => j.data).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
    STORES.map((store) => ({ kind: 'recheck', store })),
  );
  const by = new Set(jobs.map((j) => j.processedBy));
  expect(by).toEqual(new Set(['A', 'B']));
  // The tick's per-store jobs again (a retried tick): deduplicated by id, nothing runs twice.
  await queues.maintenance.addBulk(tickRechecks('tick-fan-1', STORES));
  // (The scheduler's next minute tick waits as a delayed job; nothing else is left.)
  const left = await queues.maintenance.getJobCounts('waiting', 'active');
  expect([left.waiting, left.active]).toEqual([0, 0]);
  // Each store's tick counter moved by one for this tick, plus one per scheduled minute tick that ran meanwhile.
  const after = await ticks();
  const others = (await queues.maintenance.getJobs(['completed'], 0, -1)).filter(
    (j) => j.name === 'recheck' && !j.id?.startsWith('tick-fan-1-') && (j.finishedOn ?? 0) > t0,
  );
  STORES.forEach((s, i) => {
    const scheduled = others.filter((j) => j.data.kind === 'recheck' && j.data.store === s).length;
    expect(after[i]! - before[i]!).toBe(1 + scheduled);
  });
});
