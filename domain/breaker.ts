/**
 * The budget breaker (跳闸): `POST /api/v1/budgets/{budgetId}/check` answers whether a planned
 * spend fits. A spend that would reach the budget (the trip line) or a budget already tripped is
 * refused with 409 and the shortfall; a manager (scope `admin`) may let it through with a reason,
 * and every such override is logged and shown.
 */
import { z } from 'zod';
import { BOUNDS } from './events.js';
import type { BudgetStatus } from './kpis.js';

/** A planned spend is bounded as the spend it plans (spend.recorded). */
const yuan = z
  .number()
  .positive('must be more than 0')
  .max(BOUNDS.spendAmount, `must be at most ${BOUNDS.spendAmount}`)
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'must have at most 2 decimals');

export const budgetCheckBody = z.strictObject({
  /** The planned spend, yuan. */
  amount: yuan,
  override: z
    .strictObject({
      reason: z.string().trim().min(4, 'give a reason of at least 4 characters').max(500),
      /** The manager's name; the key's name when absent. */
      by: z.string().trim().min(1).max(64).optional(),
    })
    .optional(),
});
export type BudgetCheckBody = z.infer<typeof budgetCheckBody>;

export interface BudgetOverride {
  overrideId: string;
  budgetId: string;
  store: string;
  month: string;
  /** The planned spend let through, yuan. */
  amount: number;
  /** How far past the budget it goes, yuan. */
  shortfall: number;
  reason: string;
  by: string;
  /** The name of the key that overrode. */
  keyName: string;
  at: string;
}

export interface BudgetCheckResult {
  budgetId: string;
  store: string;
  month: string;
  /** The planned spend, yuan. */
  amount: number;
  budget: number;
  spent: number;
  /** budget − spent (negative when already past it). */
  remaining: number;
  /** Where the budget would stand with the planned spend. */
  after: { spent: number; ratio: number; status: BudgetStatus };
  fits: boolean;
  /** spent + amount − budget when it does not fit, else 0. */
  shortfall: number;
  /** Present when a manager let a spend that does not fit through. */
  override?: BudgetOverride;
}

/** The 409 body. */
export interface BudgetRefusal extends BudgetCheckResult {
  error: 'budget_tripped' | 'budget_would_trip';
  message: string;
}
