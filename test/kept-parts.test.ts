/**
 * The store parts the workers keep in Redis (core/kpi/kept-parts.ts): a server that has none of
 * its own — started, its copies expired, at a local midnight — takes them instead of reading the
 * stores, and its group is byte for byte what a service reading every store gives at the same
 * moment. Kept parts of another data version, name or time zone, read after `now`, past their
 * horizon or kept too long ago are not used. Figures worked out by hand in the comments.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Snapshot } from '../domain/kpis.js';
import { saveBudget } from '../core/books/budget-book.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import { MAX_AGE_MS, type StorePartsReader } from '../core/kpi/parts-cache.js';
import { readStoreParts } from '../core/kpi/read-store.js';
import { keptHeader, NEXT_WITHIN_MS, PartsKeeper, readKept, writeKept } from '../core/kpi/kept-parts.js';
import { keptPartsKeys } from '../core/redis/keys.js';
import { ReadHorizon } from '../core/kpi/read-horizon.js';
import { readStoreVersions } from '../core/kpi/store-versions.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { ev } from './support/events.js';
import { applyDeps, readOptions } from './support/stack.js';

const deps = applyDeps('keptparts');
afterAll(() => deps.close());
afterEach(() => vi.restoreAllMocks());
const prefix = deps.config.prefix;
const opts = readOptions(deps.config);
const sh = (local: string) => Date.parse(`${local}+08:00`);
const iso = (local: string) => `${local}+08:00`;

/** 23 Nov 14:05 in Shanghai; 22 Nov 22:05 in Los Angeles. */
const T0 = sh('2026-11-23T14:05:00');
const MIDNIGHT = sh('2026-11-24T00:00:00');

/** The workers' keeper; its wall clock follows Date.now (moved by the tests that move it). */
const keep = new PartsKeeper({ redis: deps.redis, opts }, (s) => deps.stores.get(s));
const keeping = { ...deps, keep };

const reads: string[] = [];
const counting: StorePartsReader = (redis, store, ...rest) => {
  reads.push(store);
  return readStoreParts(redis, store, ...rest);
};
/** A server's service, just started. */
const server = () => new KpiService(deps.redis, deps.stores, opts, counting, 'read');

/** The group of `service` at `now`, checked byte for byte against reading every store; and the stores it read. */
async function groupAt(service: KpiService, now: number): Promise<{ g: Snapshot; read: string[]; fromRedis: number }> {
  reads.length = 0;
  const before = service.partsCounts.kept;
  const g = await service.group(now);
  const read = [...reads].sort();
  const fresh = await new KpiService(deps.redis, deps.stores, opts, readStoreParts, 'off').group(now);
  expect(JSON.stringify(g)).toBe(JSON.stringify(fresh));
  return { g, read, fromRedis: service.partsCounts.kept - before };
}

/** Runs `fn` with Date.now moved `ms` ahead (the wall clock the kept parts' age is measured on). */
const wallAhead = (ms: number) => {
  const real = Date.now.bind(Date);
  vi.spyOn(Date, 'now').mockImplementation(() => real() + ms);
};

beforeAll(async () => {
  await deps.stores.put('HZ01', { name: '杭州西湖店', timezone: 'Asia/Shanghai' });
  await deps.stores.put('LA01', { name: 'Los Angeles', timezone: 'America/Los_Angeles' });
  await saveBudget(deps.redis, prefix, 'B-HZ', { store: 'HZ01', name: '推广', month: '2026-11', amount: 100000, warnAt: 0.8 });
  await applyEvents({ ...keeping, now: () => T0 }, [
    // Delivered 20 Nov 15:30: due (72 h) at 23 Nov 15:30, never called.
    ev('vehicle.delivered', iso('2026-11-20T15:30:00'), { id: 'h1', store: 'HZ01', orderId: 'D1' }),
    // High severity, opened 11:00: overdue once 15:00 has passed without a response.
    ev('complaint.opened', iso('2026-11-23T11:00:00'), {
      id: 'h2',
      store: 'HZ01',
      complaintId: 'C1',
      channel: 'phone',
      category: 'service',
      severity: 'high',
    }),
    ev('spend.recorded', iso('2026-11-10T10:00:00'), { id: 'h3', store: 'HZ01', spendId: 'S1', budgetId: 'B-HZ', amount: 30000 }),
    ev('showroom.visit', iso('2026-11-23T10:00:00'), { id: 'h4', store: 'HZ01', firstVisit: true }),
    ev('lead.created', iso('2026-11-23T10:05:00'), { id: 'h5', store: 'HZ01', leadId: 'L1', channel: 'walk_in' }),
    // 22 Nov 12:00 in Los Angeles: its "today" until its midnight (16:00 in Shanghai).
    ev('vehicle.delivered', '2026-11-22T12:00:00-08:00', { id: 'l1', store: 'LA01', orderId: 'L1' }),
    ev('showroom.visit', '2026-11-22T09:00:00-08:00', { id: 'l2', store: 'LA01', firstVisit: false }),
  ]);
});

