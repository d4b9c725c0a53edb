/**
 * KPI names and the snapshot shape (kpis.md). Produced by the server, consumed by the wall.
 * Amounts are yuan; ratios are null when their denominator is 0.
 */
import type { CoopFigure } from './coop.js';
import type { Freshness } from './freshness.js';

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
  /** Planned spends a manager let through the breaker (跳闸越权), this month. */
  overrides?: number;
}
export interface SpendFigure {
  amount: number;
  spent: number;
  ratio: number | null;
  unbudgeted: number;
  budgets: BudgetLine[];
  /** Set when the list is cut (the group: domain/group-lists.ts): every budget counted in the totals. */
  budgetCount?: number;
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
  /** Daily counts, for the funnel and the target pace against the calendar. */
  leads: number[];
  orders: number[];
  deliveries: number[];
  /** Daily mean survey score per kind (null on a day without surveys). */
  salesSatisfaction: (number | null)[];
  serviceSatisfaction: (number | null)[];
  /** Spend recorded per day (yuan) on the current month's budgets, for the burn-down. */
  spend: number[];
}
export interface Snapshot {
  /* The headline four and the rest of the operations centre share one `kpis` object. */
  /** Store code, or "*" for the group. */
  store: string;
  name: string;
  asOf: string;
  timezone: string;
  seq: number;
  /** Stores summed into this snapshot (1 for a store). */
  stores: string[];
  kpis: Kpis & OperationsKpis;
  series: DailySeries;
  /** As served (socket and HTTP): the state of the pipeline behind these figures (domain/freshness.ts). */
  freshness?: Freshness;
}

/** A ratio as the spec defines it: null when nothing is counted. */
export const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

// ── The rest of the operations centre (kpis-operations.md) ───────────────────────────────────

export const LEAD_CHANNEL_KEYS = ['walk_in', 'phone', 'web', 'event', 'referral', 'other'] as const;
export type LeadChannel = (typeof LEAD_CHANNEL_KEYS)[number];
export const POSTSALE_KIND_KEYS = ['inspection', 'plate', 'insurance', 'loan', 'pickup_notice'] as const;
export type PostsaleKind = (typeof POSTSALE_KIND_KEYS)[number];
export const SEGMENT_CLASSES = ['highStable', 'highChurn', 'lowStable', 'lowChurn', 'none'] as const;
export type SegmentClass = (typeof SEGMENT_CLASSES)[number];
export const TARGET_KEYS = ['orders', 'deliveries', 'leads'] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];

export interface ShowroomFigure {
  visits: number;
  firstVisits: number;
}
export interface LeadsFigure {
  total: number;
  byChannel: Record<LeadChannel, number>;
}
export interface OrdersFigure {
  count: number;
  /** Yuan. */
  amount: number;
}
export interface TargetFigure {
  target: number;
  actual: number;
  progress: number;
  /** actual / (target × elapsed fraction of the month): 1 or more is on track. */
  pace: number | null;
}
export interface SatisfactionFigure {
  count: number;
  average: number | null;
  nps: number | null;
}
export interface MembersFigure {
  total: number;
  today: number;
  month: number;
}
export interface PostsaleFigure {
  open: number;
  overdue: number;
  byKind: Record<PostsaleKind, { open: number; overdue: number }>;
  today: { done: number };
  month: { done: number };
}
export interface MediaFigure {
  total: number;
  negative: number;
}
export interface MaterialLine {
  itemId: string;
  /** The store holding the item (the group lists every store's items). */
  store: string;
  name: string;
  stock: number;
  reorderLevel: number;
  low: boolean;
  /** The latest stocktake (盘点): what was counted, null if never counted. */
  counted: number | null;
  /** When, in the store's time zone; null if never counted. */
  countedAt: string | null;
  /** Book stock at the stocktake's moment − counted (0 is the goal); null if never counted. */
  discrepancy: number | null;
}
export interface MaterialsFigure {
  items: MaterialLine[];
  lowCount: number;
  /** Items whose latest stocktake differs from the books. */
  discrepancyCount: number;
  /** Set when the list is cut (the group: domain/group-lists.ts): every item, of which `items` lists the most urgent. */
  itemCount?: number;
}
export interface CampaignLine {
  campaignId: string;
  leads: number;
  orders: number;
  /** Yuan. */
  orderAmount: number;
  /** Yuan: the current budgets naming this campaign. */
  spend: number;
  costPerLead: number | null;
  returnRatio: number | null;
}
export interface SegmentsFigure {
  /** null until the first segmentation ran. */
  computedAt: string | null;
  counts: Record<SegmentClass, number>;
}

/** The figures of kpis-operations.md, under their own names in `kpis`. */
export interface OperationsKpis {
  showroom: Record<WindowName, ShowroomFigure>;
  leads: Record<WindowName, LeadsFigure>;
  testDriveRate: Record<WindowName, RateFigure>;
  orderConversion: Record<WindowName, RateFigure>;
  orders: Record<WindowName, OrdersFigure>;
  deliveries: Record<WindowName, { count: number }>;
  targets: Partial<Record<TargetKey, TargetFigure>>;
  satisfaction: Record<WindowName, Record<'sales' | 'service', SatisfactionFigure>>;
  members: MembersFigure;
  appointmentShowRate: Record<WindowName, RateFigure>;
  postsale: PostsaleFigure;
  media: Record<WindowName, MediaFigure>;
  materials: MaterialsFigure;
  campaigns: CampaignLine[];
  segments: SegmentsFigure;
  /** The co-op ledger (厂家出帐, ledgers.md). */
  coop: CoopFigure;
}
