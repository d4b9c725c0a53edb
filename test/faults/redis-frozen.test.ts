/**
 * Redis frozen (SIGSTOP): its connections stay open, so nothing notices a lost connection — only
 * silence. Every request waiting on it is answered 503 with `Retry-After` within the command
 * timeout, a live socket gets an error ack, /readyz says 503; once Redis answers again (SIGCONT)
 * everything works with the same processes, and nothing acknowledged is lost or counted twice.
 */
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../../domain/events.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../domain/protocol.js';
import {
  batches,
  demoEvents,
  distinctIds,
  eventsQueue,
  expectDrained,
  expectFiguresOf,
  getSnapshot,
  logSize,
  postEvents,
} from '../support/faults.js';
import { killAll, OwnRedis } from '../support/processes.js';
import { PulseGroup } from '../support/pulse-group.js';
import { ADMIN_TOKEN, uniquePrefix, waitFor } from '../support/stack.js';

const STORE = 'NJ01';
const prefix = uniquePrefix('ffrz');
const cleanup: (() => unknown)[] = [];
let redis: OwnRedis | undefined;

afterAll(async () => {
  // Never leave a frozen redis-server behind, whatever failed.
  redis?.thaw();
  cleanup.reverse().forEach((c) => c());
  await killAll();
  await redis?.destroy();
});

/** What a caller may wait at most while Redis is frozen: the default command timeout (1.5 s), plus the request's own work. */
const ANSWER_WITHIN_MS = 2500;
/** How long Redis stays frozen. */
const FROZEN_MS = 4000;
/** A probe gives up after this long: a hung request shows as status 0 and this elapsed time. */
const PROBE_GIVES_UP_MS = 6000;

interface Answer {
  status: number;
  retryAfter: string | null;
  body: unknown;
  ms: number;
}

async function timed(url: string, init: RequestInit = {}): Promise<Answer> {
  const t = Date.now();
  try {
    const res = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      signal: AbortSignal.timeout(PROBE_GIVES_UP_MS),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: kept as text */
    }
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body, ms: Date.now() - t };
  } catch {
    return { status: 0, retryAfter: null, body: null, ms: Date.now() - t };
  }
}

/** A socket event's ack and how long it took; `noAck` when none came before the emit's timeout. */
async function timedAck(send: () => Promise<unknown>): Promise<{ ack: unknown; ms: number }> {
  const t = Date.now();
  const ack = await send().catch((err: Error) => ({ noAck: err.message }));
  return { ack, ms: Date.now() - t };
}

