/**
 * Customer value (客户价值) as a background job: on demand through the admin endpoints, one run per
 * store at a time, progress followed, the result read back by the snapshot and the work list; and
 * the nightly schedulers, one per store in its own time zone.
 */
import type { Server } from 'node:http';
import express from 'express';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireScope } from '../core/auth/require-scope.js';
import { queuePrefix } from '../core/redis/keys.js';
import type { Route } from '../server/routes/index.js';
import { getSegmentsJob } from '../server/routes/segments-job.js';
import { postSegmentsRecompute } from '../server/routes/segments-recompute.js';
import { SEGMENTS_QUEUE } from '../core/jobs/queues.js';
import { DAY_MS } from '../core/segments/classify.js';
import { NIGHTLY_PATTERN, scheduleSegments, schedulerId, SYNC_SCHEDULER, syncSegmentSchedules } from '../core/jobs/segments.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './support/stack.js';
import { loggedCount } from '../core/events/event-log.js';

/** The two segmentation routes, mounted the way the app mounts its route table. */
const segmentRoutes: Route[] = [
  { method: 'post', path: '/api/v1/stores/:store/segments/recompute', scope: 'admin', handler: postSegmentsRecompute },
  { method: 'get', path: '/api/v1/stores/:store/segments/job/:jobId', scope: 'admin', handler: getSegmentsJob },
];

let stack: Stack;
let server: Server;
let segUrl: string;
let readKey: string;
let piiKey: string;
let otherStoreAdmin: string;
const events = (store: string) => {
  const now = Date.now();
  const ago = (days: number) => new Date(now - days * DAY_MS).toISOString();
  return [
    // n = 3, k = 1: V3 (500 000, last seen 300 days ago) is the one high customer, churning.
    ev('order.signed', ago(300), {
      store,
      orderId: `${store}-O3`,
      model: '汉',
      amount: 500_000,
      customer: { id: 'V3', name: '王小明', phone: '13812345678' },
    }),
    ev('order.signed', ago(2), { store, orderId: `${store}-O1`, model: '秦', amount: 300_000, customer: { id: 'V1' } }),
    ev('order.signed', ago(200), { store, orderId: `${store}-O2`, model: '宋', amount: 100_000, customer: { id: 'V2' } }),
    ev('member.joined', ago(1), { store, customer: { id: 'V4', name: '李四' } }),
  ];
};

async function seg(method: string, path: string, token = ADMIN_TOKEN) {
  const res = await fetch(segUrl + path, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  stack = await startStack('segjob');
  const deps = stack.app.deps;
  const app = express();
  for (const r of segmentRoutes) app[r.method](r.path, requireScope(deps.keys, r.scope), (req, res) => r.handler(req, res, deps));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const addr = server.address();
  segUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  readKey = (await stack.request('POST', '/api/v1/keys', { name: 'wall', scopes: ['read'] })).body.token;
  piiKey = (await stack.request('POST', '/api/v1/keys', { name: 'call centre', scopes: ['read', 'pii'] })).body.token;
  otherStoreAdmin = (await stack.request('POST', '/api/v1/keys', { name: 'other', scopes: ['admin'], stores: ['SJ9'] })).body
    .token;
  expect((await stack.request('PUT', '/api/v1/stores/SJ1', { name: '价值店', timezone: 'Asia/Shanghai' })).status).toBe(200);
  expect((await stack.request('POST', '/api/v1/events', { events: events('SJ1') })).status).toBe(202);
  await waitFor(
    async () => (await loggedCount(stack.app.deps.redis, stack.config.prefix, 'SJ1')) === 4,
    10_000,
    'the events in the log',
  );
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await stack.close();
});

