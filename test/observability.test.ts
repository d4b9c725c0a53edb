/**
 * Structured logs and Prometheus metrics: counters that move by exactly what happened, /metrics
 * behind a key, request ids in headers, logs and 5xx bodies, queue gauges, and the metrics
 * listener of a worker-only process.
 */
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../domain/protocol.js';
import { createApp, type PulseApp } from '../server/app.js';
import { ApiKeys } from '../core/auth/api-keys.js';
import { createLogger } from '../core/observability/logger.js';
import { startMetricsListener } from '../core/observability/metrics-listener.js';
import { createRegistry } from '../core/observability/metrics.js';
import { startWorkers } from '../workers/index.js';
import { createQueues, type ApplyEventsJob } from '../core/jobs/queues.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, testConfig, waitFor, type Stack } from './support/stack.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, one sample a line (comments skipped). */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The sum of the samples of a metric whose labels include the given ones; undefined: no such series. */
function metric(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return hits.length ? hits.reduce((sum, s) => sum + s.value, 0) : undefined;
}

async function scrape(url: string, token: string): Promise<Sample[]> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parse(await res.text());
}

const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

describe('GET /metrics on the API (API and workers sharing one registry, as in --role=all)', () => {
  let stack: Stack;
  let metricsKey: string;
  beforeAll(async () => {
    stack = await startStack('obs');
    const created = await stack.request('POST', '/api/v1/keys', { name: 'prometheus', scopes: ['metrics'] });
    expect(created.status).toBe(201);
    metricsKey = created.body.token;
  });
  afterAll(() => stack.close());
  const scrapeApi = () => scrape(`${stack.baseUrl}/metrics`, metricsKey);

  it('requires a key with the scope metrics: 401 without, 403 with a read-only key', async () => {
    expect((await fetch(`${stack.baseUrl}/metrics`)).status).toBe(401);
    const read = await stack.request('POST', '/api/v1/keys', { name: 'wall', scopes: ['read'] });
    const res = await fetch(`${stack.baseUrl}/metrics`, { headers: { authorization: `Bearer ${read.body.token}` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toContain('metrics');
    // Not under /api/v1.
    expect((await stack.request('GET', '/api/v1/metrics')).status).toBe(404);
  });

  it('moves the event counters by exactly what was accepted, applied and found duplicate', async () => {
    const before = await scrapeApi();
    const events = [1, 2, 3, 4, 5].map((i) =>
      ev('showroom.visit', recent(2), { id: `obs-visit-${i}`, store: 'OB01', firstVisit: true }),
    );
    expect((await stack.request('POST', '/api/v1/events', { events })).status).toBe(202);
    // The first two again: accepted (the API cannot know), then found already applied.
    expect((await stack.request('POST', '/api/v1/events', { events: events.slice(0, 2) })).status).toBe(202);

    const delta = (after: Sample[], name: string, labels: Record<string, string> = {}) =>
      (metric(after, name, labels) ?? 0) - (metric(before, name, labels) ?? 0);
    const after = await waitFor(
      async () => {
        const s = await scrapeApi();
        return delta(s, 'pulse_events_applied_total') + delta(s, 'pulse_events_duplicate_total') === 7 && s;
      },
      10_000,
      'the workers to apply both jobs',
    );
    expect(delta(after, 'pulse_events_accepted_total')).toBe(7);
    expect(delta(after, 'pulse_events_applied_total')).toBe(5);
    expect(delta(after, 'pulse_events_duplicate_total')).toBe(2);
    expect(delta(after, 'pulse_apply_batch_seconds_count')).toBe(2);
    expect(delta(after, 'pulse_apply_event_lag_seconds_count')).toBe(2);
    // By the route pattern, with the status.
    expect(delta(after, 'pulse_http_requests_total', { method: 'POST', route: '/api/v1/events', status: '202' })).toBe(2);
    expect(delta(after, 'pulse_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/events' })).toBe(2);
    // Never the raw URL: a store code in the path stays a parameter.
    await stack.request('GET', '/api/v1/stores/OB01/kpis');
    const later = await scrapeApi();
    expect(metric(later, 'pulse_http_requests_total', { route: '/api/v1/stores/:store/kpis', status: '200' })).toBe(1);
    expect(later.some((s) => s.labels.route?.includes('OB01'))).toBe(false);
  });

  it('shows the queue gauges by queue and state, the lag, and default process metrics with the role', async () => {
    const s = await scrapeApi();
    for (const queue of ['events', 'maintenance', 'segments', 'notify']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(metric(s, 'pulse_queue_jobs', { queue, state }), `${queue} ${state}`).toBeGreaterThanOrEqual(0);
      }
      expect(metric(s, 'pulse_queue_lag_seconds', { queue })).toBeGreaterThanOrEqual(0);
    }
    expect(metric(s, 'process_cpu_seconds_total', { role: 'server' })).toBeGreaterThan(0);
    expect(metric(s, 'pulse_jobs_failed_total', { queue: 'events' })).toBe(0);
    expect(metric(s, 'pulse_webhook_deliveries_total', { outcome: 'delivered' })).toBe(0);
  });

  it('counts live sockets and pushes', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`${stack.baseUrl}/live`, {
      auth: { token: ADMIN_TOKEN },
      transports: ['websocket'],
      reconnection: false,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(await socket.emitWithAck('subscribe', { store: 'OB01' })).toHaveProperty('data');
      expect(metric(await scrapeApi(), 'pulse_live_sockets')).toBe(1);
      const pushed = new Promise<void>((resolve) => socket.once('kpis', () => resolve()));
      await stack.request('POST', '/api/v1/events', ev('showroom.visit', recent(1), { store: 'OB01', firstVisit: false }));
      await pushed;
      expect(metric(await scrapeApi(), 'pulse_live_pushes_total', { kind: 'kpis' })).toBeGreaterThanOrEqual(1);
    } finally {
      socket.disconnect();
    }
    await waitFor(async () => metric(await scrapeApi(), 'pulse_live_sockets') === 0, 5000, 'the gauge to drop');
  });
});

