/**
 * A budget's status (费用预算, kpis.md "Spend versus budget"): `tripped` (跳闸) once the spend reaches
 * the budget, else `warn` (预警) from `warnAt` × the budget, else `ok`. Amounts in integer fen. The
 * budget figures, the breaker, the budget alerts and the wall's totals read the same rule.
 */
import type { BudgetStatus } from './kpis.js';

/** The default warning line, a share of the budget. */
export const DEFAULT_WARN_AT = 0.8;

/** Reaching the budget exactly trips it. */
export const budgetReached = (spent: number, amount: number): boolean => spent >= amount;

export function budgetStatus(spentFen: number, amountFen: number, warnAt: number): BudgetStatus {
  if (budgetReached(spentFen, amountFen)) return 'tripped';
  // A hair of tolerance so that exactly warnAt × amount counts as reached despite float rounding.
  if (spentFen >= warnAt * amountFen - 1e-6) return 'warn';
  return 'ok';
}
