/** What the budget rules read: this month's budgets, spend per budget and this month's spend records. */
import { budgetSettings, type BudgetSettings } from '../../../domain/settings.js';
import { windowsAt } from '../../../core/kpi/windows.js';
import { withScores } from '../../../core/kpi/day-buckets.js';
import { storeKeys } from '../../../core/redis/keys.js';
import type { RuleContext } from '../rule.js';

export interface SpendRecord {
  spendId: string;
  at: number;
  budgetId: string;
  fen: number;
}

export interface BudgetReads {
  month: string;
  /** This month's budgets. */
  budgets: Map<string, BudgetSettings>;
  /** Every budget id configured, whatever its month. */
  known: Set<string>;
  spentFen: Record<string, string>;
  /** This month's spend records, by time then id. */
  monthSpend: SpendRecord[];
}

export const readBudgets = (ctx: RuleContext): Promise<BudgetReads> =>
  ctx.memo('budgets', async () => {
    const k = storeKeys(ctx.prefix, ctx.store);
    const w = windowsAt(ctx.now, ctx.timezone);
    const [raw, spentFen, ids] = await Promise.all([
      ctx.redis.hgetall(k.budgets),
      ctx.redis.hgetall(k.spend.byBudget),
      ctx.redis.zrangebyscore(k.spend.byTime, w.monthStart, `(${w.monthEnd}`, 'WITHSCORES'),
    ]);
    const budgets = new Map<string, BudgetSettings>();
    for (const [id, json] of Object.entries(raw)) {
      const parsed = budgetSettings.safeParse(JSON.parse(json));
      if (parsed.success && parsed.data.month === w.month) budgets.set(id, parsed.data);
    }
    const scored = withScores(ids);
    const recs = scored.length ? await ctx.redis.hmget(k.spend.records, ...scored.map((s) => s.member)) : [];
    const monthSpend: SpendRecord[] = [];
    scored.forEach((s, i) => {
      const [at, , budgetId, fen] = (recs[i] ?? '').split('|');
      if (budgetId === undefined || fen === undefined) return;
      monthSpend.push({ spendId: s.member, at: Number(at), budgetId, fen: Number(fen) });
    });
    monthSpend.sort((a, b) => a.at - b.at || a.spendId.localeCompare(b.spendId));
    return { month: w.month, budgets, known: new Set(Object.keys(raw)), spentFen, monthSpend };
  });

export const amountFen = (b: BudgetSettings): number => Math.round(b.amount * 100);
export const yuan = (fen: number): number => fen / 100;
