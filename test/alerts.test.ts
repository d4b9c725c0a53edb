/** Alerts raised by the workers: one per crossing, through the real scripts and Redis. */
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../domain/alerts.js';
import { saveBudget } from '../server/budget-book.js';
import { storeKeys } from '../server/redis-keys.js';
import { recentAlerts } from '../workers/alerts/raise-alert.js';
import { checkOverdueComplaints } from '../workers/alerts/complaint-alerts.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { refreshStore } from '../workers/maintenance.processor.js';
import { ev } from './support/events.js';
import { applyDeps } from './support/stack.js';

const deps = applyDeps('alerts');
afterAll(() => deps.close());
const H = 3600_000;
const T0 = Date.parse('2026-11-23T08:00:00+08:00');
const iso = (ms: number) => new Date(ms).toISOString();
const kinds = async (store: string) =>
  (await recentAlerts(deps.redis, deps.config.prefix, store, 50)).map(
    (a: Alert) => `${a.kind}:${a.data?.phase ?? a.data?.budgetId}`,
  );

describe('complaint overdue alerts', () => {
  it('alerts once at the response deadline and once more at the resolution deadline', async () => {
    await applyEvents({ ...deps, now: () => T0 }, [
      ev('complaint.opened', iso(T0), {
        store: 'AL1',
        complaintId: 'CH',
        channel: 'phone',
        category: 'service',
        severity: 'high',
      }),
      ev('complaint.opened', iso(T0), {
        store: 'AL1',
        complaintId: 'CL',
        channel: 'phone',
        category: 'service',
        severity: 'low',
      }),
    ]);
    const check = (now: number) =>
      checkOverdueComplaints(deps.redis, deps.config.prefix, 'AL1', now, deps.config.complaintDeadlinesMs);
    expect(await check(T0 + 4 * H)).toBe(0); // exactly at the 4 h deadline: not yet past it
    expect(await check(T0 + 4 * H + 1)).toBe(1); // CH: response overdue
    expect(await check(T0 + 5 * H)).toBe(0); // still overdue: no repeat
    expect(await check(T0 + 24 * H + 1)).toBe(2); // CH resolution (24 h), CL response (24 h)
    expect(await check(T0 + 30 * H)).toBe(0);
    expect((await kinds('AL1')).sort()).toEqual([
      'complaint_overdue:resolution',
      'complaint_overdue:response',
      'complaint_overdue:response',
    ]);
  });

  it('a responded complaint is due only at its resolution deadline; a resolved one never', async () => {
    await applyEvents({ ...deps, now: () => T0 }, [
      ev('complaint.opened', iso(T0), {
        store: 'AL2',
        complaintId: 'C1',
        channel: 'phone',
        category: 'sales',
        severity: 'medium',
      }),
      ev('complaint.responded', iso(T0 + H), { store: 'AL2', complaintId: 'C1' }),
      ev('complaint.opened', iso(T0), {
        store: 'AL2',
        complaintId: 'C2',
        channel: 'phone',
        category: 'sales',
        severity: 'medium',
      }),
      ev('complaint.resolved', iso(T0 + 2 * H), { store: 'AL2', complaintId: 'C2' }),
    ]);
    const check = (now: number) =>
      checkOverdueComplaints(deps.redis, deps.config.prefix, 'AL2', now, deps.config.complaintDeadlinesMs);
    expect(await check(T0 + 48 * H)).toBe(0);
    expect(await check(T0 + 72 * H + 1)).toBe(1);
    expect(await kinds('AL2')).toEqual(['complaint_overdue:resolution']);
  });

  it('counts but does not announce a deadline that passed more than a day before it was seen', async () => {
    await applyEvents({ ...deps, now: () => T0 + 100 * H }, [
      ev('complaint.opened', iso(T0), {
        store: 'AL4',
        complaintId: 'OLD',
        channel: 'phone',
        category: 'sales',
        severity: 'high',
      }),
    ]);
    // Response due at T0 + 4 h, resolution at T0 + 24 h: both crossed more than a day ago.
    expect(
      await checkOverdueComplaints(deps.redis, deps.config.prefix, 'AL4', T0 + 100 * H, deps.config.complaintDeadlinesMs),
    ).toBe(0);
    expect(await kinds('AL4')).toEqual([]);
    expect(await deps.redis.zcount(storeKeys(deps.config.prefix, 'AL4').complaints.due, '-inf', T0 + 100 * H)).toBe(1);
  });
});

describe('budget alerts', () => {
  it('alerts again when a raised budget is crossed anew', async () => {
    const budget = { store: 'AL3', name: '短视频推广', month: '2026-11', amount: 1000, warnAt: 0.5 };
    await saveBudget(deps.redis, deps.config.prefix, 'AB', budget);
    const spend = (id: string, amount: number) =>
      applyEvents({ ...deps, now: () => T0 }, [
        ev('spend.recorded', iso(T0), { store: 'AL3', spendId: id, budgetId: 'AB', amount }),
      ]);
    await spend('S1', 600); // 60 % ≥ 50 %: warn
    await spend('S2', 500); // 110 %: tripped
    await saveBudget(deps.redis, deps.config.prefix, 'AB', { ...budget, amount: 10000 }); // 11 %: ok again
    await refreshStore(deps, 'AL3', 'Asia/Shanghai', T0);
    await spend('S3', 4000); // 51 %: warn again
    expect((await kinds('AL3')).reverse()).toEqual(['budget_warn:AB', 'budget_tripped:AB', 'budget_warn:AB']);
    expect(await deps.redis.hget(storeKeys(deps.config.prefix, 'AL3').alertState, 'budget:AB')).toBe('warn');
  });
});
