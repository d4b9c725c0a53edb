/**
 * Spend rules: a budget's early warning (预警) and trip (跳闸), spend recorded past a tripped
 * budget, and spend booked on a budget id that has no budget.
 */
import { budgetReached, budgetStatus } from '../../../domain/budgets.js';
import type { AlertRule, Condition } from '../rule.js';
import { amountFen, readBudgets, yuan } from './budget-reads.js';

const pct = (ratio: number) => Math.round(ratio * 1000) / 10;
const money = (fen: number) => `¥${yuan(fen).toLocaleString('zh-CN')}`;

/** warn = 1, tripped = 2: one alert each time the budget climbs to a level. A budget is a standing state, announced whenever found. */
export const budgetRule: AlertRule = {
  name: 'budget',
  kinds: ['budget_warn', 'budget_tripped'],
  triggers: ['spend.recorded'],
  async evaluate(ctx) {
    const { budgets, spentFen } = await readBudgets(ctx);
    const conditions: Condition[] = [];
    for (const [budgetId, b] of budgets) {
      const amount = amountFen(b);
      const spent = Number(spentFen[budgetId] ?? 0);
      const status = budgetStatus(spent, amount, b.warnAt);
      if (status === 'ok') continue;
      const ratio = spent / amount;
      const tripped = status === 'tripped';
      conditions.push({
        key: `budget:${budgetId}`,
        level: tripped ? 2 : 1,
        since: ctx.now,
        alert: {
          kind: tripped ? 'budget_tripped' : 'budget_warn',
          severity: tripped ? 'critical' : 'warning',
          message: tripped
            ? `预算跳闸：${b.name} 已用 ${pct(ratio)}%（${money(spent)} / ${money(amount)}）`
            : `预算预警：${b.name} 已用 ${pct(ratio)}%（预警线 ${Math.round(b.warnAt * 100)}%）`,
          data: {
            budgetId,
            name: b.name,
            ratio: Math.round(ratio * 10000) / 10000,
            spent: yuan(spent),
            amount: b.amount,
            warnAt: b.warnAt,
          },
        },
      });
    }
    // Budgets of another month have left the rule's view: their alerts expire.
    return { conditions, examined: (key) => budgets.has(key.slice('budget:'.length)) };
  },
};

/** Every spend recorded (by time) once this month's spend on its budget had reached the budget. */
export const overspendRule: AlertRule = {
  name: 'overspend',
  kinds: ['budget_overspend'],
  triggers: ['spend.recorded'],
  async evaluate(ctx) {
    const { budgets, monthSpend } = await readBudgets(ctx);
    const before = new Map<string, number>();
    const conditions: Condition[] = [];
    const seen = new Set<string>();
    for (const s of monthSpend) {
      const b = budgets.get(s.budgetId);
      if (!b) continue;
      seen.add(s.spendId);
      const spentBefore = before.get(s.budgetId) ?? 0;
      before.set(s.budgetId, spentBefore + s.fen);
      if (!budgetReached(spentBefore, amountFen(b))) continue;
      conditions.push({
        key: `overspend:${s.spendId}`,
        level: 1,
        since: s.at,
        alert: {
          kind: 'budget_overspend',
          severity: 'critical',
          message: `跳闸后仍有支出：${b.name} 记录 ${money(s.fen)}（${s.spendId}），已超出预算`,
          data: {
            budgetId: s.budgetId,
            name: b.name,
            spendId: s.spendId,
            amount: yuan(s.fen),
            spent: yuan(spentBefore + s.fen),
            budget: b.amount,
          },
        },
      });
    }
    return { conditions, examined: (key) => seen.has(key.slice('overspend:'.length)) };
  },
};

/** This month's spend on a budget id no budget was set up for (未列预算支出). */
export const unbudgetedRule: AlertRule = {
  name: 'unbudgeted',
  kinds: ['spend_unbudgeted'],
  triggers: ['spend.recorded'],
  async evaluate(ctx) {
    const { known, monthSpend } = await readBudgets(ctx);
    const byBudget = new Map<string, number>();
    for (const s of monthSpend) if (!known.has(s.budgetId)) byBudget.set(s.budgetId, (byBudget.get(s.budgetId) ?? 0) + s.fen);
    const conditions: Condition[] = [...byBudget].map(([budgetId, fen]) => ({
      key: `unbudgeted:${budgetId}`,
      level: 1,
      since: ctx.now,
      alert: {
        kind: 'spend_unbudgeted',
        severity: 'warning',
        message: `未列预算支出：预算编号 ${budgetId} 本月已记录 ${money(fen)}，但没有设置该预算`,
        data: { budgetId, amount: yuan(fen) },
      },
    }));
    // A budget set up since clears the alert; last month's ids expire.
    return { conditions, examined: (key) => known.has(key.slice('unbudgeted:'.length)) };
  },
};
