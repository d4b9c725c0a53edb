/**
 * Period reports (reports.md): the counts of a period, summable across stores, and the figures
 * worked out from them with their comparisons. Pure: the counts are read from Redis in core/, the
 * arithmetic is here, so store, group, page, CSV and workbook agree to the last digit.
 */
import type { CallbackFigure, CampaignLine, LeadChannel, RateFigure, SatisfactionFigure, TargetKey } from './kpis.js';
import { LEAD_CHANNEL_KEYS, TARGET_KEYS, ratio } from './kpis.js';
import { budgetStatus, DEFAULT_WARN_AT } from './budgets.js';
import type { PeriodKind } from './periods.js';
import {
  addCoopPeriodCounts,
  emptyCoopPeriodCounts,
  hasCoopData,
  UNCLAIMED_AT_END_PARTS,
  type CoopPeriodCounts,
} from './coop-periods.js';

export interface SurveyCounts {
  count: number;
  scoreSum: number;
  /** Surveys that carry an NPS answer; promoters 9–10, detractors 0–6. */
  npsCount: number;
  promoters: number;
  detractors: number;
}

/** A callback kind's subjects in the period; due and dueMet as judged at the request. */
export interface CallbackPeriodCounts {
  subjects: number;
  met: number;
  due: number;
  dueMet: number;
}

export interface BudgetPeriodLine {
  store: string;
  budgetId: string;
  name: string;
  campaignId?: string;
  /** Set for the budgets of a month period (the month they name): amount and warn line. */
  amountFen?: number;
  warnAt?: number;
  /** Spend recorded in the period on this budget, fen. */
  spentFen: number;
}

/** Everything a report needs of one store over one period, as sums that add across stores. */
export interface PeriodCounts {
  callbacks: Record<'sales' | 'service', CallbackPeriodCounts>;
  repairs: number;
  booked: number;
  /** resolutionMs: opening to resolution of those resolved in the period (the live figure's unit). */
  complaints: { opened: number; resolved: number; resolutionMs: number[]; openAtEnd: number; overdueAtEnd: number };
  budgets: BudgetPeriodLine[];
  unbudgetedFen: number;
  visits: number;
  firstVisits: number;
  testDrives: number;
  leads: number;
  leadsByChannel: Record<LeadChannel, number>;
  orders: number;
  orderFen: number;
  deliveries: number;
  surveys: Record<'sales' | 'service', SurveyCounts>;
  membersJoined: number;
  showRate: { shown: number; scheduled: number };
  postsaleDone: number;
  media: { total: number; negative: number };
  campaigns: Record<string, { leads: number; orders: number; orderFen: number; spendFen: number }>;
  /** Month periods: the targets set for the month (summed over the stores that set one). */
  targets: Partial<Record<TargetKey, { target: number; actual: number }>>;
  /** The co-op ledger over the period (domain/coop-periods.ts). */
  coop: CoopPeriodCounts;
}

export const NO_SURVEY_COUNTS: SurveyCounts = { count: 0, scoreSum: 0, npsCount: 0, promoters: 0, detractors: 0 };

export function emptyPeriodCounts(): PeriodCounts {
  return {
    callbacks: { sales: { subjects: 0, met: 0, due: 0, dueMet: 0 }, service: { subjects: 0, met: 0, due: 0, dueMet: 0 } },
    repairs: 0,
    booked: 0,
    complaints: { opened: 0, resolved: 0, resolutionMs: [], openAtEnd: 0, overdueAtEnd: 0 },
    budgets: [],
    unbudgetedFen: 0,
    visits: 0,
    firstVisits: 0,
    testDrives: 0,
    leads: 0,
    leadsByChannel: Object.fromEntries(LEAD_CHANNEL_KEYS.map((c) => [c, 0])) as Record<LeadChannel, number>,
    orders: 0,
    orderFen: 0,
    deliveries: 0,
    surveys: { sales: { ...NO_SURVEY_COUNTS }, service: { ...NO_SURVEY_COUNTS } },
    membersJoined: 0,
    showRate: { shown: 0, scheduled: 0 },
    postsaleDone: 0,
    media: { total: 0, negative: 0 },
    campaigns: {},
    targets: {},
    coop: emptyCoopPeriodCounts(),
  };
}

