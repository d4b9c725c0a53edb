/**
 * The alert rule set through the real scripts and Redis: for every rule, an alert when the
 * condition starts to hold, none while it holds, a clear when it stops and a new alert when it recurs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../domain/alerts.js';
import type { PulseEvent } from '../domain/events.js';
import { saveBudget } from '../core/books/budget-book.js';
import { saveMaterial, saveTargets } from '../core/books/material-book.js';
import { storeKeys } from '../core/redis/keys.js';
import { listAlerts } from '../core/books/alert-book.js';
import { evaluateStore } from '../workers/alerts/engine.js';
import { SETTLE_MS } from '../workers/alerts/rule.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { ev } from './support/events.js';
import { applyDeps } from './support/stack.js';

const deps = applyDeps('rules');
afterAll(() => deps.close());
const H = 3600_000;
const D = 24 * H;
/** Monday 23 November 2026, 08:00 in Shanghai. */
const T0 = Date.parse('2026-11-23T08:00:00+08:00');
const iso = (ms: number) => new Date(ms).toISOString();

const apply = (now: number, ...events: PulseEvent[]) => applyEvents({ ...deps, now: () => now }, events);
const tick = (store: string, now: number) => evaluateStore(deps, store, now);
/** Oldest first (alerts raised at the same moment by condition), as `kind:key state`. */
async function history(store: string): Promise<string[]> {
  const all = await listAlerts(deps.redis, deps.config.prefix, store, { limit: 100 });
  return all
    .sort((a, b) => a.at.localeCompare(b.at) || (a.condition ?? '').localeCompare(b.condition ?? ''))
    .map((a) => `${a.kind}:${a.condition ?? ''} ${a.state}`);
}
const held = (store: string) => deps.redis.hgetall(storeKeys(deps.config.prefix, store).alertState);

describe('budget warn and trip, overspend', () => {
  it('warns, trips, flags spend past the trip, clears when the budget is raised and alerts anew', async () => {
    const budget = { store: 'RB1', name: '短视频推广', month: '2026-11', amount: 1000, warnAt: 0.5 };
    await saveBudget(deps.redis, deps.config.prefix, 'B1', budget);
    const spend = (id: string, amount: number, at: number) =>
      ev('spend.recorded', iso(at), { store: 'RB1', spendId: id, budgetId: 'B1', amount });

    const warn = await apply(T0, spend('S1', 600, T0)); // 60 % ≥ 50 %
    expect(warn.applied).toBe(1);
    expect(await history('RB1')).toEqual(['budget_warn:budget:B1 open']);
    expect((await tick('RB1', T0 + 60_000)).raised).toEqual([]); // still at warn: no repeat
    await apply(T0 + 2 * 60_000, spend('S1', 600, T0)); // a resend changes nothing

    await apply(T0 + 3 * 60_000, spend('S2', 500, T0 + 60_000)); // 1,100 ≥ 1,000: tripped
    await apply(T0 + 4 * 60_000, spend('S3', 50, T0 + 2 * 60_000)); // after the trip: overspend
    expect(await history('RB1')).toEqual([
      'budget_warn:budget:B1 cleared', // superseded by the trip
      'budget_tripped:budget:B1 open',
      'budget_overspend:overspend:S3 open',
    ]);
    const [overspend] = await listAlerts(deps.redis, deps.config.prefix, 'RB1', { limit: 1 });
    expect(overspend!.data).toMatchObject({ spendId: 'S3', amount: 50, spent: 1150, budget: 1000 });
    expect(overspend!.severity).toBe('critical');

    await saveBudget(deps.redis, deps.config.prefix, 'B1', { ...budget, amount: 10000 }); // 11.5 %: ok
    const cleared = await tick('RB1', T0 + 5 * 60_000);
    expect(cleared.updated.map((a) => a.kind).sort()).toEqual(['budget_overspend', 'budget_tripped']);
    expect(await held('RB1')).toEqual({});

    await apply(T0 + 6 * 60_000, spend('S4', 4000, T0 + 3 * 60_000)); // 5,150 / 10,000 = 51.5 %: warn again
    expect(await history('RB1')).toEqual([
      'budget_warn:budget:B1 cleared',
      'budget_tripped:budget:B1 cleared',
      'budget_overspend:overspend:S3 cleared',
      'budget_warn:budget:B1 open',
    ]);
  });

  it('a budget of another month is not watched: its alert expires when the month turns', async () => {
    await saveBudget(deps.redis, deps.config.prefix, 'B2', {
      store: 'RB2',
      name: '车展',
      month: '2026-11',
      amount: 100,
      warnAt: 0.8,
    });
    await apply(T0, ev('spend.recorded', iso(T0), { store: 'RB2', spendId: 'X1', budgetId: 'B2', amount: 100 }));
    expect(await history('RB2')).toEqual(['budget_tripped:budget:B2 open']);
    const dec = await tick('RB2', Date.parse('2026-12-01T00:00:00+08:00'));
    expect(dec.updated[0]!.history.at(-1)).toMatchObject({ action: 'cleared', note: 'expired' });
    expect(await history('RB2')).toEqual(['budget_tripped:budget:B2 cleared']);
  });
});

