/**
 * KPI names and the snapshot shape (kpis.md). Produced by the server, consumed by the wall.
 * Amounts are yuan; ratios are null when their denominator is 0.
 */
export const KPI_NAMES = ['salesCallbackRate', 'serviceCallbackRate', 'appointmentRate', 'complaints', 'spend'] as const;
export type KpiName = (typeof KPI_NAMES)[number];
export const WINDOWS = ['today', 'month'] as const;
export type WindowName = (typeof WINDOWS)[number];

export interface RateFigure {
  value: number | null;
  numerator: number;
  denominator: number;
}
export interface CallbackFigure extends RateFigure {
  /** Neither met nor past the deadline: still to call. */
  pending: number;
  /** Past the deadline and not met. */
  missed: number;
}
export interface ComplaintWindowFigure {
  opened: number;
  resolved: number;
  medianResolutionHours: number | null;
}
export interface ComplaintsFigure {
  open: number;
  overdue: number;
  today: ComplaintWindowFigure;
  month: ComplaintWindowFigure;
}
export type BudgetStatus = 'ok' | 'warn' | 'tripped';
export interface BudgetLine {
  budgetId: string;
  store: string;
  name: string;
  month: string;
  amount: number;
  spent: number;
  ratio: number;
  warnAt: number;
  status: BudgetStatus;
  /** Month-end spend at the pace so far. */
  forecast: number | null;
  campaignId?: string;
}
export interface SpendFigure {
  amount: number;
  spent: number;
  ratio: number | null;
  unbudgeted: number;
  budgets: BudgetLine[];
}
export interface Kpis {
  salesCallbackRate: Record<WindowName, CallbackFigure>;
  serviceCallbackRate: Record<WindowName, CallbackFigure>;
  appointmentRate: Record<WindowName, RateFigure>;
  complaints: ComplaintsFigure;
  spend: SpendFigure;
}
/** One value per local day of the current month, up to today (for trend charts). */
export interface DailySeries {
  days: string[];
  salesCallbackRate: (number | null)[];
  serviceCallbackRate: (number | null)[];
  appointmentRate: (number | null)[];
}
export interface Snapshot {
  /** Store code, or "*" for the group. */
  store: string;
  name: string;
  asOf: string;
  timezone: string;
  seq: number;
  /** Stores summed into this snapshot (1 for a store). */
  stores: string[];
  kpis: Kpis;
  series: DailySeries;
}

/** A ratio as the spec defines it: null when nothing is counted. */
export const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;
