/** The HTTP API against the real app, queue and workers: keys, validation, idempotency, config. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKeys } from '../server/redis-keys.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('ingest');
});
afterAll(() => stack.close());

const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

describe('POST /api/v1/events', () => {
  it('refuses a missing or unknown key with 401 and a key without the scope with 403', async () => {
    const e = ev('showroom.visit', recent(1), { firstVisit: true });
    expect((await stack.request('POST', '/api/v1/events', e, null)).status).toBe(401);
    expect((await stack.request('POST', '/api/v1/events', e, 'not-a-key')).status).toBe(401);
    const created = await stack.request('POST', '/api/v1/keys', { name: 'wall', scopes: ['read'] });
    expect(created.status).toBe(201);
    const res = await stack.request('POST', '/api/v1/events', e, created.body.token);
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('ingest');
  });

  it('rejects a whole batch for one bad event, naming index, field and reason', async () => {
    const good = ev('repair.opened', recent(5), { store: 'BAD1', roId: 'RO-1' });
    const res = await stack.request('POST', '/api/v1/events', {
      events: [
        good,
        { ...ev('spend.recorded', recent(5), { store: 'BAD1', spendId: 'S', budgetId: 'B', amount: 10 }), amount: 1.234 },
        { ...good, id: 'x', type: 'nope' },
        { ...good, id: 'late', at: new Date(Date.now() + 10 * 60_000).toISOString() },
        { ...good, id: 'bad at', at: '2026-11-23 10:00' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_events');
    const byIndex = Object.fromEntries(
      res.body.details.map((d: { index: number; path: string; message: string }) => [d.index, d]),
    );
    expect(byIndex[1]).toMatchObject({ path: 'amount', message: 'must have at most 2 decimals' });
    expect(byIndex[2].path).toBe('type');
    expect(byIndex[3]).toMatchObject({ path: 'at', message: 'is more than 5 minutes in the future' });
    expect(
      res.body.details
        .filter((d: { index: number }) => d.index === 4)
        .map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(['at', 'id']);
    expect(byIndex[0]).toBeUndefined();
    // Nothing of the batch was applied, not even the good event.
    await new Promise((r) => setTimeout(r, 300));
    expect(await stack.app.deps.redis.hlen(storeKeys(stack.config.prefix, 'BAD1').log)).toBe(0);
  });

  it('answers 400 for JSON that does not parse, and 413 over 1 MiB', async () => {
    expect((await stack.request('POST', '/api/v1/events', '{"events": [')).status).toBe(400);
    const big = { events: [{ ...ev('showroom.visit', recent(1), { firstVisit: true }), pad: 'x'.repeat(1.1 * 1024 * 1024) }] };
    const res = await stack.request('POST', '/api/v1/events', big);
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('too_large');
  });

  it('rejects batches of 0 or more than 1000 events', async () => {
    expect((await stack.request('POST', '/api/v1/events', { events: [] })).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => ev('showroom.visit', recent(1), { id: `m${i}`, firstVisit: false }));
    const res = await stack.request('POST', '/api/v1/events', { events: many });
    expect(res.status).toBe(400);
    expect(res.body.details[0].path).toBe('events');
  });

  it('accepts a batch with 202, applies it, and the same ids again change nothing', async () => {
    const events = [
      ev('repair.opened', recent(30), { id: 'ro-1', store: 'IDEM', roId: 'RO-1', appointmentId: 'A1' }),
      ev('repair.opened', recent(20), { id: 'ro-2', store: 'IDEM', roId: 'RO-2' }),
      ev('repair.opened', recent(10), { id: 'ro-3', store: 'IDEM', roId: 'RO-3', appointmentId: 'A3' }),
    ];
    const res = await stack.request('POST', '/api/v1/events', { events });
    expect(res).toEqual({ status: 202, body: { accepted: 3 } });
    const read = async () => (await stack.request('GET', '/api/v1/stores/IDEM/kpis')).body;
    const first = await waitFor(
      async () => {
        const s = await read();
        return s?.kpis?.appointmentRate?.month?.denominator === 3 ? s : null;
      },
      10_000,
      'the batch to apply',
    );
    expect(first.kpis.appointmentRate.month).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 });
    // Resend one event singly and the batch again.
    expect((await stack.request('POST', '/api/v1/events', events[1])).status).toBe(202);
    expect((await stack.request('POST', '/api/v1/events', { events })).status).toBe(202);
    await waitFor(async () => (await stack.app.deps.queues.events.getJobCounts('waiting', 'active')).waiting === 0, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const again = await read();
    expect(again.kpis.appointmentRate.month).toEqual(first.kpis.appointmentRate.month);
    expect(again.seq).toBe(first.seq);
  });
});

describe('time moves without events', () => {
  it('schedules the every-minute recompute and the retention once per deployment', async () => {
    const schedulers = await stack.app.deps.queues.maintenance.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual([
      ['every-minute', 60000],
      ['retention', 6 * 3600_000],
    ]);
  });

  it('a tick bumps every store’s seq so that every wall refreshes', async () => {
    await stack.request('PUT', '/api/v1/stores/TICK1', { name: '滴答', timezone: 'Asia/Shanghai' });
    const before = (await stack.request('GET', '/api/v1/stores/TICK1/kpis')).body.seq;
    await stack.app.deps.queues.maintenance.add('tick', { kind: 'tick' });
    const after = await waitFor(async () => {
      const seq = (await stack.request('GET', '/api/v1/stores/TICK1/kpis')).body.seq;
      return seq > before ? seq : null;
    });
    // +1, or +2 should the scheduled minute tick land during the test.
    expect(after - before).toBeGreaterThanOrEqual(1);
    expect(after - before).toBeLessThanOrEqual(2);
  });
});

describe('configuration', () => {
  it('PUT/GET a store with its time zone, validating it', async () => {
    const bad = await stack.request('PUT', '/api/v1/stores/HZ09', { name: '杭州', timezone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('timezone');
    const put = await stack.request('PUT', '/api/v1/stores/HZ09', { name: '杭州西湖店', timezone: 'Asia/Shanghai' });
    expect(put.status).toBe(200);
    const get = await stack.request('GET', '/api/v1/stores/HZ09');
    expect(get.body).toEqual({ store: 'HZ09', name: '杭州西湖店', timezone: 'Asia/Shanghai' });
    expect((await stack.request('GET', '/api/v1/stores/HZ09/kpis')).body.name).toBe('杭州西湖店');
    expect((await stack.request('GET', '/api/v1/stores/NOPE/kpis')).status).toBe(404);
  });

  it('PUT/GET a budget, defaulting warnAt to 0.8, idempotently', async () => {
    const body = { store: 'HZ09', name: '线上投放', month: '2026-11', amount: 120000.5 };
    const a = await stack.request('PUT', '/api/v1/budgets/B-1', body);
    const b = await stack.request('PUT', '/api/v1/budgets/B-1', body);
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect((await stack.request('GET', '/api/v1/budgets/B-1')).body).toEqual({ budgetId: 'B-1', ...body, warnAt: 0.8 });
    const bad = await stack.request('PUT', '/api/v1/budgets/B-1', { ...body, month: '2026-13', warnAt: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['month', 'warnAt']);
    expect((await stack.request('GET', '/api/v1/budgets/B-404')).status).toBe(404);
  });

  it('only the admin scope may configure', async () => {
    const ingest = await stack.request('POST', '/api/v1/keys', { name: 'dms', scopes: ['ingest'] });
    const res = await stack.request('PUT', '/api/v1/stores/HZ09', { name: 'x' }, ingest.body.token);
    expect(res.status).toBe(403);
    expect(ADMIN_TOKEN.length).toBeGreaterThan(16);
  });
});
