/** Ingest throughput through the product's processes, and the bare BullMQ ceiling beside it. */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { STORES } from '../launcher/demo/dealership.js';
import { storeKeys } from '../core/redis/keys.js';
import { demoEvents } from './support/demo-events.js';
import { chunks, round, sleep } from './support/measure.js';
import { ADMIN_TOKEN, CONCURRENCY, P } from './support/params.js';
import { startPulse, stop } from './support/processes.js';

export async function ingestRun(redisUrl: string, run: number) {
  const prefix = `bi${run}${Date.now().toString(36)}`;
  const codes = Array.from(
    { length: P.ingestStores },
    (_, i) => STORES[i % STORES.length]!.code + (i >= STORES.length ? `x${i}` : ''),
  );
  const events = codes.flatMap((code, i) => demoEvents(i, code, P.ingestDays, 100 + i));
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const expected = new Set(events.map((e) => `${e.store}\u0000${e.id}`)).size;
  const server = await startPulse('server', redisUrl, prefix);
  const worker = await startPulse('worker', redisUrl, prefix);
  const redis = new Redis(redisUrl);
  try {
    const batches = chunks(events, 500);
    const started = performance.now();
    // Four requests in flight, as a few dealer systems posting at once would.
    let next = 0;
    const poster = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const res = await fetch(`${server.baseUrl}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events: batch }),
        });
        const text = await res.text();
        if (res.status !== 202) throw new Error(`POST events: ${res.status} ${text.slice(0, 500)}`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, poster));
    const postedMs = performance.now() - started;
    let applied = 0;
    const deadline = Date.now() + 600_000;
    while (applied < expected) {
      if (Date.now() > deadline) throw new Error(`only ${applied}/${expected} applied\n${worker.output()}`);
      const p = redis.pipeline();
      for (const c of codes) p.hlen(storeKeys(prefix, c).log);
      applied = ((await p.exec()) ?? []).reduce((s, [, n]) => s + Number(n), 0);
      if (applied < expected) await sleep(20);
    }
    const ms = performance.now() - started;
    return {
      events: expected,
      requests: batches.length,
      postedMs: round(postedMs),
      ms: round(ms),
      perSec: round((expected / ms) * 1000),
    };
  } finally {
    redis.disconnect();
    await stop(server.child);
    await stop(worker.child);
  }
}

export async function ceilingRun(redisUrl: string, run: number) {
  const prefix = `{bc${run}${Date.now().toString(36)}}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue('ceiling', { connection, prefix });
  const counter = new Redis(redisUrl);
  const key = `${prefix}:counter`;
  const n = P.ceilingJobs;
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const worker = new Worker(
    'ceiling',
    async (job) => {
      await counter.hincrby(key, `f${job.data.i % 100}`, 1);
    },
    { connection, prefix, concurrency: CONCURRENCY, autorun: false },
  );
  worker.on('completed', () => {
    if (++done === n) resolveAll();
  });
  try {
    await worker.waitUntilReady();
    void worker.run();
    const started = performance.now();
    for (let i = 0; i < n; i += 500) {
      const size = Math.min(500, n - i);
      await queue.addBulk(Array.from({ length: size }, (_, k) => ({ name: 'j', data: { i: i + k } })));
    }
    await all;
    const ms = performance.now() - started;
    const total = Object.values(await counter.hgetall(key)).reduce((s, v) => s + Number(v), 0);
    if (total !== n) throw new Error(`ceiling: ${total} increments for ${n} jobs`);
    return { jobs: n, ms: round(ms), perSec: round((n / ms) * 1000) };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    counter.disconnect();
  }
}
