/** Spend versus budget (kpis.md). Pure; amounts arrive in integer fen and leave in yuan. */
import type { BudgetLine, SpendFigure } from '../../domain/kpis.js';
import type { BudgetSettings } from '../../domain/settings.js';
import { budgetStatus } from '../../domain/budgets.js';

export interface BudgetInput {
  budgetId: string;
  settings: BudgetSettings;
  spentFen: number;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/*
 * Ratios are sent unrounded, one division of integer fen (kpis-operations.md, "Precision and
 * readings"); the forecast is an amount and keeps its fen.
 */

/** The month-end spend at the pace so far: spent (yuan) ÷ the elapsed fraction of the month. */
export const forecastAt = (spent: number, elapsed: number): number | null => (elapsed > 0 ? round2(spent / elapsed) : null);

export function budgetLine(b: BudgetInput, elapsed: number): BudgetLine {
  const amountFen = Math.round(b.settings.amount * 100);
  const line: BudgetLine = {
    budgetId: b.budgetId,
    store: b.settings.store,
    name: b.settings.name,
    month: b.settings.month,
    amount: amountFen / 100,
    spent: b.spentFen / 100,
    ratio: b.spentFen / amountFen,
    warnAt: b.settings.warnAt,
    status: budgetStatus(b.spentFen, amountFen, b.settings.warnAt),
    forecast: forecastAt(b.spentFen / 100, elapsed),
  };
  if (b.settings.campaignId) line.campaignId = b.settings.campaignId;
  return line;
}

/** Totals over the current month's budgets; `unbudgetedFen` is this month's spend on unknown budgets. */
export function spendFigure(lines: BudgetLine[], unbudgetedFen: number): SpendFigure {
  const amountFen = lines.reduce((s, l) => s + Math.round(l.amount * 100), 0);
  const spentFen = lines.reduce((s, l) => s + Math.round(l.spent * 100), 0);
  return {
    amount: amountFen / 100,
    spent: spentFen / 100,
    ratio: amountFen === 0 ? null : spentFen / amountFen,
    unbudgeted: unbudgetedFen / 100,
    budgets: [...lines].sort((a, b) => b.ratio - a.ratio || a.budgetId.localeCompare(b.budgetId)),
  };
}
