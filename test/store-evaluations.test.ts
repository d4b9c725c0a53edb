/**
 * One evaluation of a store's alert rules at a time per worker process: batches that ask while it
 * runs share the next one, which starts after it (so after their events were written), with the
 * union of their event types and the latest of their clocks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { EventType, PulseEvent } from '../domain/events.js';
import { saveBudget } from '../core/books/budget-book.js';
import { listAlerts } from '../core/books/alert-book.js';
import { loggedCount } from '../core/events/event-log.js';
import { evaluateStore, type Evaluation } from '../workers/alerts/engine.js';
import { StoreEvaluations } from '../workers/alerts/store-evaluations.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { ev } from './support/events.js';
import { applyDeps } from './support/stack.js';

const none: Evaluation = { raised: [], updated: [] };

/** A fake evaluation per call, each ended by hand. */
function fakeEvaluations() {
  const calls: { store: string; now: number; types: EventType[]; end: (fail?: Error) => void }[] = [];
  const evaluations = new StoreEvaluations(
    (store, now, types) =>
      new Promise<Evaluation>((resolve, reject) =>
        calls.push({ store, now, types: [...types].sort(), end: (fail) => (fail ? reject(fail) : resolve(none)) }),
      ),
  );
  return { evaluations, calls };
}

const settled = async (p: Promise<unknown>) => {
  let state = 'pending';
  p.then(
    () => (state = 'done'),
    () => (state = 'failed'),
  );
  await new Promise((r) => setTimeout(r, 0));
  return state;
};

describe('StoreEvaluations', () => {
  it('batches asking while a store is evaluated share one evaluation after it, with their types and latest clock', async () => {
    const { evaluations, calls } = fakeEvaluations();
    const first = evaluations.run('HZ01', 1000, new Set<EventType>(['showroom.visit']));
    const second = evaluations.run('HZ01', 1003, new Set<EventType>(['spend.recorded']));
    const third = evaluations.run('HZ01', 1002, new Set<EventType>(['order.signed', 'showroom.visit']));
    // Another store is evaluated beside it.
    const other = evaluations.run('SH02', 1001, new Set<EventType>(['showroom.visit']));
    expect(calls.map((c) => [c.store, c.now, c.types])).toEqual([
      ['HZ01', 1000, ['showroom.visit']],
      ['SH02', 1001, ['showroom.visit']],
    ]);
    // The joined evaluation waits for the one running: it may have read before their events.
    expect(await settled(second)).toBe('pending');
    calls[0]!.end();
    expect(await settled(first)).toBe('done');
    expect(calls.map((c) => [c.store, c.now, c.types])[2]).toEqual([
      'HZ01',
      1003,
      ['order.signed', 'showroom.visit', 'spend.recorded'],
    ]);
    expect(await settled(second)).toBe('pending');
    // A batch asking now needs one more evaluation: the joined one has started.
    const fourth = evaluations.run('HZ01', 1004, new Set<EventType>(['lead.created']));
    calls[2]!.end();
    expect(await settled(second)).toBe('done');
    expect(await settled(third)).toBe('done');
    expect(await settled(fourth)).toBe('pending');
    expect(calls.map((c) => [c.store, c.now, c.types])[3]).toEqual(['HZ01', 1004, ['lead.created']]);
    calls[3]!.end();
    calls[1]!.end();
    await Promise.all([fourth, other]);
    expect(calls).toHaveLength(4);
    expect(evaluations.active).toBe(0);
  });

  it('a failed evaluation fails the batches that waited for it; the next one still runs', async () => {
    const { evaluations, calls } = fakeEvaluations();
    const first = evaluations.run('HZ01', 1, new Set<EventType>(['showroom.visit']));
    const second = evaluations.run('HZ01', 2, new Set<EventType>(['showroom.visit']));
    calls[0]!.end(new Error('Redis away'));
    await expect(first).rejects.toThrow('Redis away');
    expect(calls).toHaveLength(2);
    calls[1]!.end(new Error('still away'));
    await expect(second).rejects.toThrow('still away');
    expect(evaluations.active).toBe(0);
    const third = evaluations.run('HZ01', 3, new Set<EventType>(['showroom.visit']));
    calls[2]!.end();
    await expect(third).resolves.toEqual(none);
  });
});

describe('alerts through shared evaluations', () => {
  const deps = applyDeps('evaluations');
  afterAll(() => deps.close());
  /** Monday 23 November 2026, 08:00 in Shanghai. */
  const T0 = Date.parse('2026-11-23T08:00:00+08:00');
  const iso = (ms: number) => new Date(ms).toISOString();

  it('a burst raises and clears the same alerts as batch by batch', async () => {
    const budget = { store: 'RE1', name: '短视频推广', month: '2026-11', amount: 1000, warnAt: 0.5 };
    await saveBudget(deps.redis, deps.config.prefix, 'B1', budget);
    const spend = (id: string, amount: number, at: number) =>
      ev('spend.recorded', iso(at), { store: 'RE1', spendId: id, budgetId: 'B1', amount });
    // The first evaluation is held once done, so that the batches after it join the next.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let runs = 0;
    const evaluations = new StoreEvaluations(async (store, now, types) => {
      const r = await evaluateStore(deps, store, now, types);
      if (++runs === 1) await held;
      return r;
    });
    const apply = (now: number, ...events: PulseEvent[]) => applyEvents({ ...deps, evaluations, now: () => now }, events);
    const history = async () =>
      (await listAlerts(deps.redis, deps.config.prefix, 'RE1', { limit: 100 }))
        .sort((a, b) => a.at.localeCompare(b.at) || (a.condition ?? '').localeCompare(b.condition ?? ''))
        .map((a) => `${a.kind}:${a.condition ?? ''} ${a.state}`);

    const warn = apply(T0, spend('S1', 600, T0)); // 60 % ≥ 50 %: warn
    while (runs === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await history()).toEqual(['budget_warn:budget:B1 open']);
    const trip = apply(T0 + 60_000, spend('S2', 500, T0 + 60_000)); // 1,100 ≥ 1,000: tripped
    const over = apply(T0 + 2 * 60_000, spend('S3', 50, T0 + 2 * 60_000)); // after the trip: overspend
    // Both applied, their evaluation waits for the one held.
    while ((await loggedCount(deps.redis, deps.config.prefix, 'RE1')) < 3) await new Promise((r) => setTimeout(r, 5));
    expect(await settled(trip)).toBe('pending');
    release();
    expect((await Promise.all([warn, trip, over])).map((r) => r.applied)).toEqual([1, 1, 1]);
    expect(runs).toBe(2);
    // As the same batches applied one after the other give (test/alert-rules.test.ts).
    expect(await history()).toEqual([
      'budget_warn:budget:B1 cleared',
      'budget_tripped:budget:B1 open',
      'budget_overspend:overspend:S3 open',
    ]);
    // Raised at the same moment as the trip: found by kind.
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
    expect(await history()).toEqual([
      'budget_warn:budget:B1 cleared',
      'budget_tripped:budget:B1 cleared',
      'budget_overspend:overspend:S3 cleared',
    ]);
    expect(evaluations.active).toBe(0);
  });
});
