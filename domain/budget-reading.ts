/**
 * How one budget reads on a wall: its month-end forecast (held back early in the month) and the one
 * status its chip, bar and forecast all show. The server's `status` judges what is spent
 * (kpis.md); a forecast past the budget while the spend is still below the warning line is a
 * warning of its own ("预计超支"), so that a green 正常 never stands beside a red forecast.
 */
import { isEarlyMonth } from './early-month.js';
import type { BudgetLine, BudgetStatus } from './kpis.js';

/** The chip's status: the server's, or `forecastOver` when only the forecast passes the budget. */
export type BudgetReadingStatus = BudgetStatus | 'forecastOver';

export interface BudgetReading {
  /** The forecast to show, or null: none yet (no spend time), or held back early in the month. */
  forecast: number | null;
  /** True when the forecast is held back by the early-month guard. */
  forecastHeld: boolean;
  /** The shown forecast reaches the budget. */
  forecastOver: boolean;
  status: BudgetReadingStatus;
}

export function budgetReading(budget: Pick<BudgetLine, 'amount' | 'forecast' | 'status'>, asOf: string): BudgetReading {
  const forecastHeld = budget.forecast !== null && isEarlyMonth(asOf);
  const forecast = forecastHeld ? null : budget.forecast;
  const forecastOver = forecast !== null && budget.amount > 0 && forecast >= budget.amount;
  const status: BudgetReadingStatus = budget.status === 'ok' && forecastOver ? 'forecastOver' : budget.status;
  return { forecast, forecastHeld, forecastOver, status };
}
