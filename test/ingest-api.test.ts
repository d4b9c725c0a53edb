/** The HTTP API against the real app, queue and workers: keys, validation, idempotency, config. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './support/stack.js';
import { decodeLogged } from '../core/events/logged-event.js';
import { loggedCount, scanLogged } from '../core/events/event-log.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('ingest');
});
afterAll(() => stack.close());

const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
/** Until the workers have taken every queued batch and finished it. */
const drained = () =>
  waitFor(
    async () => {
      const c = await stack.app.deps.queues.events.getJobCounts('waiting', 'active', 'delayed');
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
    },
    10_000,
    'the events queue to drain',
  );

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
    expect(await loggedCount(stack.app.deps.redis, stack.config.prefix, 'BAD1')).toBe(0);
  });

  it('answers 400 for JSON that does not parse, and 413 over 1 MiB', async () => {
    expect((await stack.request('POST', '/api/v1/events', '{"events": [')).status).toBe(400);
    const big = { events: [{ ...ev('showroom.visit', recent(1), { firstVisit: true }), pad: 'x'.repeat(1.1 * 1024 * 1024) }] };
    const res = await stack.request('POST', '/api/v1/events', big);
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('too_large');
  });

  it('answers an empty body, or a batch with a field besides events, with 400 naming the body', async () => {
    const empty = {
      status: 400,
      body: {
        error: 'invalid_events',
        details: [{ index: -1, path: '(body)', message: 'is empty: send one event or {"events": [...]}' }],
      },
    };
    expect(await stack.request('POST', '/api/v1/events', {})).toEqual(empty);
    expect(await stack.request('POST', '/api/v1/events', '')).toEqual(empty);
    const e = ev('showroom.visit', recent(1), { store: 'WRAP', firstVisit: true });
    expect(await stack.request('POST', '/api/v1/events', { events: [e], note: 1, source: 'dms' })).toEqual({
      status: 400,
      body: { error: 'invalid_events', details: [{ index: -1, path: '(body)', message: 'unknown field(s): note, source' }] },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await loggedCount(stack.app.deps.redis, stack.config.prefix, 'WRAP')).toBe(0);
  });

  it('refuses scheduledFor and dueAt more than 2 years from the event’s at', async () => {
    const at = '2026-01-10T10:00:00+08:00';
    const booked = (scheduledFor: string) =>
      ev('appointment.booked', at, { store: 'DATES', appointmentId: 'AP-1', scheduledFor });
    const task = (dueAt: string) =>
      ev('postsale.task', at, { store: 'DATES', taskId: 'T-1', orderId: 'O-1', kind: 'plate', status: 'open', dueAt });
    const res = await stack.request('POST', '/api/v1/events', {
      events: [
        booked('9999-12-31T09:00:00+08:00'),
        task('0001-01-01T00:00:00Z'),
        booked('2028-01-10T10:00:00+08:00'), // exactly 730 days after at: the bound itself is fine
        task('2024-01-11T01:59:59Z'), // 730 days and 1 second before at
        booked('2024-01-11T10:00:00+08:00'),
      ],
    });
    expect(res).toEqual({
      status: 400,
      body: {
        error: 'invalid_events',
        details: [
          { index: 0, path: 'scheduledFor', message: 'must be within 2 years (730 days) of at' },
          { index: 1, path: 'dueAt', message: 'must be within 2 years (730 days) of at' },
          { index: 3, path: 'dueAt', message: 'must be within 2 years (730 days) of at' },
        ],
      },
    });
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
    expect(res).toEqual({ status: 202, body: { accepted: 3, new: 3, duplicates: 0, conflicts: 0 } });
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
    // Resend one event singly (its fields in another order: the same body) and the batch again:
    // every event is accepted again, none is new.
    const reordered = Object.fromEntries(Object.entries(events[1]!).reverse());
    expect(await stack.request('POST', '/api/v1/events', reordered)).toEqual({
      status: 202,
      body: { accepted: 1, new: 0, duplicates: 1, conflicts: 0 },
    });
    expect(await stack.request('POST', '/api/v1/events', { events })).toEqual({
      status: 202,
      body: { accepted: 3, new: 0, duplicates: 3, conflicts: 0 },
    });
    await drained();
    await new Promise((r) => setTimeout(r, 300));
    const again = await read();
    expect(again.kpis.appointmentRate.month).toEqual(first.kpis.appointmentRate.month);
    expect(again.seq).toBe(first.seq);
  });
});

describe('GET …/kpis over HTTP', () => {
  it('carries the pipeline’s freshness, as the socket’s snapshots do', async () => {
    await stack.request(
      'POST',
      '/api/v1/events',
      ev('showroom.visit', recent(5), { id: 'fr-1', store: 'FRH', firstVisit: true }),
    );
    await drained();
    // The server looks every 2 s; the test's workers beat every 2 s: live within a few seconds.
    for (const path of ['/api/v1/stores/FRH/kpis', '/api/v1/kpis']) {
      const body = await waitFor(
        async () => {
          const b = (await stack.request('GET', path)).body;
          return b?.freshness?.state === 'live' ? b : null;
        },
        10_000,
        `${path} to say live`,
      );
      expect(body.freshness).toMatchObject({ state: 'live', backlog: 0, oldestWaitingSeconds: 0 });
      expect(body.freshness.workers).toBeGreaterThanOrEqual(1);
      expect(Date.parse(body.freshness.asOf)).toBeGreaterThan(Date.now() - 10_000);
    }
  });
});

