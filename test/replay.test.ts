/**
 * Order and duplicates must not matter: the same log applied in order, and shuffled with
 * duplicates (single events and in batches), gives identical snapshots.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../domain/events.js';
import type { Snapshot } from '../domain/kpis.js';
import { saveBudget } from '../server/budget-book.js';
import { KpiService } from '../server/kpi/kpi-service.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { shuffled } from './support/events.js';
import { applyDeps, readOptions } from './support/stack.js';
import { NOW, scenarioBudgets, scenarioEvents } from './support/scenario.js';

const opened: { close(): void }[] = [];
afterAll(() => opened.forEach((d) => d.close()));

async function replay(name: string, log: PulseEvent[], batch: number): Promise<Snapshot[]> {
  const deps = applyDeps(name);
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

/** The log with about 30 % of its events sent again, as a retrying sender would. */
function withDuplicates(log: PulseEvent[], seed: number): PulseEvent[] {
  const again = shuffled(log, seed + 1000).slice(0, Math.ceil(log.length * 0.3));
  return shuffled([...log, ...again, ...again.slice(0, 5)], seed);
}

describe('replay', () => {
  it('gives identical snapshots whatever the order and duplicates', async () => {
    const reference = await replay('replay-ref', scenarioEvents, 1);
    expect(reference[0]!.kpis.salesCallbackRate.month.numerator).toBe(3); // sanity: the scenario applied
    for (const seed of [1, 2, 3, 4, 5]) {
      const got = await replay(`replay-${seed}`, withDuplicates(scenarioEvents, seed), seed % 2 ? 1 : 7);
      expect(got).toEqual(reference);
    }
  });

  it('counts a reversed log the same', async () => {
    const reference = await replay('replay-ref2', scenarioEvents, 50);
    expect(await replay('replay-rev', [...scenarioEvents].reverse(), 3)).toEqual(reference);
  });
});