describe('unbudgeted spend', () => {
  it('alerts once per unknown budget id, clears when the budget is set up, recurs when it is gone', async () => {
    const spend = (id: string, amount: number) =>
      ev('spend.recorded', iso(T0), { store: 'RU', spendId: id, budgetId: 'NOPE', amount });
    await apply(T0, spend('U1', 300));
    await apply(T0 + 60_000, spend('U2', 200)); // still unbudgeted: no repeat
    const [a] = await listAlerts(deps.redis, deps.config.prefix, 'RU', { limit: 5 });
    expect(a).toMatchObject({ kind: 'spend_unbudgeted', data: { budgetId: 'NOPE', amount: 300 } });
    expect(await history('RU')).toEqual(['spend_unbudgeted:unbudgeted:NOPE open']);

    await saveBudget(deps.redis, deps.config.prefix, 'NOPE', {
      store: 'RU',
      name: '补录预算',
      month: '2026-11',
      amount: 10000,
      warnAt: 0.8,
    });
    await tick('RU', T0 + 2 * 60_000);
    expect(await history('RU')).toEqual(['spend_unbudgeted:unbudgeted:NOPE cleared']);

    await deps.redis.hdel(storeKeys(deps.config.prefix, 'RU').budgets, 'NOPE');
    await tick('RU', T0 + 3 * 60_000);
    expect(await history('RU')).toEqual(['spend_unbudgeted:unbudgeted:NOPE cleared', 'spend_unbudgeted:unbudgeted:NOPE open']);
    const [again] = await listAlerts(deps.redis, deps.config.prefix, 'RU', { limit: 1 });
    expect(again!.data).toMatchObject({ amount: 500 });
  });
});

describe('complaints overdue', () => {
  const opened = (id: string, severity: 'low' | 'medium' | 'high', at = T0) =>
    ev('complaint.opened', iso(at), { store: 'RC', complaintId: id, channel: 'phone', category: 'service', severity });

  it('response then resolution deadline, cleared by a response or a resolution, recurring at the next deadline', async () => {
    await apply(T0, opened('CH', 'high'), opened('CL', 'low'));
    expect((await tick('RC', T0 + 4 * H)).raised).toEqual([]); // exactly at the 4 h deadline: not past it
    const r1 = await tick('RC', T0 + 4 * H + 1);
    expect(r1.raised.map((a) => [a.data?.complaintId, a.data?.phase, a.severity])).toEqual([['CH', 'response', 'critical']]);
    expect((await tick('RC', T0 + 5 * H)).raised).toEqual([]);
    const r2 = await tick('RC', T0 + 24 * H + 1); // CH resolution (24 h), CL response (24 h)
    expect(r2.raised.map((a) => `${a.data?.complaintId}:${a.data?.phase}:${a.severity}`).sort()).toEqual([
      'CH:resolution:critical',
      'CL:response:warning',
    ]);
    expect(r2.updated.map((a) => `${a.data?.complaintId}:${a.data?.phase}:${a.state}`)).toEqual(['CH:response:cleared']);

    // CL answered: its response alert clears; its resolution deadline (120 h) then recurs as a new alert.
    await apply(T0 + 25 * H, ev('complaint.responded', iso(T0 + 25 * H), { store: 'RC', complaintId: 'CL' }));
    expect((await tick('RC', T0 + 26 * H)).raised).toEqual([]);
    const r3 = await tick('RC', T0 + 120 * H + 1);
    expect(r3.raised.map((a) => `${a.data?.complaintId}:${a.data?.phase}`)).toEqual(['CL:resolution']);
    await apply(T0 + 121 * H, ev('complaint.resolved', iso(T0 + 121 * H), { store: 'RC', complaintId: 'CH' }));
    expect(await history('RC')).toEqual([
      'complaint_overdue:complaint:CH cleared', // response, superseded by the resolution deadline
      'complaint_overdue:complaint:CH cleared', // resolution, cleared by the resolution
      'complaint_overdue:complaint:CL cleared', // response, cleared by the response
      'complaint_overdue:complaint:CL open', // resolution
    ]);
  });

  it('records but does not announce a deadline that passed more than a day before it was seen', async () => {
    await apply(T0 + 100 * H, { ...opened('OLD', 'high'), store: 'RC2' } as PulseEvent);
    expect(await history('RC2')).toEqual([]);
    expect(await held('RC2')).toEqual({ 'complaint:OLD': `2||${T0 + 24 * H}` });
  });
});