const addInto = <T extends object>(into: T, add: T) => {
  const i = into as Record<string, number>;
  for (const [key, v] of Object.entries(add as Record<string, number>)) i[key] = (i[key] ?? 0) + v;
};

/** The group's counts: every store's summed (each read in its own zone). */
export function mergePeriodCounts(list: PeriodCounts[]): PeriodCounts {
  const m = emptyPeriodCounts();
  for (const c of list) {
    addInto(m.callbacks.sales, c.callbacks.sales);
    addInto(m.callbacks.service, c.callbacks.service);
    m.repairs += c.repairs;
    m.booked += c.booked;
    m.complaints.opened += c.complaints.opened;
    m.complaints.resolved += c.complaints.resolved;
    m.complaints.resolutionMs.push(...c.complaints.resolutionMs);
    m.complaints.openAtEnd += c.complaints.openAtEnd;
    m.complaints.overdueAtEnd += c.complaints.overdueAtEnd;
    m.budgets.push(...c.budgets);
    m.unbudgetedFen += c.unbudgetedFen;
    m.visits += c.visits;
    m.firstVisits += c.firstVisits;
    m.testDrives += c.testDrives;
    m.leads += c.leads;
    addInto(m.leadsByChannel, c.leadsByChannel);
    m.orders += c.orders;
    m.orderFen += c.orderFen;
    m.deliveries += c.deliveries;
    addInto(m.surveys.sales, c.surveys.sales);
    addInto(m.surveys.service, c.surveys.service);
    m.membersJoined += c.membersJoined;
    addInto(m.showRate, c.showRate);
    m.postsaleDone += c.postsaleDone;
    addInto(m.media, c.media);
    for (const [id, a] of Object.entries(c.campaigns)) {
      const into = (m.campaigns[id] ??= { leads: 0, orders: 0, orderFen: 0, spendFen: 0 });
      addInto(into, a);
    }
    for (const key of TARGET_KEYS) {
      const t = c.targets[key];
      if (!t) continue;
      const into = (m.targets[key] ??= { target: 0, actual: 0 });
      addInto(into, t);
    }
    m.coop = addCoopPeriodCounts(m.coop, c.coop);
  }
  return m;
}

