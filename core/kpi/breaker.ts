/** The budget breaker's arithmetic (跳闸): does a planned spend fit? Pure; amounts in integer fen. */
import type { BudgetCheckResult } from '../../domain/breaker.js';
import type { BudgetSettings } from '../../domain/settings.js';
import { budgetReached, budgetStatus } from '../../domain/budgets.js';

export function checkPlannedSpend(budgetId: string, b: BudgetSettings, spentFen: number, plannedFen: number): BudgetCheckResult {
  const budgetFen = Math.round(b.amount * 100);
  const afterFen = spentFen + plannedFen;
  // Reaching the budget exactly trips it, so a spend fits only if it stays below.
  const fits = !budgetReached(afterFen, budgetFen);
  return {
    budgetId,
    store: b.store,
    month: b.month,
    amount: plannedFen / 100,
    budget: budgetFen / 100,
    spent: spentFen / 100,
    remaining: (budgetFen - spentFen) / 100,
    after: {
      spent: afterFen / 100,
      // Unrounded, as every ratio sent (kpis-operations.md, "Precision and readings").
      ratio: afterFen / budgetFen,
      status: budgetStatus(afterFen, budgetFen, b.warnAt),
    },
    fits,
    shortfall: fits ? 0 : (afterFen - budgetFen) / 100,
  };
}
