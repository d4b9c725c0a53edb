/**
 * Budget early warning (预警) and trip (跳闸): one alert per upward crossing. A budget that falls
 * back (its amount raised) and crosses again alerts again.
 */
import type { Redis } from 'ioredis';
import type { BudgetStatus } from '../../domain/kpis.js';
import { budgetSettings } from '../../domain/settings.js';
import { storeKeys } from '../../server/redis-keys.js';
import { budgetStatus } from '../../server/kpi/spend.js';
import { windowsAt } from '../../server/kpi/windows.js';
import { transition } from '../event-scripts.js';
import { raiseAlert } from './raise-alert.js';

const RANK: Record<string, number> = { '': 0, ok: 0, warn: 1, tripped: 2 };

export async function checkBudgets(redis: Redis, prefix: string, store: string, timezone: string, now: number): Promise<number> {
  const k = storeKeys(prefix, store);
  const [budgets, spent] = await Promise.all([redis.hgetall(k.budgets), redis.hgetall(k.spend.byBudget)]);
  const month = windowsAt(now, timezone).month;
  let raised = 0;
  for (const [budgetId, json] of Object.entries(budgets)) {
    const parsed = budgetSettings.safeParse(JSON.parse(json));
    if (!parsed.success || parsed.data.month !== month) continue;
    const b = parsed.data;
    const amountFen = Math.round(b.amount * 100);
    const spentFen = Number(spent[budgetId] ?? 0);
    const status: BudgetStatus = budgetStatus(spentFen, amountFen, b.warnAt);
    const old = await transition(redis, k.alertState, `budget:${budgetId}`, status);
    if ((RANK[status] ?? 0) <= (RANK[old] ?? 0)) continue;
    const pct = Math.round((spentFen / amountFen) * 1000) / 10;
    const tripped = status === 'tripped';
    await raiseAlert(redis, prefix, {
      store,
      kind: tripped ? 'budget_tripped' : 'budget_warn',
      severity: tripped ? 'critical' : 'warning',
      message: tripped
        ? `预算跳闸：${b.name} 已用 ${pct}%（¥${spentFen / 100} / ¥${b.amount}）`
        : `预算预警：${b.name} 已用 ${pct}%（预警线 ${Math.round(b.warnAt * 100)}%）`,
      at: new Date(now).toISOString(),
      data: { budgetId, name: b.name, ratio: pct / 100, spent: spentFen / 100, amount: b.amount, warnAt: b.warnAt },
    });
    raised++;
  }
  return raised;
}