describe('idempotency: an event id is unique within its store', () => {
  const post = (body: unknown) => stack.request('POST', '/api/v1/events', body);
  const visits = async (store: string) => {
    const s = (await stack.request('GET', `/api/v1/stores/${store}/kpis`)).body;
    return s.kpis.appointmentRate.month;
  };
  const logOf = async (store: string) => {
    const log: Record<string, string> = {};
    await scanLogged(stack.app.deps.redis, stack.config.prefix, store, (entries) => {
      for (const e of entries) log[e.id] = e.raw;
    });
    return log;
  };

  it('the same event twice in a batch is accepted once, reported as a duplicate and counted once', async () => {
    const e = ev('repair.opened', recent(10), { id: 'twice-1', store: 'TWICE', roId: 'RO-T1', appointmentId: 'A-T1' });
    const other = ev('repair.opened', recent(9), { id: 'twice-2', store: 'TWICE', roId: 'RO-T2' });
    expect(await post({ events: [e, other, { ...e }] })).toEqual({
      status: 202,
      body: { accepted: 2, new: 2, duplicates: 1, conflicts: 0 },
    });
    await drained();
    expect(Object.keys(await logOf('TWICE')).sort()).toEqual(['twice-1', 'twice-2']);
    expect(await visits('TWICE')).toEqual({ value: 1 / 2, numerator: 1, denominator: 2 });
  });

  it('the same id with a different body in one batch refuses the batch, naming both events', async () => {
    const e = ev('repair.opened', recent(10), { id: 'clash-1', store: 'CLASH', roId: 'RO-C1', appointmentId: 'A-C1' });
    const other = ev('repair.opened', recent(9), { id: 'clash-2', store: 'CLASH', roId: 'RO-C2' });
    expect(await post({ events: [e, other, { ...e, roId: 'RO-C9' }] })).toEqual({
      status: 400,
      body: {
        error: 'invalid_events',
        details: [{ index: 2, path: 'id', message: 'repeats the id of event 0 with a different body' }],
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(await loggedCount(stack.app.deps.redis, stack.config.prefix, 'CLASH')).toBe(0);
  });

  it('the same id in two stores is two events, each counted in its store', async () => {
    const at = recent(10);
    const a = ev('repair.opened', at, { id: 'shared-1', store: 'PERA', roId: 'RO-S1', appointmentId: 'A-S1' });
    const b = ev('repair.opened', at, { id: 'shared-1', store: 'PERB', roId: 'RO-S1', appointmentId: 'A-S1' });
    expect(await post({ events: [a, b] })).toEqual({
      status: 202,
      body: { accepted: 2, new: 2, duplicates: 0, conflicts: 0 },
    });
    await drained();
    expect(Object.keys(await logOf('PERA'))).toEqual(['shared-1']);
    expect(Object.keys(await logOf('PERB'))).toEqual(['shared-1']);
    expect(await visits('PERA')).toEqual({ value: 1, numerator: 1, denominator: 1 });
    expect(await visits('PERB')).toEqual({ value: 1, numerator: 1, denominator: 1 });
    // Sent again to one store only: nothing new there.
    expect(await post(b)).toEqual({ status: 202, body: { accepted: 1, new: 0, duplicates: 1, conflicts: 0 } });
  });

  it('an id already recorded with another body is accepted, changes nothing and is reported', async () => {
    const e = ev('repair.opened', recent(10), { id: 'fixed-1', store: 'FIXED', roId: 'RO-F1', appointmentId: 'A-F1' });
    expect((await post(e)).status).toBe(202);
    await drained();
    const before = await stack.request('GET', '/api/v1/stores/FIXED/kpis');
    const next = ev('repair.opened', recent(8), { id: 'fixed-2', store: 'FIXED', roId: 'RO-F2' });
    expect(await post({ events: [next, { ...e, roId: 'RO-F9' }] })).toEqual({
      status: 202,
      body: {
        accepted: 2,
        new: 1,
        duplicates: 1,
        conflicts: 1,
        warnings: [
          {
            index: 1,
            path: 'id',
            message: 'was recorded before with a different body: this event changes nothing (a correction needs a new id)',
          },
        ],
      },
    });
    await drained();
    expect(decodeLogged((await logOf('FIXED'))['fixed-1']!, 'fixed-1', 'FIXED')).toEqual(e);
    expect(await visits('FIXED')).toEqual({ value: 1 / 2, numerator: 1, denominator: 2 });
    expect((await stack.request('GET', '/api/v1/stores/FIXED/kpis')).body.seq).toBeGreaterThan(before.body.seq);
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