describe('store parts kept in Redis by the workers', () => {
  it('are written after a batch, with the data version, horizon and moment they were read at', async () => {
    const [hz] = await readKept(deps.redis, prefix, ['HZ01'], 'parts');
    const h = keptHeader(hz);
    const [v] = await readStoreVersions(deps.redis, prefix, ['HZ01']);
    // The complaint becomes overdue at 15:00 (4 h after 11:00), before the delivery's 15:30 and midnight.
    expect(h).toMatchObject({
      data: v!.data,
      name: '杭州西湖店',
      timezone: 'Asia/Shanghai',
      readAt: T0,
      until: sh('2026-11-23T15:00:00'),
    });
    // Midnight is hours away: its parts are written in the last minutes before it.
    expect(await readKept(deps.redis, prefix, ['HZ01', 'LA01'], 'next')).toEqual([null, null]);
  });

  it('serve a server just started: nothing read, the same group as reading every store', async () => {
    const { g, read, fromRedis } = await groupAt(server(), T0 + 60_000);
    expect(read).toEqual([]);
    expect(fromRedis).toBe(2);
    // Visits: 1 in Shanghai today, 1 in Los Angeles (22 Nov there); the spend 30000 of 100000.
    expect(g.kpis.showroom.today).toEqual({ visits: 2, firstVisits: 1 });
    expect(g.kpis.spend).toMatchObject({ amount: 100000, spent: 30000 });
    expect(g.kpis.complaints).toMatchObject({ open: 1, overdue: 0 });
  });

  it('are not used past their horizon: the store whose complaint fell overdue is read', async () => {
    const { g, read } = await groupAt(server(), sh('2026-11-23T15:00:00.001'));
    expect(read).toEqual(['HZ01']);
    expect(g.kpis.complaints).toMatchObject({ open: 1, overdue: 1 });
  });

  it('are not used for a moment before they were read', async () => {
    const { read } = await groupAt(server(), T0 - 1);
    expect(read).toEqual(['HZ01', 'LA01']);
  });

  it('are not used once the store has other data: an event applied after the keeping is seen', async () => {
    // Applied by a process that keeps nothing: Redis still has the parts of before.
    await applyEvents({ ...deps, now: () => T0 }, [
      ev('showroom.visit', iso('2026-11-23T12:00:00'), { id: 'h6', store: 'HZ01', firstVisit: false }),
    ]);
    const service = server();
    const { g, read, fromRedis } = await groupAt(service, T0 + 2 * 60_000);
    expect(read).toEqual(['HZ01']);
    expect(fromRedis).toBe(1);
    expect(g.kpis.showroom.today).toEqual({ visits: 3, firstVisits: 1 });
    // The minute recheck writes them again; a new server then reads nothing.
    expect(await keep.renew('HZ01', T0 + 2 * 60_000)).toEqual({ parts: true, next: false });
    expect(await keep.renew('LA01', T0 + 2 * 60_000)).toEqual({ parts: false, next: false });
    expect((await groupAt(server(), T0 + 3 * 60_000)).read).toEqual([]);
  });

  it('are not used with another name or time zone than the store has', async () => {
    const [v] = await readStoreVersions(deps.redis, prefix, ['LA01']);
    const horizon = new ReadHorizon(T0);
    // LA01's parts as read in Shanghai's zone, kept under its data version.
    const settings = { name: 'Los Angeles', timezone: 'Asia/Shanghai' };
    const parts = await readStoreParts(deps.redis, 'LA01', settings, T0, opts, horizon);
    const header = { data: v!.data, ...settings, readAt: T0, until: horizon.until, keptAt: Date.now() };
    await writeKept(deps.redis, prefix, 'LA01', 'parts', header, parts);
    // HZ01's kept parts were read at T0 + 2 min.
    const at = T0 + 3 * 60_000;
    expect((await groupAt(server(), at)).read).toEqual(['LA01']);
    await writeKept(deps.redis, prefix, 'LA01', 'parts', { ...header, timezone: 'America/Los_Angeles', name: 'LA' }, parts);
    expect((await groupAt(server(), at)).read).toEqual(['LA01']);
    expect(await keep.renew('LA01', at)).toEqual({ parts: true, next: false });
    expect((await groupAt(server(), at)).read).toEqual([]);
  });

  it('serve a server whose own copies expired, once the minute recheck renewed them', async () => {
    const service = server();
    expect((await groupAt(service, T0 + 4 * 60_000)).read).toEqual([]);
    // No call for longer than MAX_AGE_MS: the copies in the process, and those in Redis, are too old.
    wallAhead(MAX_AGE_MS + 1000);
    expect((await groupAt(service, T0 + 10 * 60_000)).read).toEqual(['HZ01', 'LA01']);
    vi.restoreAllMocks();
    // The same, after the workers' rechecks of the minute (wall clock moved likewise).
    const again = server();
    await groupAt(again, T0 + 10 * 60_000);
    wallAhead(MAX_AGE_MS + 1000);
    expect(await keep.renew('HZ01', T0 + 10 * 60_000)).toEqual({ parts: true, next: false });
    expect(await keep.renew('LA01', T0 + 10 * 60_000)).toEqual({ parts: true, next: false });
    const { read, fromRedis } = await groupAt(again, T0 + 10 * 60_000 + 1000);
    expect(read).toEqual([]);
    expect(fromRedis).toBe(2);
  });

  it('turn over at the local midnight without a read: the parts of midnight were kept before it', async () => {
    // The rechecks of the minutes before midnight: the Shanghai store's midnight is near, LA01's is not.
    const before = MIDNIGHT - NEXT_WITHIN_MS + 60_000;
    expect(await keep.renew('HZ01', before)).toEqual({ parts: true, next: true });
    await keep.renew('LA01', before);
    const service = server();
    expect((await groupAt(service, MIDNIGHT - 1000)).read).toEqual([]);
    const { g, read, fromRedis } = await groupAt(service, MIDNIGHT);
    expect(read).toEqual([]);
    expect(fromRedis).toBe(1);
    // 24 Nov in Shanghai: no visit yet; Los Angeles is at 23 Nov 08:00, its visits were on the 22nd.
    expect(g.kpis.showroom.today).toEqual({ visits: 0, firstVisits: 0 });
    // The month so far: 2 in Shanghai (h4, h6), 1 in Los Angeles.
    expect(g.kpis.showroom.month).toEqual({ visits: 3, firstVisits: 1 });
    // A server started just after midnight takes them too.
    expect((await groupAt(server(), MIDNIGHT + 1000)).read).toEqual([]);
  });

  it('are written back by a server that had to read a store Redis had none of, and only then', async () => {
    const at = MIDNIGHT + 2000;
    await deps.redis.del(keptPartsKeys(prefix, 'LA01').parts);
    const writer = new KpiService(deps.redis, deps.stores, opts, counting, 'readWrite');
    expect((await groupAt(writer, at)).read).toEqual(['LA01']);
    await vi.waitFor(async () => expect(keptHeader((await readKept(deps.redis, prefix, ['LA01'], 'parts'))[0])).not.toBeNull());
    const [v] = await readStoreVersions(deps.redis, prefix, ['LA01']);
    expect(keptHeader((await readKept(deps.redis, prefix, ['LA01'], 'parts'))[0])).toMatchObject({ data: v!.data, readAt: at });
    expect((await groupAt(server(), at + 1000)).read).toEqual([]);
    // Parts of an older data version are the workers' to renew: the server reads the store and writes nothing.
    const [before] = await readKept(deps.redis, prefix, ['LA01'], 'parts');
    await applyEvents({ ...deps, now: () => at }, [
      ev('showroom.visit', '2026-11-23T08:00:00-08:00', { id: 'l3', store: 'LA01', firstVisit: true }),
    ]);
    expect((await groupAt(writer, at + 2000)).read).toEqual(['LA01']);
    expect((await readKept(deps.redis, prefix, ['LA01'], 'parts'))[0]).toBe(before);
  });
});
