/**
 * The limits of ingest on this machine, measured in the same run as the product's ingest and with
 * the same events: the product's own event scripts (core/events) pipelined straight into Redis, and
 * bare BullMQ carrying the same jobs of 500 events through the same scripts.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { PulseEvent } from '../domain/events.js';
import { loadConfig } from '../core/config.js';
import { defineEventScripts, planEvent, queuePlan } from '../core/events/scripts.js';
import { scriptOutcome } from '../core/events/script-outcome.js';
import { loggedCount } from '../core/events/event-log.js';
import { round } from './support/measure.js';
import { cpuAccount } from './support/cpu.js';
import { ADMIN_TOKEN, CONCURRENCY } from './support/params.js';

/** The events of one repetition, the stores they fall in, and how many distinct events they are. */
export interface IngestLoad {
  codes: string[];
  events: PulseEvent[];
  expected: number;
}

/** Jobs and requests carry this many events, as the product's ingest requests do. */
export const BATCH = 500;
/** Batches in flight at once: the product's 4 posting clients and its worker concurrency of 4. */
export const IN_FLIGHT = CONCURRENCY;

const deadlines = loadConfig({ PULSE_ADMIN_TOKEN: ADMIN_TOKEN, PULSE_LOG_LEVEL: 'silent' });

/** Every event's script on one pipeline: one round trip for the batch, as the product's worker sends a job's events. */
function applyBatch(redis: Redis, prefix: string, batch: PulseEvent[]) {
  const p = redis.pipeline();
  for (const e of batch) queuePlan(p, planEvent(e, prefix, deadlines));
  return p.exec();
}

async function countApplied(redis: Redis, prefix: string, codes: string[]): Promise<number> {
  return (await Promise.all(codes.map((c) => loggedCount(redis, prefix, c)))).reduce((s, n) => s + n, 0);
}

function check(applied: number, expected: number, what: string) {
  if (applied !== expected) throw new Error(`${what}: ${applied} events in the logs, ${expected} expected`);
}

/** (a) The product's event scripts pipelined into Redis, a batch of 500 per round trip, 4 in flight: no HTTP, no queue. */
export async function scriptsRun(redisUrl: string, load: IngestLoad, prefix: string) {
  const redis = new Redis(redisUrl);
  defineEventScripts(redis);
  try {
    const batches = chunk(load.events);
    let next = 0;
    let refused = 0;
    const cpu = await cpuAccount(redis, {});
    const started = performance.now();
    const runner = async () => {
      while (next < batches.length) {
        const answers = (await applyBatch(redis, prefix, batches[next++]!)) ?? [];
        for (const a of answers) if (scriptOutcome(a as [Error | null, unknown]).kind !== 'applied') refused++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, runner));
    const ms = performance.now() - started;
    check(await countApplied(redis, prefix, load.codes), load.expected, 'scripts');
    return {
      events: load.expected,
      batches: batches.length,
      notApplied: refused,
      ms: round(ms),
      perSec: round((load.expected / ms) * 1000),
      /** CPU ms per 1,000 events: Redis and the client planning and sending (this process). */
      cpuMsPer1000: await cpu(load.expected),
    };
  } finally {
    redis.disconnect();
  }
}

/** (b) Bare BullMQ: a Queue and a Worker (concurrency 4) in this process, jobs of 500 events, each job the scripts of its events. */
export async function bullmqRun(redisUrl: string, load: IngestLoad, prefix: string) {
  const queuePrefixName = `{${prefix}q}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue<{ events: PulseEvent[] }>('limit', { connection, prefix: queuePrefixName });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  defineEventScripts(redis);
  const batches = chunk(load.events);
  let done = 0;
  let resolveAll!: () => void;
  let rejectAll!: (e: Error) => void;
  const all = new Promise<void>((res, rej) => ((resolveAll = res), (rejectAll = rej)));
  const worker = new Worker<{ events: PulseEvent[] }>(
    'limit',
    async (job) => {
      await applyBatch(redis, prefix, job.data.events);
    },
    { connection, prefix: queuePrefixName, concurrency: CONCURRENCY, autorun: false },
  );
  worker.on('completed', () => {
    if (++done === batches.length) resolveAll();
  });
  worker.on('failed', (_job, err) => rejectAll(err));
  try {
    await worker.waitUntilReady();
    void worker.run();
    const cpu = await cpuAccount(redis, {});
    const started = performance.now();
    await queue.addBulk(batches.map((events) => ({ name: 'events', data: { events }, opts: { removeOnComplete: 1000 } })));
    await all;
    const ms = performance.now() - started;
    check(await countApplied(redis, prefix, load.codes), load.expected, 'bare BullMQ');
    return {
      events: load.expected,
      jobs: batches.length,
      ms: round(ms),
      perSec: round((load.expected / ms) * 1000),
      /** CPU ms per 1,000 events: Redis and the queue and worker in this process. */
      cpuMsPer1000: await cpu(load.expected),
    };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
  }
}

const chunk = (events: PulseEvent[]) =>
  Array.from({ length: Math.ceil(events.length / BATCH) }, (_, i) => events.slice(i * BATCH, (i + 1) * BATCH));

/** Deletes every key under `prefix` (a repetition's stores), so that repetitions do not fill Redis. */
export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 })) {
      if ((keys as string[]).length) await redis.unlink(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}
