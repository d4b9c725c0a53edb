/**
 * Each changed store's follow-up (alert rules, kept parts) beside the event jobs: one at a time per
 * store; asked again meanwhile, it runs once more after, with the union of the event types and the
 * latest clock; at most `parallel` stores at once; a failure is reported and does not stop the rest.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { EventType, PulseEvent } from '../domain/events.js';
import { saveBudget } from '../core/books/budget-book.js';
import { listAlerts } from '../core/books/alert-book.js';
import { evaluateStore } from '../workers/alerts/engine.js';
import { StoreFollowUps } from '../workers/store-follow-ups.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { ev } from './support/events.js';
import { applyDeps } from './support/stack.js';

/** A fake follow-up per call, each ended by hand. */
function fakeFollowUps(parallel?: number) {
  const calls: { store: string; now: number; types: EventType[]; end: (fail?: Error) => void }[] = [];
  const errors: string[] = [];
  const followUps = new StoreFollowUps(
    (store, now, types) =>
      new Promise<void>((resolve, reject) =>
        calls.push({ store, now, types: [...types].sort(), end: (fail) => (fail ? reject(fail) : resolve()) }),
      ),
    (err, store) => errors.push(`${store}: ${(err as Error).message}`),
    parallel,
  );
  return { followUps, calls, errors };
}

const turn = () => new Promise((r) => setTimeout(r, 0));
const seen = (calls: { store: string; now: number; types: EventType[] }[]) => calls.map((c) => [c.store, c.now, c.types]);

describe('StoreFollowUps', () => {
  it('asked again while a store runs, it runs once more after, with the types and the latest clock', async () => {
    const { followUps, calls } = fakeFollowUps();
    followUps.ask('HZ01', 1000, new Set<EventType>(['showroom.visit']));
    followUps.ask('HZ01', 1003, new Set<EventType>(['spend.recorded']));
    followUps.ask('HZ01', 1002, new Set<EventType>(['order.signed', 'showroom.visit']));
    // Another store runs beside it.
    followUps.ask('SH02', 1001, new Set<EventType>(['showroom.visit']));
    expect(seen(calls)).toEqual([
      ['HZ01', 1000, ['showroom.visit']],
      ['SH02', 1001, ['showroom.visit']],
    ]);
    expect(followUps.pending).toBe(3);
    calls[0]!.end();
    await turn();
    expect(seen(calls)[2]).toEqual(['HZ01', 1003, ['order.signed', 'showroom.visit', 'spend.recorded']]);
    // Asked now: one more after the one that has started.
    followUps.ask('HZ01', 1004, new Set<EventType>(['lead.created']));
    calls[2]!.end();
    await turn();
    expect(seen(calls)[3]).toEqual(['HZ01', 1004, ['lead.created']]);
    const idle = followUps.idle();
    calls[3]!.end();
    calls[1]!.end();
    await idle;
    expect(calls).toHaveLength(4);
    expect(followUps.pending).toBe(0);
  });

  it('runs at most `parallel` stores at once, the others in the order they were asked for', async () => {
    const { followUps, calls } = fakeFollowUps(2);
    for (const s of ['A', 'B', 'C', 'D']) followUps.ask(s, 1, new Set<EventType>(['lead.created']));
    expect(calls.map((c) => c.store)).toEqual(['A', 'B']);
    calls[1]!.end();
    await turn();
    expect(calls.map((c) => c.store)).toEqual(['A', 'B', 'C']);
    // B asked again while C and A run: after D, which waited longer.
    followUps.ask('B', 2, new Set<EventType>(['lead.created']));
    calls[0]!.end();
    await turn();
    expect(calls.map((c) => c.store)).toEqual(['A', 'B', 'C', 'D']);
    calls[2]!.end();
    await turn();
    expect(calls.map((c) => c.store)).toEqual(['A', 'B', 'C', 'D', 'B']);
    calls[3]!.end();
    calls[4]!.end();
    await followUps.idle();
  });

  it('a failure is reported; the store runs again when asked, and the others go on', async () => {
    const { followUps, calls, errors } = fakeFollowUps();
    followUps.ask('HZ01', 1, new Set<EventType>(['showroom.visit']));
    followUps.ask('HZ01', 2, new Set<EventType>(['showroom.visit']));
    calls[0]!.end(new Error('Redis away'));
    await turn();
    expect(errors).toEqual(['HZ01: Redis away']);
    expect(calls).toHaveLength(2);
    calls[1]!.end();
    await followUps.idle();
    expect(errors).toHaveLength(1);
  });
});

