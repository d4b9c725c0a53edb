/**
 * Order and duplicates must not matter: the same log applied in order, and shuffled with
 * duplicates (single events and in batches), gives identical snapshots. Run on the test run's
 * redis-server (replay.test.ts) and on a Redis Cluster (redis-cluster.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../../domain/events.js';
import type { Snapshot } from '../../domain/kpis.js';
import { saveBudget } from '../../core/books/budget-book.js';
import { KpiService } from '../../core/kpi/kpi-service.js';
import type { RedisTarget } from '../../core/redis/connections.js';
import { applyEvents } from '../../workers/apply-events.processor.js';
import { shuffled } from './events.js';
import { demoEvents } from './faults.js';
import { applyDeps, readOptions } from './stack.js';
import { NOW, scenarioBudgets, scenarioEvents } from './scenario.js';
import { loggedCount } from '../../core/events/event-log.js';

/** The log with about 30 % of its events sent again, as a retrying sender would. */
function withDuplicates(log: PulseEvent[], seed: number): PulseEvent[] {
  const again = shuffled(log, seed + 1000).slice(0, Math.ceil(log.length * 0.3));
  return shuffled([...log, ...again, ...again.slice(0, 5)], seed);
}

/** The replay tests on the Redis `target` gives (when the suite starts); the test run's redis-server by default. */
export function replayTests(target?: () => RedisTarget) {
  describe('replay', () => {
    const opened: { close(): void }[] = [];
    afterAll(() => opened.forEach((d) => d.close()));

    async function replay(name: string, log: PulseEvent[], batch: number): Promise<Snapshot[]> {
      const deps = applyDeps(name, {}, target?.());
      opened.push(deps);
      await deps.stores.put('HZ01', { name: '杭州西湖店', timezone: 'Asia/Shanghai' });
      await deps.stores.put('LA01', { name: 'Los Angeles', timezone: 'America/Los_Angeles' });
      for (const { budgetId, ...b } of scenarioBudgets) await saveBudget(deps.redis, deps.config.prefix, budgetId, b);
      for (let i = 0; i < log.length; i += batch) {
        await applyEvents({ ...deps, now: () => NOW }, log.slice(i, i + batch));
      }
      const kpis = new KpiService(deps.redis, deps.stores, readOptions(deps.config));
      return [(await kpis.store('HZ01', NOW))!, (await kpis.store('LA01', NOW))!, await kpis.group(NOW)];
    }

    it('gives identical snapshots whatever the order and duplicates', async () => {
      const reference = await replay('replay-ref', scenarioEvents, 1);
      expect(reference[0]!.kpis.salesCallbackRate.month.numerator).toBe(3); // sanity: the scenario applied
      for (const seed of [1, 2, 3, 4, 5]) {
        const got = await replay(`replay-${seed}`, withDuplicates(scenarioEvents, seed), seed % 2 ? 1 : 7);
        expect(got).toEqual(reference);
      }
    });

    it('gives identical snapshots for the demo mix of every event type, shuffled with 30 % duplicates', async () => {
      // Three days of a demo store: every event type, corrections and late arrivals included.
      const log = demoEvents('HZ01', 3, 5);
      const now = Date.parse(log.at(-1)!.at) + 60_000;
      expect(new Set(log.map((e) => e.type)).size).toBeGreaterThanOrEqual(18);
      const demo = async (name: string, events: PulseEvent[], batch: number) => {
        const deps = applyDeps(name, {}, target?.());
        opened.push(deps);
        for (let i = 0; i < events.length; i += batch) await applyEvents({ ...deps, now: () => now }, events.slice(i, i + batch));
        expect(await loggedCount(deps.redis, deps.config.prefix, 'HZ01')).toBe(log.length);
        const kpis = new KpiService(deps.redis, deps.stores, readOptions(deps.config));
        return [await kpis.store('HZ01', now), await kpis.group(now)];
      };
      const reference = await demo('replay-demo-ref', log, 100);
      for (const [seed, batch] of [
        [7, 1000],
        [8, 13],
        [9, 250],
      ] as const) {
        const replayed = withDuplicates(log, seed);
        expect(replayed.length).toBeGreaterThanOrEqual(log.length * 1.3);
        expect(await demo(`replay-demo-${seed}`, replayed, batch)).toEqual(reference);
      }
    });

    it('counts a reversed log the same', async () => {
      const reference = await replay('replay-ref2', scenarioEvents, 50);
      expect(await replay('replay-rev', [...scenarioEvents].reverse(), 3)).toEqual(reference);
    });
  });
}
