/**
 * Redis restarted in the middle of ingest — once cleanly (SHUTDOWN) and once killed (SIGKILL),
 * with AOF and `appendfsync always`: every acknowledged event is kept and applied once, a request
 * is stored whole or not at all, the server answers 503 while Redis is away and never crashes,
 * server and worker reconnect by themselves, and a wall subscribed before receives the final
 * figures.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../../domain/events.js';
import {
  batches,
  demoEvents,
  distinctIds,
  eventsQueue,
  expectDrained,
  expectFiguresOf,
  figures,
  getSnapshot,
  idsInLog,
  logSize,
  postEvents,
  withResends,
} from '../support/faults.js';
import { WallClient } from '../support/live-wall.js';
import { killAll, OwnRedis } from '../support/processes.js';
import { PulseGroup } from '../support/pulse-group.js';
import { ADMIN_TOKEN, uniquePrefix, waitFor } from '../support/stack.js';

const STORE = 'HZ02';
const prefix = uniquePrefix('frds');
const cleanup: (() => unknown)[] = [];
let redis: OwnRedis;

afterAll(async () => {
  cleanup.reverse().forEach((c) => c());
  await killAll();
  await redis?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The status of a GET with the admin key; 0 when there was no answer within 5 s. */
async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

interface Sent {
  events: PulseEvent[];
  status: number;
}

describe('Redis restarted mid-ingest', () => {
  it('keeps every acknowledged event, applied once, and everything reconnects by itself', async () => {
    redis = await OwnRedis.create();
    const events = withResends(demoEvents(STORE, 5, 23), 0.3, 23);
    const [first, ...rest] = batches(events, 25);
    const group = new PulseGroup({ redis });
    const server = await group.start('server', { redisUrl: redis.url, prefix });
    const worker = await group.start('worker', { redisUrl: redis.url, prefix });
    const { dump } = group;

    // The store exists (its first batch applied) and a wall watches it.
    const sent: Sent[] = [{ events: first!, status: await postEvents(server.baseUrl, first!) }];
    expect(sent[0]!.status, dump()).toBe(202);
    await waitFor(() => getSnapshot(server.baseUrl, STORE).catch(() => null), 10_000, 'the store');
    const wall = new WallClient(server.baseUrl, STORE);
    cleanup.push(() => wall.close());
    await waitFor(async () => wall.subscribed, 10_000, 'the wall to subscribe');

    // A sender posting batch after batch, never retrying: what failed is simply not acknowledged.
    let posted = 1;
    const sender = (async () => {
      for (const b of rest) {
        sent.push({ events: b, status: await postEvents(server.baseUrl, b, 5000) });
        posted++;
        await sleep(15);
      }
    })();
    const restarts: { how: string; downMs: number; whileDown: Record<string, number> }[] = [];
    const restart = async (how: 'shutdown' | 'kill9') => {
      const t = Date.now();
      await (how === 'shutdown' ? redis.shutdown() : redis.kill9());
      // While Redis is away: alive, not ready, and a read is refused with 503 (not hung, no crash).
      const [healthz, readyz, kpis] = await Promise.all(
        ['/healthz', '/readyz', `/api/v1/stores/${STORE}/kpis`].map((path) => status(server.baseUrl + path)),
      );
      await sleep(Math.max(0, 800 - (Date.now() - t)));
      await redis.start();
      restarts.push({ how, downMs: Date.now() - t, whileDown: { healthz: healthz!, readyz: readyz!, kpis: kpis! } });
    };
    await waitFor(async () => posted >= rest.length / 4, 20_000, 'a quarter posted');
    await restart('shutdown');
    await waitFor(async () => posted >= (rest.length * 3) / 5, 20_000, 'three fifths posted');
    await restart('kill9');
    await sender;

    const acked = sent.filter((s) => s.status === 202);
    const refused = sent.filter((s) => s.status !== 202);
    // Redis was away while the sender posted: some requests were refused, all of them with 503.
    expect(refused.length, `restarts ${JSON.stringify(restarts)}`).toBeGreaterThan(0);
    expect(new Set(refused.map((s) => s.status)), dump()).toEqual(new Set([503]));
    expect(acked.length).toBeGreaterThan(sent.length / 2);

    const queue = eventsQueue(redis.url, prefix);
    cleanup.push(() => void queue.close());
    await expectDrained(queue, dump);

    // The requests stored are the jobs in Redis (all kept, ~120): every acknowledged one, and
    // perhaps a refused one — Redis stored it and went away before answering. Whole, or not at all.
    // A job holds its request's distinct events: an event resent within one request is queued once.
    const idsOf = (batch: PulseEvent[]) => [...new Set(batch.map((e) => e.id))].join(',');
    const stored = new Set((await queue.getJobs(['completed'], 0, -1)).map((j) => idsOf(j.data.events)));
    expect(acked.filter((s) => !stored.has(idsOf(s.events))).length, 'acknowledged but not stored').toBe(0);
    const storedAnyway = refused.filter((s) => stored.has(idsOf(s.events)));
    expect(stored.size).toBe(acked.length + storedAnyway.length);
    // Every event of a stored request is in the log, once; none of the others.
    const kept = [...acked, ...storedAnyway].flatMap((s) => s.events);
    const inLog = await idsInLog(redis.url, prefix, STORE, [...distinctIds(events)]);
    expect(inLog).toEqual(distinctIds(kept));
    expect(await logSize(redis.url, prefix, STORE)).toBe(distinctIds(kept).size);

    // Applied once each: the figures are those of the kept events applied once.
    const final = figures(await expectFiguresOf(server.baseUrl, STORE, kept, 'frdsref'));

    // The wall subscribed before the restarts shows the final figures (pushed, or resynced).
    await waitFor(
      async () => {
        const s = wall.snapshot;
        if (!s) return false;
        const mine = figures(s);
        return JSON.stringify(mine.kpis) === JSON.stringify(final.kpis);
      },
      10_000,
      'the wall to show the final figures',
      dump,
    );

    // Nobody restarted the server or the worker: they reconnected by themselves, and wrote no
    // crash-like line on the way (an unhandled rejection, an unhandled Redis error).
    expect(server.alive && worker.alive, dump()).toBe(true);
    group.expectNoProblems();
    expect(restarts.map((r) => [r.how, r.whileDown])).toEqual([
      ['shutdown', { healthz: 200, readyz: 503, kpis: 503 }],
      ['kill9', { healthz: 200, readyz: 503, kpis: 503 }],
    ]);
  }, 60_000);
});