describe('alerts through follow-ups beside the jobs', () => {
  const deps = applyDeps('followups');
  afterAll(() => deps.close());
  /** Monday 23 November 2026, 08:00 in Shanghai. */
  const T0 = Date.parse('2026-11-23T08:00:00+08:00');
  const iso = (ms: number) => new Date(ms).toISOString();

  it('a burst raises and clears the same alerts as batch by batch', async () => {
    const budget = { store: 'RE1', name: '短视频推广', month: '2026-11', amount: 1000, warnAt: 0.5 };
    await saveBudget(deps.redis, deps.config.prefix, 'B1', budget);
    const spend = (id: string, amount: number, at: number) =>
      ev('spend.recorded', iso(at), { store: 'RE1', spendId: id, budgetId: 'B1', amount });
    // The first follow-up is held once evaluated, so that the batches after it join the next.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let runs = 0;
    const errors: unknown[] = [];
    const followUps = new StoreFollowUps(
      async (store, now, types) => {
        await evaluateStore(deps, store, now, types);
        if (++runs === 1) await held;
      },
      (err) => errors.push(err),
    );
    const apply = (now: number, ...events: PulseEvent[]) => applyEvents({ ...deps, followUps, now: () => now }, events);
    const history = async () =>
      (await listAlerts(deps.redis, deps.config.prefix, 'RE1', { limit: 100 }))
        .sort((a, b) => a.at.localeCompare(b.at) || (a.condition ?? '').localeCompare(b.condition ?? ''))
        .map((a) => `${a.kind}:${a.condition ?? ''} ${a.state}`);

    // The jobs end once their events are written; the rules run beside them.
    expect((await apply(T0, spend('S1', 600, T0))).applied).toBe(1); // 60 % ≥ 50 %: warn
    while (runs === 0) await turn();
    expect(await history()).toEqual(['budget_warn:budget:B1 open']);
    expect((await apply(T0 + 60_000, spend('S2', 500, T0 + 60_000))).applied).toBe(1); // 1,100 ≥ 1,000: tripped
    expect((await apply(T0 + 2 * 60_000, spend('S3', 50, T0 + 2 * 60_000))).applied).toBe(1); // after the trip: overspend
    // Both written; their evaluation waits for the one held.
    expect(await history()).toEqual(['budget_warn:budget:B1 open']);
    release();
    await followUps.idle();
    expect(runs).toBe(2);
    // As the same batches applied one after the other give (test/alert-rules.test.ts).
    expect(await history()).toEqual([
      'budget_warn:budget:B1 cleared',
      'budget_tripped:budget:B1 open',
      'budget_overspend:overspend:S3 open',
    ]);
    const overspend = (await listAlerts(deps.redis, deps.config.prefix, 'RE1', { limit: 10 })).find(
      (a) => a.kind === 'budget_overspend',
    );
    expect(overspend!.data).toMatchObject({ spendId: 'S3', amount: 50, spent: 1150, budget: 1000 });

    // The budget raised, the next batches clear what no longer holds.
    await saveBudget(deps.redis, deps.config.prefix, 'B1', { ...budget, amount: 10000 });
    await Promise.all([
      apply(T0 + 3 * 60_000, spend('S4', 10, T0 + 3 * 60_000)),
      apply(T0 + 3 * 60_000, spend('S5', 10, T0 + 3 * 60_000)),
    ]);
    await followUps.idle();
    expect(await history()).toEqual([
      'budget_warn:budget:B1 cleared',
      'budget_tripped:budget:B1 cleared',
      'budget_overspend:overspend:S3 cleared',
    ]);
    expect(errors).toEqual([]);
  });
});