describe('callbacks', () => {
  const delivered = (orderId: string, at: number, store = 'RK') => ev('vehicle.delivered', iso(at), { store, orderId });
  const reached = (orderId: string, at: number) =>
    ev('callback.attempted', iso(at), {
      store: 'RK',
      callbackId: `cb-${orderId}-${at}`,
      kind: 'sales',
      subjectId: orderId,
      outcome: 'reached',
    });

  it('due soon 4 h before the deadline, missed at it, cleared by a call reported late, missed again when a later delivery stands', async () => {
    await apply(T0, delivered('D1', T0)); // deadline T0 + 72 h
    expect((await tick('RK', T0 + 67 * H)).raised).toEqual([]); // 5 h left
    const soon = await tick('RK', T0 + 68 * H); // 4 h left
    expect(soon.raised.map((a) => [a.kind, a.severity, a.data?.hoursLeft])).toEqual([['callback_due_soon', 'info', 4]]);
    expect((await tick('RK', T0 + 69 * H)).raised).toEqual([]);
    const due = await tick('RK', T0 + 72 * H);
    expect(due.updated.map((a) => `${a.kind} ${a.state}`)).toEqual(['callback_due_soon cleared']);
    expect(due.raised).toEqual([]); // a miss waits to settle: its callback may be in the next batch
    const missed = await tick('RK', T0 + 72 * H + SETTLE_MS);
    expect(missed.raised.map((a) => a.kind)).toEqual(['callback_missed']);

    await apply(T0 + 73 * H, reached('D1', T0 + 70 * H)); // the call was made in time, reported late
    // The delivery re-reported at T0 + 71 h: the latest copy stands, the call came before it, and
    // the new deadline T0 + 143 h passes without another.
    await apply(T0 + 74 * H, delivered('D1', T0 + 71 * H));
    await tick('RK', T0 + 74 * H + SETTLE_MS);
    await tick('RK', T0 + 143 * H);
    await tick('RK', T0 + 143 * H + SETTLE_MS);
    expect(await history('RK')).toEqual([
      'callback_due_soon:duesoon:sales:D1 cleared',
      'callback_missed:missed:sales:D1 cleared',
      'callback_missed:missed:sales:D1 open',
    ]);
    // A week after the deadline the miss is no longer watched: the alert expires.
    const late = await tick('RK', T0 + 143 * H + 7 * D + 1);
    expect(late.raised).toEqual([]);
    expect(late.updated.map((a) => `${a.kind} ${a.history.at(-1)?.note}`)).toEqual(['callback_missed expired']);
  });

  it('a callback made before the due-soon window never alerts; back-filled misses are recorded, not announced', async () => {
    await apply(T0, delivered('D2', T0, 'RK2'), { ...reached('D2', T0 + H), store: 'RK2' } as PulseEvent);
    await apply(T0, delivered('OLD', T0 - 100 * H, 'RK2')); // missed 28 h ago
    for (const h of [68, 72, 80]) await tick('RK2', T0 + h * H);
    expect(await history('RK2')).toEqual([]);
    expect(Object.keys(await held('RK2'))).toEqual(['missed:sales:OLD']);
  });
});