describe('request ids and logs', () => {
  let app: PulseApp;
  let base: string;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const config = testConfig('obslog', { host: '127.0.0.1' });
    const log = createLogger({
      role: 'server',
      level: 'debug',
      destination: { write: (msg: string) => void lines.push(JSON.parse(msg) as Record<string, unknown>) },
    });
    // No workers: jobs stay waiting, so the queue lag can be seen.
    app = await createApp(config, inject('redisUrl'), { log });
    base = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
  });
  afterAll(() => app.close());
  const linesOf = (reqId: string) => lines.filter((l) => l.reqId === reqId);

  it('echoes a sane X-Request-Id and makes one up otherwise', async () => {
    const kept = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'lb-7f3a.42:1' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.42:1');
    const generated = await fetch(`${base}/healthz`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    for (const bad of ['has space', 'x'.repeat(200), '"quoted"']) {
      const res = await fetch(`${base}/healthz`, { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    // On refusals too.
    const refused = await fetch(`${base}/api/v1/kpis`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs each request once with role, pid, request id, route and status, and never a key', async () => {
    const res = await fetch(`${base}/api/v1/kpis?token=${ADMIN_TOKEN}&x=1`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-request-id': 'log-test-1' },
    });
    expect(res.status).toBe(200);
    await waitFor(async () => linesOf('log-test-1').length > 0, 2000, 'the log line');
    const [line, ...more] = linesOf('log-test-1');
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 'info',
      role: 'server',
      pid: process.pid,
      component: 'api',
      method: 'GET',
      route: '/api/v1/kpis',
      status: 200,
      url: '/api/v1/kpis?token=[redacted]&x=1',
      keyId: 'admin-token',
    });
    expect(JSON.stringify(lines)).not.toContain(ADMIN_TOKEN);
  });

  it('answers a failure with 503 and the request id to quote, no stack; the log has the details', async () => {
    const events = app.deps.queues.events;
    const add = events.add.bind(events);
    events.add = () => Promise.reject(new Error('simulated Redis failure'));
    try {
      const res = await fetch(`${base}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'x-request-id': 'fail-1' },
        body: JSON.stringify(ev('showroom.visit', recent(1), { store: 'OB02', firstVisit: true })),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('x-request-id')).toBe('fail-1');
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        error: 'unavailable',
        message: 'the request could not be completed; retry shortly',
        requestId: 'fail-1',
      });
      expect(text).not.toMatch(/simulated|at .*\.ts|stack/);
    } finally {
      events.add = add;
    }
    await waitFor(async () => linesOf('fail-1').length >= 2, 2000, 'the log lines');
    const failure = linesOf('fail-1');
    expect(failure.map((l) => l.level)).toEqual(['error', 'error']);
    expect((failure[0]!.err as { message: string }).message).toBe('simulated Redis failure');
    expect(failure[1]).toMatchObject({ status: 503, route: '/api/v1/events' });
  });

  it('reports the age of the oldest waiting job as the queue lag', async () => {
    const key = await app.deps.keys.create({ name: 'prometheus', scopes: ['metrics'] });
    const res = await fetch(`${base}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(ev('showroom.visit', recent(1), { store: 'OB02', firstVisit: true })),
    });
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 1200));
    const s = await scrape(`${base}/metrics`, key.token);
    expect(metric(s, 'pulse_queue_jobs', { queue: 'events', state: 'waiting' })).toBe(1);
    expect(metric(s, 'pulse_queue_lag_seconds', { queue: 'events' })).toBeGreaterThanOrEqual(1.1);
    expect(metric(s, 'pulse_queue_lag_seconds', { queue: 'events' })).toBeLessThan(30);
    // Scrapes are logged at debug only.
    expect(lines.some((l) => l.url === '/metrics' && l.level === 'debug')).toBe(true);
  });
});

