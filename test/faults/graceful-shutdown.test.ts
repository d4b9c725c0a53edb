/**
 * SIGTERM: a worker takes no new job, finishes the one it is applying and exits 0, the job done
 * once and not retried; a server turns /readyz to 503, tells its sockets to reconnect, stops
 * accepting connections, finishes the request in flight and exits 0.
 */
import { request } from 'node:http';
import { Job } from 'bullmq';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MAX_BATCH } from '../../domain/events.js';
import { ev } from '../support/events.js';
import {
  batches,
  demoEvents,
  distinctIds,
  eventsQueue,
  expectDrained,
  expectFiguresOf,
  logSize,
  postEvents,
} from '../support/faults.js';
import { WallClient } from '../support/live-wall.js';
import { FAST_FAULTS, killAll, startPulse } from '../support/processes.js';
import { PulseGroup } from '../support/pulse-group.js';
import { ADMIN_TOKEN, uniquePrefix, waitFor } from '../support/stack.js';

const redisUrl = inject('redisUrl');
const cleanup: (() => unknown)[] = [];

afterAll(async () => {
  cleanup.reverse().forEach((c) => c());
  await killAll();
});

describe('SIGTERM to a worker', () => {
  it('finishes the batch in hand, takes no other, exits 0; nothing lost or applied twice', async () => {
    const STORE = 'HZ01';
    const prefix = uniquePrefix('fterm');
    const queue = eventsQueue(redisUrl, prefix);
    cleanup.push(() => void queue.close());
    const events = demoEvents(STORE, 10, 31);
    const jobs = batches(events, MAX_BATCH);
    expect(jobs.length).toBeGreaterThanOrEqual(4);

    const group = new PulseGroup();
    const server = await group.start('server', { redisUrl, prefix });
    for (const b of jobs) expect(await postEvents(server.baseUrl, b)).toBe(202);
    // One batch at a time, so that the others are plainly not taken.
    const worker = await group.start('worker', { redisUrl, prefix, env: { PULSE_WORKER_CONCURRENCY: '1' } });
    await waitFor(async () => (await queue.getActiveCount()) > 0, 10_000, 'a batch being applied');
    const signalledAt = Date.now();
    worker.signal('SIGTERM');
    const exit = await worker.exited;
    expect(exit, worker.output()).toEqual({ code: 0, signal: null });

    // It finished what it had in hand (nothing left active) and stopped taking batches.
    expect(await queue.getActiveCount()).toBe(0);
    const done = await queue.getCompleted();
    expect(done.length).toBeGreaterThan(0);
    expect(await queue.getWaitingCount()).toBeGreaterThan(0);
    // The batch in flight at the signal completed in that one run: not stalled, not retried.
    const inFlight = done.filter((j) => j.processedOn! <= signalledAt && j.finishedOn! >= signalledAt);
    expect(inFlight.length, `signalled at ${signalledAt}: ${done.map((j) => `${j.processedOn}-${j.finishedOn}`)}`).toBe(1);
    for (const j of done) {
      const job = (await Job.fromId(queue, j.id!))!;
      expect([job.attemptsStarted, job.attemptsMade, job.stalledCounter]).toEqual([1, 1, 0]);
      expect(job.returnvalue.applied).toBe(job.data.events.length);
    }

    // Another worker applies the rest: every event once.
    await group.start('worker', { redisUrl, prefix });
    await expectDrained(queue, group.dump, 20_000);
    expect(await logSize(redisUrl, prefix, STORE)).toBe(distinctIds(events).size);
    await expectFiguresOf(server.baseUrl, STORE, events, 'ftermref');
    group.expectNoProblems();
  }, 60_000);
});

/** Starts a POST whose body is only half sent; `finish()` sends the rest and resolves with the status. */
function halfSentPost(baseUrl: string, body: string): { finish(): Promise<number> } {
  const buf = Buffer.from(body);
  const req = request(`${baseUrl}/api/v1/events`, {
    method: 'POST',
    agent: false,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'content-length': buf.length },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  status.catch(() => undefined); // awaited through finish()
  req.write(buf.subarray(0, buf.length >> 1));
  return {
    finish() {
      req.end(buf.subarray(buf.length >> 1));
      return status;
    },
  };
}

async function readyz(baseUrl: string): Promise<number | 'refused'> {
  try {
    const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'refused';
  }
}

describe('SIGTERM to a server', () => {
  it('turns /readyz to 503, tells the walls to reconnect, finishes the request in flight, exits 0', async () => {
    const STORE = 'ST01';
    const prefix = uniquePrefix('fsrvterm');
    const queue = eventsQueue(redisUrl, prefix);
    cleanup.push(() => void queue.close());
    const server = await startPulse('server', { redisUrl, prefix });
    const put = await fetch(`${server.baseUrl}/api/v1/stores/${STORE}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '测试店', timezone: 'Asia/Shanghai' }),
    });
    expect(put.status).toBe(200);
    const walls = [1, 2, 3].map(() => new WallClient(server.baseUrl, STORE));
    cleanup.push(() => walls.forEach((w) => w.close()));
    await waitFor(async () => walls.every((w) => w.subscribed), 10_000, 'the walls');

    const event = ev('complaint.opened', new Date(Date.now() - 60_000).toISOString(), {
      store: STORE,
      complaintId: 'C1',
      channel: 'phone',
      category: 'service',
      severity: 'low',
    });
    const inFlight = halfSentPost(server.baseUrl, JSON.stringify({ events: [event] }));
    await new Promise((r) => setTimeout(r, 100));

    const signalledAt = Date.now();
    server.signal('SIGTERM');
    const seen: { at: number; status: number | 'refused' }[] = [];
    while (seen.at(-1)?.status !== 'refused' && Date.now() - signalledAt < 10_000) {
      seen.push({ at: Date.now() - signalledAt, status: await readyz(server.baseUrl) });
      await new Promise((r) => setTimeout(r, 25));
    }
    // 503 from the moment the signal is handled, then no connection taken; never 200 again.
    const statuses = seen.map((s) => s.status);
    const first503 = statuses.indexOf(503);
    expect(first503, `${JSON.stringify(seen)}\n${server.output()}`).toBeGreaterThanOrEqual(0);
    expect(seen[first503]!.at).toBeLessThan(1000);
    expect(statuses.slice(first503).filter((s) => s !== 503 && s !== 'refused')).toEqual([]);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(2); // through the drain delay
    expect(statuses.at(-1)).toBe('refused');

    // The request in flight still completes, and its event is queued.
    expect(await inFlight.finish(), server.output()).toBe(202);
    expect(await server.exited, server.output()).toEqual({ code: 0, signal: null });
    expect(server.problems, server.output()).toEqual([]);
    expect(await queue.getWaitingCount()).toBe(1);

    // Each wall was told when to come back, then disconnected by the server.
    const hint = Number(FAST_FAULTS.PULSE_RECONNECT_HINT_MS);
    for (const w of walls) {
      expect(w.log.slice(0, 3)).toEqual(['connect', 'serverShutdown', 'disconnect:io server disconnect']);
      expect(w.shutdownHints[0]).toBeGreaterThanOrEqual(hint);
      expect(w.shutdownHints[0]).toBeLessThanOrEqual(2 * hint);
    }
  }, 30_000);
});