describe('materials, media, targets', () => {
  it('material at or below its reorder level alerts, restocking clears, running low again recurs', async () => {
    await saveMaterial(deps.redis, deps.config.prefix, 'M1', { store: 'RM', name: '车型折页', reorderLevel: 10 });
    const move = (n: number, q: number) => ev('material.moved', iso(T0 + n), { store: 'RM', itemId: 'M1', quantity: q });
    await apply(T0, move(1, 12)); // 12 > 10
    expect(await history('RM')).toEqual([]);
    await apply(T0 + 1, move(2, -2)); // 10: at the level
    await tick('RM', T0 + 1 + SETTLE_MS); // still true once settled: announced
    await apply(T0 + 2, move(3, -1)); // 9: still low, no repeat
    await apply(T0 + 3, move(4, 20)); // 29: cleared
    await apply(T0 + 4, move(5, -25)); // 4: low again
    await tick('RM', T0 + 4 + SETTLE_MS);
    expect(await history('RM')).toEqual(['material_low:material:M1 cleared', 'material_low:material:M1 open']);
    const [first, second] = (await listAlerts(deps.redis, deps.config.prefix, 'RM', { limit: 5 })).reverse();
    expect(first!.data).toMatchObject({ stock: 10, reorderLevel: 10 });
    expect(second!.data).toMatchObject({ stock: 4 });
    // At the level is 已到, under it 低于 (one rule, domain/material-stock.ts).
    expect(first!.message).toBe('物料库存预警：车型折页 库存 10，已到补货线 10');
    expect(second!.message).toBe('物料库存预警：车型折页 库存 4，低于补货线 10');
  });

  it('stock issued before its receipt arrives (out of order) does not alert', async () => {
    await saveMaterial(deps.redis, deps.config.prefix, 'M2', { store: 'RM2', name: '钥匙扣', reorderLevel: 10 });
    const move = (n: number, q: number) => ev('material.moved', iso(T0 + n), { store: 'RM2', itemId: 'M2', quantity: q });
    await apply(T0, move(2, -30)); // the issue first: −30
    await apply(T0 + 5_000, move(1, 100)); // then the receipt dated before it: 70
    await tick('RM2', T0 + 5_000 + SETTLE_MS);
    expect(await history('RM2')).toEqual([]);
    expect(await held('RM2')).toEqual({});
  });

  it('each negative mention alerts once; old ones are recorded silently; a week later they expire', async () => {
    const mention = (id: string, sentiment: 'negative' | 'positive', at = T0) =>
      ev('media.mention', iso(at), { store: 'RMD', mentionId: id, sentiment, outlet: '汽车之家', title: `标题${id}` });
    const n1 = mention('N1', 'negative');
    await apply(T0, n1);
    await apply(T0 + 1, n1, mention('P1', 'positive'));
    await apply(T0 + 2, mention('N2', 'negative'), mention('N0', 'negative', T0 - 3 * D));
    const listed = (await listAlerts(deps.redis, deps.config.prefix, 'RMD', { limit: 5 })).reverse();
    expect(listed.map((a) => [a.data?.mentionId, a.severity, a.data?.outlet, a.data?.title])).toEqual([
      ['N1', 'critical', '汽车之家', '标题N1'],
      ['N2', 'critical', '汽车之家', '标题N2'],
    ]);
    const later = await tick('RMD', T0 + 7 * D + 3);
    expect(later.updated.map((a) => a.data?.mentionId).sort()).toEqual(['N1', 'N2']);
  });

  it('a monthly target behind pace after the 10th alerts; catching up clears; falling behind again recurs', async () => {
    await saveTargets(deps.redis, deps.config.prefix, 'RT', '2026-11', { orders: 100 });
    await deps.stores.ensure(['RT']);
    // 10 November: the 10th has not passed yet, however far behind.
    expect((await tick('RT', Date.parse('2026-11-10T12:00:00+08:00'))).raised).toEqual([]);
    // 23 November 08:00: 22 days 8 h of 30 elapsed = 0.7444; no orders: pace 0.
    expect((await tick('RT', T0)).raised).toEqual([]); // settling
    const behind = await tick('RT', T0 + SETTLE_MS);
    expect(behind.raised.map((a) => [a.kind, a.data?.metric, a.data?.pace])).toEqual([['target_behind', 'orders', 0]]);
    // 70 orders: pace 70 / (100 × 0.7444) = 0.940 ≥ 0.9.
    const orders = Array.from({ length: 70 }, (_, i) =>
      ev('order.signed', iso(T0 - D + i * 60_000), { store: 'RT', orderId: `O${i}`, model: 'A6L', amount: 300000 }),
    );
    await apply(T0 + 1, ...orders);
    expect(await history('RT')).toEqual(['target_behind:target:orders:2026-11 cleared']);
    // 28 November 08:00: 27 days 8 h elapsed = 0.9111: pace 70 / 91.11 = 0.768.
    await tick('RT', Date.parse('2026-11-28T08:00:00+08:00') - SETTLE_MS);
    const again = await tick('RT', Date.parse('2026-11-28T08:00:00+08:00'));
    expect(again.raised.map((a) => a.data?.pace)).toEqual([(70 * 720 * H) / (100 * 656 * H)]); // unrounded: 0.768…
    await tick('RT', Date.parse('2026-12-01T08:00:00+08:00'));
    expect(await history('RT')).toEqual([
      'target_behind:target:orders:2026-11 cleared',
      'target_behind:target:orders:2026-11 cleared',
    ]);
  });
});

