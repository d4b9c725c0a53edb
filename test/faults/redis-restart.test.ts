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
  figures,
  getSnapshot,
  idsInLog,
  logSize,
  postEvents,
  referenceOf,
  unfinished,
  withResends,
} from '../support/faults.js';
import { WallClient } from '../support/live-wall.js';
import { killAll, OwnRedis, startPulse, type PulseProcess } from '../support/processes.js';
import { uniquePrefix, waitFor } from '../support/stack.js';

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

interface Sent {
  events: PulseEvent[];
  status: number;
}

describe('Redis restarted mid-ingest', () => {
  it('keeps every acknowledged event, applied once, and everything reconnects by itself', async () => {
    redis = await OwnRedis.create();
    const events = withResends(demoEvents(STORE, 5, 23), 0.3, 23);
    const [first, ...rest] = batches(events, 25);
    const server = await startPulse('server', { redisUrl: redis.url, prefix });
    const worker = await startPulse('worker', { redisUrl: redis.url, prefix });
    const procs: PulseProcess[] = [server, worker];
    const dump = () => [...procs.map((p) => p.output(3000)), redis.output()].join('\n');

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
    const restarts: { how: string; downMs: number }[] = [];
    const restart = async (how: 'shutdown' | 'kill9') => {
      const t = Date.now();
      await (how === 'shutdown' ? redis.shutdown() : redis.kill9());
      await sleep(800);
      await redis.start();
      restarts.push({ how, downMs: Date.now() - t });
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
    await waitFor(async () => (await unfinished(queue)) === 0, 30_000, 'the queue to drain').catch((err: Error) => {
      throw new Error(`${err.message}\n${dump()}`);
    });

    // Every acknowledged event is in the log; a refused request is in it whole or not at all.
    const inLog = await idsInLog(redis.url, prefix, STORE, [...distinctIds(events)]);
    const ackedIds = distinctIds(acked.flatMap((s) => s.events));
    expect([...ackedIds].filter((id) => !inLog.has(id))).toEqual([]);
    const storedAnyway = refused.filter((s) => s.events.some((e) => inLog.has(e.id) && !ackedIds.has(e.id)));
    for (const s of storedAnyway) expect(s.events.every((e) => inLog.has(e.id))).toBe(true);
    const kept = [...acked, ...storedAnyway].flatMap((s) => s.events);
    expect(await logSize(redis.url, prefix, STORE)).toBe(distinctIds(kept).size);

    // Applied once each: the figures are those of the kept events applied once.
    const reference = await referenceOf('frdsref', kept, STORE);
    cleanup.push(reference.close);
    const actual = await getSnapshot(server.baseUrl, STORE);
    expect(figures(actual)).toEqual(figures(await reference.at(Date.parse(actual.asOf))));

    // The wall subscribed before the restarts shows the final figures (pushed, or resynced).
    const final = figures(actual);
    await waitFor(
      async () => {
        const s = wall.snapshot;
        if (!s) return false;
        const mine = figures(s);
        return JSON.stringify(mine.kpis) === JSON.stringify(final.kpis);
      },
      10_000,
      'the wall to show the final figures',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${dump()}`);
    });

    // Nobody restarted the server or the worker: they reconnected by themselves.
    expect(server.alive && worker.alive, dump()).toBe(true);
    expect(restarts.map((r) => r.how)).toEqual(['shutdown', 'kill9']);
  }, 60_000);
});