/** Whether a period has anything in it: a compared period without data is `null`, never 0. */
export function hasData(c: PeriodCounts): boolean {
  return (
    c.callbacks.sales.subjects +
      c.callbacks.service.subjects +
      c.repairs +
      c.complaints.opened +
      c.complaints.resolved +
      c.complaints.openAtEnd +
      c.visits +
      c.testDrives +
      c.leads +
      c.orders +
      c.deliveries +
      c.surveys.sales.count +
      c.surveys.service.count +
      c.membersJoined +
      c.showRate.scheduled +
      c.postsaleDone +
      c.media.total +
      c.unbudgetedFen +
      c.budgets.reduce((s, b) => s + b.spentFen, 0) >
      0 || hasCoopData(c.coop)
  );
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// ── Figures: each comparable figure is a fraction, so values and changes are single quotients ──

/** `num / den` (null when den is 0); `scale` turns a change into the figure's unit (×100 for ratios). */
interface Fraction {
  num: number;
  den: number;
}

export type FigureUnit = 'ratio' | 'count' | 'yuan' | 'hours' | 'score' | 'nps';
export type Department = 'care' | 'service' | 'sales' | 'marketing';

export interface FigureDef {
  /** Dotted path in `figures`, the figure's name in CSV rows and revision notices. */
  name: string;
  department: Department;
  unit: FigureUnit;
  zh: string;
  en: string;
  fraction: (c: PeriodCounts) => Fraction;
  /** A ratio of sums of fen (the co-op approval rate): its numerator and denominator are sent in yuan. */
  fen?: true;
  /** A group of figures within the department, shown under its own heading (FIGURE_SECTIONS). */
  section?: FigureSection;
}

export type FigureSection = 'coop';
export const FIGURE_SECTIONS: Record<FigureSection, { zh: string; en: string }> = {
  coop: { zh: '厂家市场支持', en: 'Manufacturer co-op' },
};

const count = (n: number): Fraction => ({ num: n, den: 1 });
const npsFraction = (s: SurveyCounts): Fraction => ({ num: 100 * (s.promoters - s.detractors), den: s.npsCount });
const callbackFraction = (c: CallbackPeriodCounts): Fraction => ({ num: c.met, den: c.met + c.due - c.dueMet });
const spentFen = (c: PeriodCounts) => c.budgets.reduce((s, b) => s + b.spentFen, 0) + c.unbudgetedFen;
const medianHours = (c: PeriodCounts): Fraction => {
  const m = median(c.complaints.resolutionMs);
  // As the live figure: the median in whole ms, made hours by one division.
  return m === null ? { num: 0, den: 0 } : { num: m, den: 3_600_000 };
};

const inYuan = (fen: number): Fraction => ({ num: fen, den: 100 });

const AGE_NAMES: Record<(typeof UNCLAIMED_AT_END_PARTS)[number], [string, string]> = {
  d0_30: ['0–30天', '0–30 days'],
  d31_60: ['31–60天', '31–60 days'],
  d61_90: ['61–90天', '61–90 days'],
  over90: ['90天以上', 'over 90 days'],
  total: ['合计', 'total'],
};

/** The co-op ledger's figures (ledgers.md): claims submitted, decided and paid in the period, unclaimed at its end. */
const COOP_FIGURES: FigureDef[] = [
  {
    name: 'coop.submitted.count',
    department: 'marketing',
    section: 'coop',
    unit: 'count',
    zh: '提交索赔(笔)',
    en: 'Claims submitted',
    fraction: (c) => count(c.coop.submitted.count),
  },
  {
    name: 'coop.submitted.amount',
    department: 'marketing',
    section: 'coop',
    unit: 'yuan',
    zh: '索赔金额(元)',
    en: 'Amount claimed (yuan)',
    fraction: (c) => inYuan(c.coop.submitted.fen),
  },
  {
    name: 'coop.decided.approved',
    department: 'marketing',
    section: 'coop',
    unit: 'yuan',
    zh: '批复金额(元)',
    en: 'Amount approved (yuan)',
    fraction: (c) => inYuan(c.coop.decided.approvedFen),
  },
  {
    name: 'coop.decided.rejectedCount',
    department: 'marketing',
    section: 'coop',
    unit: 'count',
    zh: '驳回索赔(笔)',
    en: 'Claims rejected',
    fraction: (c) => count(c.coop.decided.rejectedCount),
  },
  {
    // Of the claims decided in the period: approved ÷ what they claimed, as the live approval rate.
    name: 'coop.approvalRate',
    department: 'marketing',
    section: 'coop',
    unit: 'ratio',
    fen: true,
    zh: '批复率',
    en: 'Approval rate',
    fraction: (c) => ({ num: c.coop.decided.approvedFen, den: c.coop.decided.claimedFen }),
  },
  {
    name: 'coop.paid.amount',
    department: 'marketing',
    section: 'coop',
    unit: 'yuan',
    zh: '厂家到账(元)',
    en: 'Received (yuan)',
    fraction: (c) => inYuan(c.coop.paidFen),
  },
  ...UNCLAIMED_AT_END_PARTS.map((k): FigureDef => ({
    name: `coop.unclaimedAtEnd.${k}`,
    department: 'marketing',
    section: 'coop',
    unit: 'yuan',
    zh: `期末未索赔·${AGE_NAMES[k][0]}(元)`,
    en: `Unclaimed at the end, ${AGE_NAMES[k][1]} (yuan)`,
    fraction: (c) => inYuan(k === 'total' ? c.coop.unclaimedAtEnd.fen : c.coop.unclaimedAtEnd.byAgeFen[k]),
  })),
];

const CHANNEL_NAMES: Record<LeadChannel, [string, string]> = {
  walk_in: ['到店', 'walk-in'],
  phone: ['电话', 'phone'],
  web: ['网络', 'web'],
  event: ['活动', 'event'],
  referral: ['转介绍', 'referral'],
  other: ['其他', 'other'],
};

/** The comparable figures, by department, in the order reports list them. */
export const REPORT_FIGURES: FigureDef[] = [
  {
    name: 'salesCallbackRate',
    department: 'care',
    unit: 'ratio',
    zh: '销售回访率',
    en: 'Sales callback rate',
    fraction: (c) => callbackFraction(c.callbacks.sales),
  },
  {
    name: 'serviceCallbackRate',
    department: 'care',
    unit: 'ratio',
    zh: '售后回访率',
    en: 'Service callback rate',
    fraction: (c) => callbackFraction(c.callbacks.service),
  },
  {
    name: 'complaints.opened',
    department: 'care',
    unit: 'count',
    zh: '新增投诉',
    en: 'Complaints opened',
    fraction: (c) => count(c.complaints.opened),
  },
  {
    name: 'complaints.resolved',
    department: 'care',
    unit: 'count',
    zh: '已解决投诉',
    en: 'Complaints resolved',
    fraction: (c) => count(c.complaints.resolved),
  },
  {
    name: 'complaints.medianResolutionHours',
    department: 'care',
    unit: 'hours',
    zh: '处理时长中位数(小时)',
    en: 'Median resolution (hours)',
    fraction: medianHours,
  },
  {
    name: 'complaints.openAtEnd',
    department: 'care',
    unit: 'count',
    zh: '期末未结投诉',
    en: 'Open at end',
    fraction: (c) => count(c.complaints.openAtEnd),
  },
  {
    name: 'complaints.overdueAtEnd',
    department: 'care',
    unit: 'count',
    zh: '期末超时投诉',
    en: 'Overdue at end',
    fraction: (c) => count(c.complaints.overdueAtEnd),
  },
  {
    name: 'satisfaction.sales.count',
    department: 'care',
    unit: 'count',
    zh: '销售满意度调查数',
    en: 'Sales surveys',
    fraction: (c) => count(c.surveys.sales.count),
  },
  {
    name: 'satisfaction.sales.average',
    department: 'care',
    unit: 'score',
    zh: '销售满意度(CSI)',
    en: 'Sales satisfaction',
    fraction: (c) => ({ num: c.surveys.sales.scoreSum, den: c.surveys.sales.count }),
  },
  {
    name: 'satisfaction.sales.nps',
    department: 'care',
    unit: 'nps',
    zh: '销售NPS',
    en: 'Sales NPS',
    fraction: (c) => npsFraction(c.surveys.sales),
  },
  {
    name: 'satisfaction.service.count',
    department: 'care',
    unit: 'count',
    zh: '售后满意度调查数',
    en: 'Service surveys',
    fraction: (c) => count(c.surveys.service.count),
  },
  {
    name: 'satisfaction.service.average',
    department: 'care',
    unit: 'score',
    zh: '售后满意度(CSI)',
    en: 'Service satisfaction',
    fraction: (c) => ({ num: c.surveys.service.scoreSum, den: c.surveys.service.count }),
  },
  {
    name: 'satisfaction.service.nps',
    department: 'care',
    unit: 'nps',
    zh: '售后NPS',
    en: 'Service NPS',
    fraction: (c) => npsFraction(c.surveys.service),
  },
  {
    name: 'members.joined',
    department: 'care',
    unit: 'count',
    zh: '新增会员',
    en: 'New members',
    fraction: (c) => count(c.membersJoined),
  },
  {
    name: 'appointmentRate',
    department: 'service',
    unit: 'ratio',
    zh: '预约率',
    en: 'Appointment rate',
    fraction: (c) => ({ num: c.booked, den: c.repairs }),
  },
  {
    name: 'appointmentShowRate',
    department: 'service',
    unit: 'ratio',
    zh: '预约到店率',
    en: 'Appointment show rate',
    fraction: (c) => ({ num: c.showRate.shown, den: c.showRate.scheduled }),
  },
  {
    name: 'postsale.done',
    department: 'service',
    unit: 'count',
    zh: '一条龙服务完成',
    en: 'Post-sale tasks done',
    fraction: (c) => count(c.postsaleDone),
  },
  {
    name: 'showroom.visits',
    department: 'sales',
    unit: 'count',
    zh: '集客量',
    en: 'Showroom visits',
    fraction: (c) => count(c.visits),
  },
  {
    name: 'showroom.firstVisits',
    department: 'sales',
    unit: 'count',
    zh: '首次到店',
    en: 'First visits',
    fraction: (c) => count(c.firstVisits),
  },
  { name: 'leads.total', department: 'sales', unit: 'count', zh: '线索', en: 'Leads', fraction: (c) => count(c.leads) },
  ...LEAD_CHANNEL_KEYS.map((ch): FigureDef => ({
    name: `leads.byChannel.${ch}`,
    department: 'sales',
    unit: 'count',
    zh: `线索·${CHANNEL_NAMES[ch][0]}`,
    en: `Leads, ${CHANNEL_NAMES[ch][1]}`,
    fraction: (c) => count(c.leadsByChannel[ch]),
  })),
  {
    name: 'testDriveRate',
    department: 'sales',
    unit: 'ratio',
    zh: '试驾率',
    en: 'Test-drive rate',
    fraction: (c) => ({ num: c.testDrives, den: c.firstVisits }),
  },
  {
    name: 'orderConversion',
    department: 'sales',
    unit: 'ratio',
    zh: '成交率',
    en: 'Order conversion',
    fraction: (c) => ({ num: c.orders, den: c.firstVisits }),
  },
  { name: 'orders.count', department: 'sales', unit: 'count', zh: '订单', en: 'Orders', fraction: (c) => count(c.orders) },
  {
    name: 'orders.amount',
    department: 'sales',
    unit: 'yuan',
    zh: '订单金额(元)',
    en: 'Order amount (yuan)',
    fraction: (c) => ({ num: c.orderFen, den: 100 }),
  },
  {
    name: 'deliveries.count',
    department: 'sales',
    unit: 'count',
    zh: '交车',
    en: 'Deliveries',
    fraction: (c) => count(c.deliveries),
  },
  {
    name: 'spend.spent',
    department: 'marketing',
    unit: 'yuan',
    zh: '费用支出(元)',
    en: 'Spend (yuan)',
    fraction: (c) => ({ num: spentFen(c), den: 100 }),
  },
  {
    name: 'spend.unbudgeted',
    department: 'marketing',
    unit: 'yuan',
    zh: '预算外支出(元)',
    en: 'Unbudgeted spend (yuan)',
    fraction: (c) => ({ num: c.unbudgetedFen, den: 100 }),
  },
  {
    name: 'media.total',
    department: 'marketing',
    unit: 'count',
    zh: '媒体报道',
    en: 'Media mentions',
    fraction: (c) => count(c.media.total),
  },
  {
    name: 'media.negative',
    department: 'marketing',
    unit: 'count',
    zh: '负面曝光',
    en: 'Negative mentions',
    fraction: (c) => count(c.media.negative),
  },
  ...COOP_FIGURES,
];

export const DEPARTMENTS: { id: Department; zh: string; en: string }[] = [
  { id: 'care', zh: '客服', en: 'Customer care' },
  { id: 'service', zh: '售后', en: 'Service' },
  { id: 'sales', zh: '销售', en: 'Sales' },
  { id: 'marketing', zh: '市场', en: 'Marketing' },
];

// ── The report's JSON ──────────────────────────────────────────────────────────────────────────

/** A compared period's value and the change to it (ratios: in percentage points). */
export interface Compared {
  value: number | null;
  delta: number | null;
}
export interface ComparedFigure {
  value: number | null;
  previous: Compared | null;
  lastYear: Compared | null;
}
export type ComparedRate = RateFigure & ComparedFigure;
export type ComparedCallback = CallbackFigure & ComparedFigure;

export interface ReportBudgetLine {
  store: string;
  budgetId: string;
  name: string;
  campaignId?: string;
  /** Yuan recorded in the period on this budget. */
  spent: number;
  /** A month's own budgets: the amount, spent ÷ amount and the status at the month's end. */
  amount?: number;
  ratio?: number;
  status?: 'ok' | 'warn' | 'tripped';
}
export interface ReportTarget {
  target: number;
  actual: number;
  progress: number;
  met: boolean;
}
/** A campaign over the period: the live figure's shape, with the spend on its budgets in the period. */
export type ReportCampaign = CampaignLine;

export interface ReportFigures {
  salesCallbackRate: ComparedCallback;
  serviceCallbackRate: ComparedCallback;
  appointmentRate: ComparedRate;
  complaints: Record<'opened' | 'resolved' | 'medianResolutionHours' | 'openAtEnd' | 'overdueAtEnd', ComparedFigure>;
  spend: { spent: ComparedFigure; unbudgeted: ComparedFigure; budgets: ReportBudgetLine[] };
  showroom: Record<'visits' | 'firstVisits', ComparedFigure>;
  leads: { total: ComparedFigure; byChannel: Record<LeadChannel, ComparedFigure> };
  testDriveRate: ComparedRate;
  orderConversion: ComparedRate;
  orders: Record<'count' | 'amount', ComparedFigure>;
  deliveries: { count: ComparedFigure };
  satisfaction: Record<'sales' | 'service', Record<keyof SatisfactionFigure, ComparedFigure>>;
  members: { joined: ComparedFigure };
  appointmentShowRate: ComparedRate;
  postsale: { done: ComparedFigure };
  media: Record<'total' | 'negative', ComparedFigure>;
  /** The co-op ledger: claims submitted, decided and paid in the period; co-op spends unclaimed at its end by age. */
  coop: {
    submitted: Record<'count' | 'amount', ComparedFigure>;
    decided: Record<'approved' | 'rejectedCount', ComparedFigure>;
    approvalRate: ComparedRate;
    paid: { amount: ComparedFigure };
    unclaimedAtEnd: Record<(typeof UNCLAIMED_AT_END_PARTS)[number], ComparedFigure>;
  };
  /** Month periods only: the month's targets and whether each was met. */
  targets: Partial<Record<TargetKey, ReportTarget>>;
  campaigns: ReportCampaign[];
}

export interface Revision {
  /** The period's events applied after its close. */
  events: number;
  /** When the last of them was applied (ISO). */
  lastAt: string;
  /** The figures those events changed (names as in REPORT_FIGURES, and `targets`, `campaigns`). */
  figures: string[];
}

export interface Report {
  /** Store code; absent on a group report. */
  store?: string;
  /** The group's stores; absent on a store report. */
  stores?: string[];
  name: string;
  period: string;
  kind: PeriodKind;
  /** Local ISO times with offset (the group's in its reference zone). */
  start: string;
  end: string;
  timezone: string;
  asOf: string;
  /** The period has not ended: figures up to `asOf`. */
  partial: boolean;
  /** null until the close, and after it when no event of the period arrived late. */
  revised: Revision | null;
  /** The compared periods' ids. */
  previousPeriod: string;
  lastYearPeriod: string;
  figures: ReportFigures;
}

const valueOf = (f: Fraction): number | null => (f.den === 0 ? null : f.num / f.den);

/** A comparable figure's value over some counts (null: a ratio or mean with nothing counted). */
export const figureValue = (def: FigureDef, c: PeriodCounts): number | null => valueOf(def.fraction(c));

/** The change from `was` to `now` as one quotient (ratios ×100: percentage points). */
function change(now: Fraction, was: Fraction, unit: FigureUnit): number | null {
  if (now.den === 0 || was.den === 0) return null;
  const scale = unit === 'ratio' ? 100 : 1;
  if (now.den === was.den) return (scale * (now.num - was.num)) / now.den;
  return (scale * (now.num * was.den - was.num * now.den)) / (now.den * was.den);
}

function compared(def: FigureDef, cur: Fraction, other: PeriodCounts | null): Compared | null {
  if (!other || !hasData(other)) return null;
  const was = def.fraction(other);
  return { value: valueOf(was), delta: change(cur, was, def.unit) };
}

function setPath(into: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let at = into;
  for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
  at[parts[parts.length - 1]!] = value;
}

const yuan = (fen: number) => fen / 100;

function budgetLines(c: PeriodCounts): ReportBudgetLine[] {
  return c.budgets
    .map((b) => {
      const line: ReportBudgetLine = { store: b.store, budgetId: b.budgetId, name: b.name, spent: yuan(b.spentFen) };
      if (b.campaignId) line.campaignId = b.campaignId;
      if (b.amountFen !== undefined && b.amountFen > 0) {
        const r = b.spentFen / b.amountFen;
        line.amount = yuan(b.amountFen);
        line.ratio = r;
        line.status = budgetStatus(b.spentFen, b.amountFen, b.warnAt ?? DEFAULT_WARN_AT);
      }
      return line;
    })
    .sort((a, b) => b.spent - a.spent || a.store.localeCompare(b.store) || a.budgetId.localeCompare(b.budgetId));
}

function campaignLines(c: PeriodCounts): ReportCampaign[] {
  return Object.entries(c.campaigns)
    .map(([campaignId, a]) => ({
      campaignId,
      leads: a.leads,
      orders: a.orders,
      orderAmount: yuan(a.orderFen),
      spend: yuan(a.spendFen),
      costPerLead: a.leads === 0 ? null : a.spendFen / 100 / a.leads,
      returnRatio: ratio(a.orderFen, a.spendFen),
    }))
    .sort((x, y) => y.orderAmount - x.orderAmount || x.campaignId.localeCompare(y.campaignId));
}

const CALLBACK_FIGURES: Record<string, 'sales' | 'service'> = { salesCallbackRate: 'sales', serviceCallbackRate: 'service' };

/** The report's figures: each comparable one with its previous and last-year values and changes. */
export function reportFigures(cur: PeriodCounts, previous: PeriodCounts | null, lastYear: PeriodCounts | null): ReportFigures {
  const out: Record<string, unknown> = {};
  for (const def of REPORT_FIGURES) {
    const f = def.fraction(cur);
    const fig: Record<string, unknown> = { value: valueOf(f) };
    if (def.unit === 'ratio') {
      fig.numerator = def.fen ? yuan(f.num) : f.num;
      fig.denominator = def.fen ? yuan(f.den) : f.den;
    }
    const kind = CALLBACK_FIGURES[def.name];
    if (kind) {
      // As in the snapshot: still to call, and past the deadline without a reached call.
      const cb = cur.callbacks[kind];
      const missed = cb.due - cb.dueMet;
      fig.pending = cb.subjects - cb.met - missed;
      fig.missed = missed;
    }
    fig.previous = compared(def, f, previous);
    fig.lastYear = compared(def, f, lastYear);
    setPath(out, def.name, fig);
  }
  const spend = out.spend as Record<string, unknown>;
  spend.budgets = budgetLines(cur);
  out.targets = Object.fromEntries(
    Object.entries(cur.targets).map(([key, t]) => [
      key,
      { target: t.target, actual: t.actual, progress: t.actual / t.target, met: t.actual >= t.target },
    ]),
  );
  out.campaigns = campaignLines(cur);
  return out as unknown as ReportFigures;
}

/** A figure's value by its dotted name (REPORT_FIGURES), for tables, CSV and revision checks. */
export function figureAt(figures: ReportFigures, name: string): ComparedFigure {
  let at: unknown = figures;
  for (const p of name.split('.')) at = (at as Record<string, unknown>)[p];
  return at as ComparedFigure;
}