describe('the engine', () => {
  it('several workers seeing the same crossing at once raise one alert', async () => {
    await saveMaterial(deps.redis, deps.config.prefix, 'MX', { store: 'RX', name: '礼品', reorderLevel: 5 });
    await apply(T0, ev('material.moved', iso(T0), { store: 'RX', itemId: 'MX', quantity: 1 }));
    await deps.redis.del(storeKeys(deps.config.prefix, 'RX').alertState);
    await Promise.all(Array.from({ length: 8 }, () => tick('RX', T0 + 1)));
    const runs = await Promise.all(Array.from({ length: 8 }, () => tick('RX', T0 + 1 + SETTLE_MS)));
    expect(runs.reduce((n, r) => n + r.raised.length, 0)).toBe(1);
  });

  it('muted kinds are not raised; thresholds are per store', async () => {
    const k = storeKeys(deps.config.prefix, 'RQ');
    await deps.redis.set(k.alertRules, JSON.stringify({ muted: ['material_low'], callbackDueSoonHours: 10 }));
    await saveMaterial(deps.redis, deps.config.prefix, 'MQ', { store: 'RQ', name: '礼品', reorderLevel: 5 });
    await apply(T0, ev('material.moved', iso(T0), { store: 'RQ', itemId: 'MQ', quantity: 1 }));
    await apply(T0, ev('vehicle.delivered', iso(T0), { store: 'RQ', orderId: 'DQ' }));
    const soon = await tick('RQ', T0 + 62 * H); // 10 h before the deadline
    expect(soon.raised.map((a) => a.kind)).toEqual(['callback_due_soon']);
    expect(await history('RQ')).toEqual(['callback_due_soon:duesoon:sales:DQ open']);
  });

  it('hands each new alert to the webhooks once; what a failure left is handed over on the next pass', async () => {
    const handed: AlertRecord[] = [];
    let fail = true;
    const notify = async (a: AlertRecord) => {
      if (fail) throw new Error('queue unavailable');
      handed.push(a);
    };
    await saveBudget(deps.redis, deps.config.prefix, 'BN', {
      store: 'RN',
      name: '车展',
      month: '2026-11',
      amount: 100,
      warnAt: 0.8,
    });
    await expect(
      applyEvents({ ...deps, notify, now: () => T0 }, [
        ev('spend.recorded', iso(T0), { store: 'RN', spendId: 'SN', budgetId: 'BN', amount: 100 }),
      ]),
    ).rejects.toThrow('queue unavailable');
    fail = false;
    await evaluateStore({ ...deps, notify }, 'RN', T0 + 1); // nothing new to raise
    expect(handed).toEqual([]);
    const { refreshStore } = await import('../workers/maintenance.processor.js');
    await refreshStore({ ...deps, notify }, 'RN', T0 + 2);
    expect(handed.map((a) => a.kind)).toEqual(['budget_tripped']);
    await refreshStore({ ...deps, notify }, 'RN', T0 + 3);
    expect(handed).toHaveLength(1);
  });
});
