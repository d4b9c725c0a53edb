/** Ingest throughput through the product's processes: HTTP, the queue, the worker, the event scripts. */
import { Redis } from 'ioredis';
import { STORES } from '../launcher/demo/dealership.js';
import { loggedCount } from '../core/events/event-log.js';
import { demoEvents } from './support/demo-events.js';
import { chunks, round, sleep } from './support/measure.js';
import { BATCH, IN_FLIGHT, type IngestLoad } from './ingest-limits.js';
import { join } from 'node:path';
import { ADMIN_TOKEN, P, ROOT } from './support/params.js';
import { startPulse, stop } from './support/processes.js';
import { cpuAccount } from './support/cpu.js';

/** The events every repetition and every system carries: demo events of P.ingestStores stores × P.ingestDays days, in time order. */
/** Requests answered 503 that a repetition sends again before it fails. */
const MAX_RETRIES = 20;

export function ingestLoad(): IngestLoad {
  const codes = Array.from(
    { length: P.ingestStores },
    (_, i) => STORES[i % STORES.length]!.code + (i >= STORES.length ? `x${i}` : ''),
  );
  const events = codes.flatMap((code, i) => demoEvents(i, code, P.ingestDays, 100 + i));
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { codes, events, expected: new Set(events.map((e) => `${e.store}\u0000${e.id}`)).size };
}

export async function ingestRun(redisUrl: string, load: IngestLoad, prefix: string) {
  const { codes, events, expected } = load;
  // BENCH_CPU_PROFILE=dir: CPU profiles of the server and worker processes (bench/support/cpu-profile.mjs).
  const profile: Record<string, string> = process.env.BENCH_CPU_PROFILE
    ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${join(ROOT, 'bench/support/cpu-profile.mjs')}` }
    : {};
  const server = await startPulse('server', redisUrl, prefix, profile);
  const worker = await startPulse('worker', redisUrl, prefix, profile);
  const redis = new Redis(redisUrl);
  try {
    const batches = chunks(events, BATCH);
    const cpu = await cpuAccount(redis, { server: server.child.pid, worker: worker.child.pid });
    const started = performance.now();
    // Four requests in flight, as a few dealer systems posting at once would.
    let next = 0;
    let retried = 0;
    const post = (batch: typeof events) =>
      fetch(`${server.baseUrl}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      });
    const poster = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        for (;;) {
          const res = await post(batch);
          const text = await res.text();
          if (res.status === 202) break;
          // 503: Redis did not answer in time (a machine short of CPU); a dealer system sends the batch again.
          if (res.status !== 503 || ++retried > MAX_RETRIES) {
            throw new Error(`POST events: ${res.status} ${text.slice(0, 500)}`);
          }
          await sleep(200);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, poster));
    const postedMs = performance.now() - started;
    let applied = 0;
    const deadline = Date.now() + 600_000;
    while (applied < expected) {
      if (Date.now() > deadline) throw new Error(`only ${applied}/${expected} applied\n${worker.output()}`);
      applied = (await Promise.all(codes.map((c) => loggedCount(redis, prefix, c)))).reduce((s, n) => s + n, 0);
      if (applied < expected) await sleep(20);
    }
    const ms = performance.now() - started;
    return {
      events: expected,
      requests: batches.length,
      /** Requests answered 503 and sent again. */
      retried,
      postedMs: round(postedMs),
      ms: round(ms),
      perSec: round((expected / ms) * 1000),
      /** CPU ms per 1,000 events: server, worker, Redis and the posting client (this process). */
      cpuMsPer1000: await cpu(expected),
    };
  } finally {
    redis.disconnect();
    await stop(server.child);
    await stop(worker.child);
  }
}
