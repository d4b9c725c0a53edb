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
import {
  LOG_BUCKETS,
  areLogged,
  logBucketOf,
  logKeyOf,
  loggedCount,
  readLogged,
  scanLogged,
  type LoggedEntry,
} from '../core/events/event-log.js';
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
    const raw = await readLogged(
      deps.redis,
      deps.config.prefix,
      S,
      events.map((e) => e.id),
    );
    expect(raw.map((r) => r?.[0])).toEqual(['[', '[']);
    // The delivery: type code 5, its time, the orderId as the id's first 8 characters, no model nor vin, the customer.
    expect(raw[0]).toBe(`[5,"${(Date.parse(t(0)) / 1000).toString(36)}Z","~8",null,null,"LL-cu-1","王芳","13800000000"]`);
    expect(await loggedEvents(deps.redis, deps.config.prefix, S, [events[1]!.id, 'nope', events[0]!.id])).toEqual([
      events[1],
      null,
      events[0],
    ]);
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
    expect(await loggedEvents(deps.redis, deps.config.prefix, S, [e.id])).toEqual([e]);
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

describe('the log’s buckets', () => {
  const prefix = deps.config.prefix;
  const scanned = async (S: string) => {
    const all: LoggedEntry[] = [];
    await scanLogged(deps.redis, prefix, S, (entries) => {
      all.push(...entries);
    });
    return all.sort((a, b) => (a.id < b.id ? -1 : 1));
  };
  const seqOf = async (S: string) => Number(await deps.redis.get(storeKeys(prefix, S).seq));

  it('puts an id in the bucket of its FNV-1a hash, the same for ever', () => {
    // FNV-1a of "a" is 0xe40c292c (the published test vector): 0x12c = 300 of 2048.
    expect(LOG_BUCKETS).toBe(2048);
    expect(logBucketOf('a')).toBe(0xe40c292c % 2048);
    expect(logBucketOf('a')).toBe(300);
    expect(logKeyOf('p', 'HZ01', 'a')).toBe('p:{HZ01}:log:8c');
  });

  it('cuts a long event into pieces of at most 64 bytes: the bucket stays a listpack, the event reads, scans and counts whole', async () => {
    const S = 'LB1';
    const summary = '客户反映车辆保养后发动机异响，多次来店未能解决，要求更换零件并给予书面答复。'.repeat(4);
    const long = ev('complaint.opened', t(1), {
      store: S,
      id: 'LB1-cmp-1.opened',
      complaintId: 'LB1-cmp-1',
      channel: 'phone',
      category: 'service',
      severity: 'high',
      summary,
      customer,
    });
    const short = ev('showroom.visit', t(2), { store: S, id: 'LB1-v-1', firstVisit: true });
    const now = () => T0 + 3 * 3600_000;
    await applyEvents({ ...deps, now }, [long, short], { arrivedAt: null });
    const key = logKeyOf(prefix, S, long.id);
    const fields = await deps.redis.hgetall(key);
    // 36 characters × 4 × 3 bytes of summary alone: many pieces, none above 64 bytes.
    const pieces = Object.entries(fields).filter(([f]) => f === long.id || f.endsWith(long.id));
    expect(pieces.length).toBeGreaterThan(7);
    for (const [f, v] of pieces) {
      expect(Buffer.byteLength(f)).toBeLessThanOrEqual(64);
      expect(Buffer.byteLength(v)).toBeLessThanOrEqual(64);
    }
    expect(await deps.redis.call('OBJECT', 'ENCODING', key)).toBe('listpack');
    expect(await loggedEvents(deps.redis, prefix, S, [long.id, short.id])).toEqual([long, short]);
    expect((await scanned(S)).map((e) => e.id)).toEqual([long.id, short.id].sort());
    expect(await loggedCount(deps.redis, prefix, S)).toBe(2);
    // Sent again, in the other order: nothing changes.
    const seq = await seqOf(S);
    await applyEvents({ ...deps, now }, [short, long], { arrivedAt: null });
    expect(await seqOf(S)).toBe(seq);
    expect(await loggedCount(deps.redis, prefix, S)).toBe(2);
    expect(await recordedAs(deps.redis, prefix, [long, { ...long, summary: 'x' } as PulseEvent])).toEqual(['same', 'different']);
  });

  it('applies an id once when its bucket holds other ids, and keeps an id beginning like a tail’s field apart', async () => {
    const S = 'LB2';
    // Two ids of one bucket, found by trying.
    const first = 'LB2-dup-0';
    let second = '';
    for (let i = 1; !second; i++) if (logBucketOf(`LB2-dup-${i}`) === logBucketOf(first)) second = `LB2-dup-${i}`;
    const a = ev('showroom.visit', t(1), { store: S, id: first, firstVisit: true, customer });
    const b = ev('showroom.visit', t(2), { store: S, id: second, firstVisit: false, customer });
    // The first tail of a long event `x` is filed under "\u0001x"; an event may carry that id itself.
    const x = ev('complaint.opened', t(3), {
      store: S,
      id: 'x',
      complaintId: 'C1',
      channel: 'phone',
      category: 'service',
      severity: 'low',
      summary: '车辆异响'.repeat(10),
    });
    const tailLike = ev('showroom.visit', t(4), { store: S, id: '\u0001x', firstVisit: false });
    const now = () => T0 + 5 * 3600_000;
    await applyEvents({ ...deps, now }, [b, a, x, tailLike, a, { ...b, firstVisit: true } as PulseEvent], { arrivedAt: null });
    expect(await seqOf(S)).toBe(4);
    expect(await deps.redis.zcard(storeKeys(prefix, S).visits)).toBe(3);
    expect(await loggedEvents(deps.redis, prefix, S, [first, second, 'x', '\u0001x'])).toEqual([a, b, x, tailLike]);
    expect(await areLogged(deps.redis, prefix, S, [first, second, '\u0001x', '\u0002x'])).toEqual([true, true, true, false]);
    expect((await scanned(S)).map((e) => e.id)).toEqual(['\u0001x', first, second, 'x'].sort());
    expect(await loggedCount(deps.redis, prefix, S)).toBe(4);
  });

  it('expires old events from the buckets and from the hash written before, counting each once', async () => {
    const S = 'LB3';
    const k = storeKeys(prefix, S);
    const D = 24 * 3600_000;
    const day = (d: number) => new Date(T0 + d * D).toISOString().replace('.000Z', 'Z');
    const old = ev('complaint.opened', day(0), {
      store: S,
      id: 'LB3-old',
      complaintId: 'C1',
      channel: 'phone',
      category: 'service',
      severity: 'low',
      summary: '发动机异响'.repeat(8),
    });
    const recent = ev('showroom.visit', day(20), { store: S, id: 'LB3-new', firstVisit: true });
    const before = ev('showroom.visit', day(1), { store: S, id: 'LB3-json', firstVisit: true });
    await applyEvents({ ...deps, now: () => T0 + 21 * D }, [old, recent], { arrivedAt: null });
    await deps.redis.hset(k.log, before.id, JSON.stringify(before));
    expect(await loggedCount(deps.redis, prefix, S)).toBe(3);
    const run = await expireStoreLog({ ...deps, config: { ...deps.config, retentionDays: 10 } }, S, T0 + 21 * D);
    expect(run.expired).toBe(2);
    expect(await loggedCount(deps.redis, prefix, S)).toBe(1);
    expect((await scanned(S)).map((e) => e.id)).toEqual(['LB3-new']);
    // Its head and every tail gone.
    expect(Object.keys(await deps.redis.hgetall(logKeyOf(prefix, S, old.id))).filter((f) => f.endsWith(old.id))).toEqual([]);
    expect(await deps.redis.exists(k.log)).toBe(0);
  });
});