describe('the metrics listener of a worker-only process', () => {
  it('serves /metrics behind a key, /healthz and /readyz, and counts applied events and failed jobs', async () => {
    const redisUrl = inject('redisUrl');
    const config = testConfig('obswrk', { host: '127.0.0.1' });
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queues = createQueues(connection, config.prefix);
    const workers = await startWorkers(config, redisUrl, queues, { metricsPort: 0 });
    try {
      const base = `http://127.0.0.1:${workers.metricsPort}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ ok: true });
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/nope`)).status).toBe(404);

      const first = await scrape(`${base}/metrics`, ADMIN_TOKEN);
      expect(metric(first, 'pulse_events_applied_total')).toBe(0);
      expect(metric(first, 'process_cpu_seconds_total', { role: 'worker' })).toBeGreaterThan(0);
      // Server metrics belong to the API process.
      expect(metric(first, 'pulse_http_requests_total')).toBeUndefined();

      const job: ApplyEventsJob = {
        events: [ev('showroom.visit', recent(1), { store: 'OB03', firstVisit: true })],
        receivedAt: Date.now(),
      };
      await queues.events.add('apply', job);
      await queues.events.add('apply', { events: null } as unknown as ApplyEventsJob, { attempts: 1 });
      const s = await waitFor(
        async () => {
          const s = await scrape(`${base}/metrics`, ADMIN_TOKEN);
          return (
            metric(s, 'pulse_events_applied_total') === 1 && metric(s, 'pulse_jobs_failed_total', { queue: 'events' }) === 1 && s
          );
        },
        10_000,
        'the worker to apply one job and fail the other',
      );
      expect(metric(s, 'pulse_apply_batch_seconds_count')).toBe(1);

      // Closing: not ready while a large batch in flight is finished, then gone.
      const big: ApplyEventsJob = {
        events: Array.from({ length: 3000 }, (_, i) =>
          ev('showroom.visit', recent(1), { store: 'OB04', firstVisit: i % 2 === 0 }),
        ),
        receivedAt: Date.now(),
      };
      const bigJob = await queues.events.add('apply', big);
      await waitFor(async () => (await bigJob.isActive()) || (await bigJob.isCompleted()), 10_000, 'the big job to start');
      const closing = workers.close();
      const draining = await fetch(`${base}/readyz`);
      expect(draining.status).toBe(503);
      expect(await draining.json()).toEqual({ ok: false, reason: 'draining' });
      await closing;
      await expect(fetch(`${base}/readyz`)).rejects.toThrow();
    } finally {
      await workers.close();
      await Promise.all(Object.values(queues).map((q) => q.close()));
      connection.disconnect();
    }
  });
});

describe('two worker processes on one machine', () => {
  it('the second takes a free metrics port when the default one is taken, and fails when the port was chosen', async () => {
    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
    const config = testConfig('obsport', { host: '127.0.0.1' });
    const opts = {
      host: '127.0.0.1',
      registry: createRegistry('worker'),
      keys: new ApiKeys(redis, config.prefix, config.adminToken),
      redis,
      log: createLogger({ role: 'worker', level: 'silent' }),
    };
    const first = await startMetricsListener({ ...opts, port: 0 });
    try {
      await expect(startMetricsListener({ ...opts, port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      const second = await startMetricsListener({ ...opts, port: first.port, orFreePort: true });
      expect(second.port).not.toBe(first.port);
      expect((await fetch(`http://127.0.0.1:${second.port}/healthz`)).status).toBe(200);
      await second.close();
    } finally {
      await first.close();
      redis.disconnect();
    }
  });
});
