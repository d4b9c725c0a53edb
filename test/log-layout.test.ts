/**
 * The event log and the keys beside it, as the apply scripts write them on a real Redis: each event
 * logged compact and read back as received; a log written as JSON by an earlier version still
 * answers the idempotency check, the check at ingest and the work lists; a subject's or a repair's
 * time kept once, in its sorted set, and the hashes that repeated it dropped by the retention job;
 * records and task states kept small, those written by an earlier version read as before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../domain/events.js';
import { storeKeys } from '../core/redis/keys.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { recordedAs } from '../core/books/recorded-events.js';
import { loggedEvents } from '../core/work-lists/customers.js';
import { expireStoreLog } from '../core/retention/expire-log.js';
import { ev } from './support/events.js';
import { applyDeps } from './support/stack.js';

const deps = applyDeps('loglayout');
afterAll(() => deps.close());
const T0 = Date.parse('2026-11-20T10:00:00+08:00');
const t = (hours: number) => new Date(T0 + hours * 3600_000).toISOString().replace('.000Z', 'Z');
const customer = { id: 'LL-cu-1', name: '王芳', phone: '13800000000' };

describe('the event log on Redis', () => {
  it('logs each event compact, reads it back as received and counts it once', async () => {
    const S = 'LL1';
    const k = storeKeys(deps.config.prefix, S);
    const events: PulseEvent[] = [
      ev('vehicle.delivered', t(0), { store: S, id: 'LL1-or-1.delivered', orderId: 'LL1-or-1', customer }),
      ev('repair.opened', t(1), { store: S, id: 'LL1-ro-1.opened', roId: 'LL1-ro-1', customer }),
    ];
    const now = () => T0 + 2 * 3600_000;
    await applyEvents({ ...deps, now }, events, { arrivedAt: null });
    const raw = await deps.redis.hmget(k.log, ...events.map((e) => e.id));
    expect(raw.map((r) => r?.[0])).toEqual(['[', '[']);
    // The delivery: type code 5, its time, the orderId as the id's first 8 characters, no model nor vin, the customer.
    expect(raw[0]).toBe(`[5,"${(Date.parse(t(0)) / 1000).toString(36)}Z","~8",null,null,"LL-cu-1","王芳","13800000000"]`);
    expect(await loggedEvents(deps.redis, k.log, [events[1]!.id, 'nope', events[0]!.id])).toEqual([events[1], null, events[0]]);
    expect(
      await recordedAs(deps.redis, deps.config.prefix, [events[0]!, { ...events[1]!, roId: 'other' } as PulseEvent]),
    ).toEqual(['same', 'different']);
    const seq = Number(await deps.redis.get(k.seq));
    await applyEvents({ ...deps, now }, events, { arrivedAt: null });
    expect(Number(await deps.redis.get(k.seq))).toBe(seq);
  });

  it('keeps reading a log written as JSON: the same id again changes nothing', async () => {
    const S = 'LL2';
    const k = storeKeys(deps.config.prefix, S);
    const e = ev('repair.opened', t(0), { store: S, id: 'LL2-ro-1.opened', roId: 'LL2-ro-1', customer });
    await deps.redis.hset(k.log, e.id, JSON.stringify(e));
    const now = () => T0 + 3600_000;
    await applyEvents({ ...deps, now }, [e], { arrivedAt: null });
    expect(await deps.redis.get(k.seq)).toBeNull();
    expect(await deps.redis.zcard(k.repairs.openedByTime)).toBe(0);
    expect(await recordedAs(deps.redis, deps.config.prefix, [e])).toEqual(['same']);
    expect(await loggedEvents(deps.redis, k.log, [e.id])).toEqual([e]);
  });

  it('keeps a subject’s and a repair’s time once, in its sorted set; the retention job drops the old hashes', async () => {
    const S = 'LL3';
    const k = storeKeys(deps.config.prefix, S);
    const now = () => T0 + 30 * 3600_000;
    await applyEvents({ ...deps, now }, [
      ev('vehicle.delivered', t(2), { store: S, orderId: 'O1' }),
      // An earlier copy of the delivery: the latest stands (kpis-operations.md).
      ev('vehicle.delivered', t(1), { store: S, orderId: 'O1' }),
      ev('repair.opened', t(3), { store: S, roId: 'R1' }),
      // An earlier opening of the same repair: the earliest stands.
      ev('repair.opened', t(2), { store: S, roId: 'R1', appointmentId: 'A1' }),
      ev('repair.closed', t(4), { store: S, roId: 'R1', amount: 100 }),
      ev('callback.attempted', t(5), { store: S, callbackId: 'K1', kind: 'service', subjectId: 'R1', outcome: 'reached' }),
    ]);
    expect(await deps.redis.zscore(k.callback('sales').subjectsByTime, 'O1')).toBe(String(Date.parse(t(2))));
    expect(await deps.redis.zscore(k.repairs.openedByTime, 'R1')).toBe(String(Date.parse(t(2))));
    expect(await deps.redis.zscore(k.repairs.booked, 'R1')).toBe(String(Date.parse(t(2))));
    expect(await deps.redis.zscore(k.callback('service').met, 'R1')).toBe(String(Date.parse(t(4))));
    expect(await deps.redis.exists(...k.obsolete)).toBe(0);
    // A store of an earlier version, with the hashes that repeated those times.
    for (const key of k.obsolete) await deps.redis.hset(key, 'X', '1');
    expect(await deps.redis.exists(...k.obsolete)).toBe(3);
    await expireStoreLog({ ...deps, config: { ...deps.config, retentionDays: 800 } }, S, now());
    expect(await deps.redis.exists(...k.obsolete)).toBe(0);
  });

  it('keeps a record’s sets by index alone; a record naming their scores, as written before, is read as well', async () => {
    const S = 'LL4';
    const k = storeKeys(deps.config.prefix, S);
    const now = () => T0 + 30 * 3600_000;
    const [t1, t2] = [Date.parse(t(1)), Date.parse(t(2))];
    await applyEvents({ ...deps, now }, [
      ev('lead.created', t(1), { store: S, id: 'l1', leadId: 'L1', channel: 'web', campaignId: 'C1' }),
    ]);
    // Keys: log, seq, records, all, six channels (web the third: KEYS[7]), with campaign KEYS[11].
    expect(await deps.redis.hget(k.leads.records, 'L1')).toBe(`${t1}|l1|4;7;11|C1`);
    // A lead of an earlier version, on the phone with a campaign; a later copy moves it to walk-ins, without.
    await deps.redis.hset(k.leads.records, 'L2', `${t1}|l2|4=${t1};6=${t1};11=${t1}|C2`);
    for (const key of [k.leads.all, k.leads.byChannel('phone'), k.leads.withCampaign]) await deps.redis.zadd(key, t1, 'L2');
    await applyEvents({ ...deps, now }, [ev('lead.created', t(2), { store: S, id: 'l2b', leadId: 'L2', channel: 'walk_in' })]);
    expect(await deps.redis.hget(k.leads.records, 'L2')).toBe(`${t2}|l2b|4;5|`);
    expect(await deps.redis.zrange(k.leads.byChannel('phone'), 0, -1)).toEqual([]);
    expect(await deps.redis.zrange(k.leads.withCampaign, 0, -1, 'WITHSCORES')).toEqual(['L1', String(t1)]);
    expect(await deps.redis.zrange(k.leads.byChannel('walk_in'), 0, -1, 'WITHSCORES')).toEqual(['L2', String(t2)]);
    expect(await deps.redis.zrange(k.leads.all, 0, -1, 'WITHSCORES')).toEqual(['L1', String(t1), 'L2', String(t2)]);
  });

  it('keeps a done task as its done time alone and an open one without repeating its times; states written before read as well', async () => {
    const S = 'LL5';
    const k = storeKeys(deps.config.prefix, S);
    const now = () => T0 + 30 * 3600_000;
    const [t1, t2, t3, t4] = [1, 2, 3, 4].map((h) => Date.parse(t(h)));
    const task = (id: string, h: number, status: 'open' | 'done', dueH?: number) =>
      ev('postsale.task', t(h), {
        store: S,
        id,
        taskId: 'T1',
        orderId: 'O1',
        kind: 'plate',
        status,
        ...(dueH ? { dueAt: t(dueH) } : {}),
      });
    await applyEvents({ ...deps, now }, [task('p1', 1, 'open', 48)]);
    expect(JSON.parse((await deps.redis.hget(k.postsale.state, 'T1'))!)).toEqual({
      k: '1',
      ka: String(t1),
      ke: 'p1',
      d: String(Date.parse(t(48))),
    });
    // A later copy without a due time: the due time stays that of p1.
    await applyEvents({ ...deps, now }, [task('p2', 2, 'open')]);
    expect(JSON.parse((await deps.redis.hget(k.postsale.state, 'T1'))!)).toEqual({
      k: '1',
      ka: String(t2),
      ke: 'p2',
      d: String(Date.parse(t(48))),
      da: String(t1),
      de: 'p1',
    });
    expect(await deps.redis.zrange(k.postsale.openByKind('plate'), 0, -1, 'WITHSCORES')).toEqual([
      'T1',
      String(Date.parse(t(48))),
    ]);
    await applyEvents({ ...deps, now }, [task('p4', 4, 'done'), task('p3', 3, 'done')]);
    expect(await deps.redis.hget(k.postsale.state, 'T1')).toBe(`{"done":"${t3}"}`);
    expect(await deps.redis.zrange(k.postsale.done, 0, -1, 'WITHSCORES')).toEqual(['T1', String(t3)]);
    expect(await deps.redis.zcard(k.postsale.openByKind('plate'))).toBe(0);
    // A state of an earlier version (every field): a later copy with a new kind and no due time keeps the due time.
    await deps.redis.hset(
      k.postsale.state,
      'T2',
      JSON.stringify({ k: '0', ka: String(t1), ke: 'q1', d: String(t4), da: String(t1), de: 'q1' }),
    );
    await deps.redis.zadd(k.postsale.openByKind('inspection'), t4!, 'T2');
    await applyEvents({ ...deps, now }, [
      ev('postsale.task', t(2), { store: S, id: 'q2', taskId: 'T2', orderId: 'O2', kind: 'loan', status: 'open' }),
    ]);
    expect(JSON.parse((await deps.redis.hget(k.postsale.state, 'T2'))!)).toEqual({
      k: '3',
      ka: String(t2),
      ke: 'q2',
      d: String(t4),
      da: String(t1),
      de: 'q1',
    });
    expect(await deps.redis.zcard(k.postsale.openByKind('inspection'))).toBe(0);
    expect(await deps.redis.zrange(k.postsale.openByKind('loan'), 0, -1, 'WITHSCORES')).toEqual(['T2', String(t4)]);
  });
});