describe('on demand', () => {
  it('queues one run per store, reports its progress and stores what the wall and the lists read', async () => {
    const queue = stack.app.deps.queues.segments;
    const connection = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
    const queueEvents = new QueueEvents(SEGMENTS_QUEUE, { connection, prefix: queuePrefix(stack.config.prefix) });
    const progress: { jobId: string; data: unknown }[] = [];
    queueEvents.on('progress', (p) => progress.push(p));
    await queueEvents.waitUntilReady();

    const before = await stack.request('GET', '/api/v1/stores/SJ1/kpis', undefined, readKey);
    expect(before.body.kpis.segments).toEqual({
      computedAt: null,
      counts: { highStable: 0, highChurn: 0, lowStable: 0, lowChurn: 0, none: 0 },
    });

    await queue.pause(); // hold the run in the queue, to ask again while it waits
    const first = await seg('POST', '/api/v1/stores/SJ1/segments/recompute');
    expect(first.status).toBe(202);
    const jobId = first.body.jobId as string;
    expect(typeof jobId).toBe('string');
    expect((await seg('POST', '/api/v1/stores/SJ1/segments/recompute')).body).toEqual({ jobId });
    expect((await seg('GET', `/api/v1/stores/SJ1/segments/job/${jobId}`)).body).toEqual({
      jobId,
      state: 'waiting',
      progress: null,
    });
    await queue.resume();

    const done = await waitFor(
      async () => {
        const r = await seg('GET', `/api/v1/stores/SJ1/segments/job/${jobId}`);
        return r.body.state === 'completed' && r.body;
      },
      15_000,
      'the run to complete',
    );
    const counts = { highStable: 0, highChurn: 1, lowStable: 1, lowChurn: 1, none: 1 };
    expect(done).toMatchObject({ jobId, progress: { scanned: 4, total: 4 }, result: { kind: 'segment', store: 'SJ1', counts } });
    await waitFor(async () => progress.filter((p) => p.jobId === jobId).length >= 2, 5_000, 'progress events');
    const seen = progress.filter((p) => p.jobId === jobId).map((p) => p.data);
    expect(seen[0]).toEqual({ scanned: 0, total: 4 });
    expect(seen.at(-1)).toEqual({ scanned: 4, total: 4 });
    await queueEvents.close();
    connection.disconnect();

    const snap = await stack.request('GET', '/api/v1/stores/SJ1/kpis', undefined, readKey);
    expect(snap.body.kpis.segments.counts).toEqual(counts);
    expect(Date.now() - Date.parse(snap.body.kpis.segments.computedAt)).toBeLessThan(60_000);
    const masked = await stack.request('GET', '/api/v1/stores/SJ1/lists/highChurn', undefined, readKey);
    expect(masked.body).toMatchObject({ masked: true, total: 1 });
    expect(masked.body.items).toEqual([
      { customer: { id: 'V3', name: '王*明', phone: '138****5678' }, value: 500_000, lastActivity: expect.any(String) },
    ]);
    const pii = await stack.request('GET', '/api/v1/stores/SJ1/lists/highChurn', undefined, piiKey);
    expect(pii.body.items[0].customer).toEqual({ id: 'V3', name: '王小明', phone: '13812345678' });

    // Finished: asking again starts a new run.
    const again = await seg('POST', '/api/v1/stores/SJ1/segments/recompute');
    expect(again.status).toBe(202);
    expect(again.body.jobId).not.toBe(jobId);
  });

  it('needs the admin scope on the store, a known store and a run of that store', async () => {
    expect((await seg('POST', '/api/v1/stores/SJ1/segments/recompute', readKey)).status).toBe(403);
    expect((await seg('POST', '/api/v1/stores/SJ1/segments/recompute', otherStoreAdmin)).status).toBe(403);
    expect((await seg('POST', '/api/v1/stores/NOPE/segments/recompute')).status).toBe(404);
    expect((await seg('POST', '/api/v1/stores/bad store!/segments/recompute')).status).toBe(400);
    expect((await seg('GET', '/api/v1/stores/SJ1/segments/job/no-such-job')).status).toBe(404);
    await stack.request('PUT', '/api/v1/stores/SJ3', { name: '另一店', timezone: 'Asia/Shanghai' });
    const other = await seg('POST', '/api/v1/stores/SJ3/segments/recompute');
    expect((await seg('GET', `/api/v1/stores/SJ1/segments/job/${other.body.jobId}`)).status).toBe(404);
    expect((await seg('GET', `/api/v1/stores/SJ3/segments/job/${other.body.jobId}`)).status).toBe(200);
  });
});

describe('nightly', () => {
  const localTime = (ms: number, timeZone: string) =>
    new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);

  it('keeps one scheduler per store at 03:00 in its time zone, following its settings', async () => {
    const queue = stack.app.deps.queues.segments;
    await syncSegmentSchedules(queue, stack.app.deps.stores);
    const find = async (id: string) => (await queue.getJobSchedulers(0, -1)).find((s) => s.key === id);
    const shanghai = await find(schedulerId('SJ1'));
    expect(shanghai).toMatchObject({
      pattern: NIGHTLY_PATTERN,
      tz: 'Asia/Shanghai',
      template: { data: { kind: 'segment', store: 'SJ1' } },
    });
    expect(localTime(shanghai!.next!, 'Asia/Shanghai')).toBe('03:00');
    expect(shanghai!.next! - Date.now()).toBeLessThanOrEqual(DAY_MS);

    // What the store PUT handler calls when the time zone changes.
    await scheduleSegments(queue, 'SJ1', 'Europe/Berlin');
    const berlin = await find(schedulerId('SJ1'));
    expect(berlin).toMatchObject({ pattern: NIGHTLY_PATTERN, tz: 'Europe/Berlin' });
    expect(localTime(berlin!.next!, 'Europe/Berlin')).toBe('03:00');
    expect((await queue.getJobSchedulers(0, -1)).filter((s) => s.key === schedulerId('SJ1'))).toHaveLength(1);
    expect(await find(SYNC_SCHEDULER)).toMatchObject({ every: 3600_000 });
  });

  it('schedules a store first registered by its events at the next hourly sync', async () => {
    const queue = stack.app.deps.queues.segments;
    expect((await stack.request('POST', '/api/v1/events', { events: events('SJ2') })).status).toBe(202);
    await waitFor(async () => (await stack.app.deps.stores.get('SJ2')) !== null, 10_000, 'store SJ2 registered');
    const job = await queue.add('sync', { kind: 'sync' });
    await waitFor(async () => (await job.getState()) === 'completed', 10_000, 'the sync run');
    const sj2 = (await queue.getJobSchedulers(0, -1)).find((s) => s.key === schedulerId('SJ2'));
    expect(sj2).toMatchObject({ pattern: NIGHTLY_PATTERN, tz: 'Asia/Shanghai' });
  });
});