describe('Redis frozen (SIGSTOP)', () => {
  it('answers 503 with Retry-After within 2.5 s, and loses nothing acknowledged once Redis answers again', async () => {
    redis = await OwnRedis.create();
    const own = redis;
    const events = demoEvents(STORE, 2, 41);
    const all = batches(events, 40);
    const before = all.slice(0, Math.ceil(all.length / 2));
    const [frozenBatch, ...after] = all.slice(before.length);
    expect(before.length).toBeGreaterThan(3);
    expect(after.length).toBeGreaterThan(3);

    const group = new PulseGroup({ redis: own, tail: 4000 });
    const server = await group.start('server', { redisUrl: own.url, prefix });
    const worker = await group.start('worker', { redisUrl: own.url, prefix });
    const { procs, dump } = group;

    // The store exists, a wall's socket is connected (the admin key needs no Redis to connect).
    expect(await postEvents(server.baseUrl, before[0]!), dump()).toBe(202);
    await waitFor(() => getSnapshot(server.baseUrl, STORE).catch(() => null), 10_000, 'the store');
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${server.baseUrl}/live`, {
      auth: { token: ADMIN_TOKEN },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    cleanup.push(() => socket.disconnect());
    await waitFor(async () => socket.connected, 10_000, 'the socket to connect');

    // The rest of the first half, acknowledged; frozen right after, the worker perhaps still at it.
    for (const b of before.slice(1)) expect(await postEvents(server.baseUrl, b), dump()).toBe(202);

    let whileFrozen: Record<string, Answer> = {};
    let acks: Record<string, { ack: unknown; ms: number }> = {};
    own.freeze();
    const frozenAt = Date.now();
    try {
      const probes = {
        postEvents: timed(`${server.baseUrl}/api/v1/events`, { method: 'POST', body: JSON.stringify({ events: frozenBatch }) }),
        storeKpis: timed(`${server.baseUrl}/api/v1/stores/${STORE}/kpis`),
        groupKpis: timed(`${server.baseUrl}/api/v1/kpis`),
        readyz: timed(`${server.baseUrl}/readyz`),
      };
      const subscribe = timedAck(() => socket.timeout(PROBE_GIVES_UP_MS).emitWithAck('subscribe', { store: STORE }));
      const screen = timedAck(() => socket.timeout(PROBE_GIVES_UP_MS).emitWithAck('watchScreen', { name: 'lobby' }));
      const names = Object.keys(probes);
      const answers = await Promise.all(Object.values(probes));
      whileFrozen = Object.fromEntries(names.map((n, i) => [n, answers[i]!]));
      acks = { subscribe: await subscribe, watchScreen: await screen };
      // Frozen a while longer than the workers' job locks (2 s): jobs in hand are stalled and run again.
      await new Promise((r) => setTimeout(r, Math.max(0, FROZEN_MS - (Date.now() - frozenAt))));
    } finally {
      own.thaw();
    }

    // Each one answered, within the bound, with 503 and when to retry.
    const report = JSON.stringify({ whileFrozen, acks });
    for (const [name, a] of Object.entries(whileFrozen)) {
      expect(a.ms, `${name}: ${report}\n${dump()}`).toBeLessThan(ANSWER_WITHIN_MS);
    }
    for (const name of ['postEvents', 'storeKpis', 'groupKpis']) {
      const a = whileFrozen[name]!;
      expect([a.status, a.retryAfter, (a.body as { error?: string }).error], `${name}: ${report}`).toEqual([
        503,
        '2',
        'unavailable',
      ]);
    }
    expect(whileFrozen.readyz!.status).toBe(503);
    expect(whileFrozen.readyz!.body).toEqual({ ok: false, reason: 'redis' });
    // The wall's socket gets an error ack (it retries), not silence and not a wrong "no such screen".
    expect(acks.subscribe!.ack, report).toEqual({ error: 'snapshot unavailable, retry shortly' });
    expect(acks.watchScreen!.ack, report).toEqual({ error: 'screen unavailable, retry shortly' });
    for (const a of Object.values(acks)) expect(a.ms, report).toBeLessThan(ANSWER_WITHIN_MS);

    // Redis answers again: the same processes serve at once. The refused batch is sent again, with
    // the same ids (it may have been queued anyway: the ids make the resend harmless).
    await waitFor(async () => (await timed(`${server.baseUrl}/readyz`)).status === 200, 5000, 'ready again');
    const resent = await timed(`${server.baseUrl}/api/v1/events`, {
      method: 'POST',
      body: JSON.stringify({ events: frozenBatch }),
    });
    expect(resent.status, dump()).toBe(202);
    for (const b of after) expect(await postEvents(server.baseUrl, b), dump()).toBe(202);
    expect((await timed(`${server.baseUrl}/api/v1/stores/${STORE}/kpis`)).status).toBe(200);

    const queue = eventsQueue(own.url, prefix);
    cleanup.push(() => void queue.close());
    await expectDrained(queue, dump);

    // Every event — acknowledged before the freeze, refused during it and resent, posted after — once.
    const sent: PulseEvent[] = [...before, frozenBatch!, ...after].flat();
    expect(sent.length).toBe(events.length);
    expect(await logSize(own.url, prefix, STORE)).toBe(distinctIds(events).size);
    const actual = await expectFiguresOf(server.baseUrl, STORE, events, 'ffrzref');

    // The wall's socket subscribes again on the same connection.
    const again = await socket.timeout(5000).emitWithAck('subscribe', { store: STORE });
    expect('data' in again && again.data.seq >= actual.seq, JSON.stringify(again)).toBe(true);

    expect(server.alive && worker.alive, dump()).toBe(true);
    group.expectNoProblems();
    // A timeout is Redis being away, not a bug: no stack in any line. A job the worker had in hand
    // when Redis froze (its lock expired meanwhile) is told once, however many steps noticed it.
    for (const p of procs)
      expect(
        p.lines().filter((l) => /"stack":|^\s+at /.test(l)),
        p.output(),
      ).toEqual([]);
    const lostLocks = worker
      .lines()
      .flatMap((l) => (/"msg":"job lost its lock/.test(l) ? [JSON.parse(l) as { jobId: string }] : []));
    expect(lostLocks.length, worker.output()).toBe(new Set(lostLocks.map((l) => l.jobId)).size);
  }, 60_000);
});
