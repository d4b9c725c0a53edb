/** The operations-centre figures (kpis-operations.md) from store parts: one store or the group. Pure. */
import { POSTSALE_KINDS } from '../../domain/events.js';
import { addCoopCounts, coopFigure, NO_COOP } from '../../domain/coop.js';
import { targetPace, type TargetDue } from '../../domain/targets.js';
import {
  ratio,
  SEGMENT_CLASSES,
  TARGET_KEYS,
  type BudgetLine,
  type CampaignLine,
  type MaterialLine,
  type OperationsKpis,
  type SatisfactionFigure,
  type SegmentsFigure,
  type TargetFigure,
} from '../../domain/kpis.js';
import type { CampaignAgg, OpsDay, OpsParts, SurveyAgg } from './read-operations.js';
import { rateFigure } from './rates.js';
import type { OpsScalars } from './store-sums.js';

export interface OpsInput {
  ops: OpsParts;
  budgets: BudgetLine[];
  /** The store's days summed (for its targets). */
  month: Pick<OpsDay, 'orders' | 'deliveries' | 'leads'>;
  /** The store's own month in its time zone: its length and the part gone by, in ms (for pace). */
  clock: MonthClock;
}

export interface MonthClock {
  elapsedMs: number;
  monthMs: number;
}

/*
 * Every figure here is sent unrounded (kpis-operations.md, "Precision and readings"): one division
 * of exact sums, so the group, recomputed from the stores' sums, agrees with its stores; the wall
 * rounds for display.
 */

export function satisfactionFigure(s: SurveyAgg): SatisfactionFigure {
  return {
    count: s.count,
    average: ratio(s.scoreSum, s.count),
    nps: s.npsCount === 0 ? null : (100 * (s.promoters - s.detractors)) / s.npsCount,
  };
}

function windowFigures(d: OpsDay) {
  return {
    showroom: { visits: d.visits, firstVisits: d.firstVisits },
    testDriveRate: rateFigure(d.testDrives, d.firstVisits),
    orderConversion: rateFigure(d.orders, d.firstVisits),
    orders: { count: d.orders, amount: d.orderFen / 100 },
    deliveries: { count: d.deliveries },
    satisfaction: { sales: satisfactionFigure(d.surveys.sales), service: satisfactionFigure(d.surveys.service) },
  };
}

/**
 * A target (one store's, or the group's sum over the stores that set it) against its actual:
 * `due` holds each of those stores' target and month clock, `localDay` the day of the month that
 * decides the early-month guard (the store's, or the group's reference time zone's).
 */
export function targetFigure(actual: number, due: readonly TargetDue[], localDay: number): TargetFigure {
  const target = due.reduce((s, d) => s + d.target, 0);
  return {
    target,
    actual,
    progress: actual / target,
    pace: targetPace(actual, due, localDay),
  };
}

/** Campaigns seen this month on leads or orders, or named by a current budget. */
export function campaignLines(aggs: Map<string, CampaignAgg>, budgets: BudgetLine[]): CampaignLine[] {
  const spentFen = new Map<string, number>();
  for (const b of budgets) {
    if (b.campaignId) spentFen.set(b.campaignId, (spentFen.get(b.campaignId) ?? 0) + Math.round(b.spent * 100));
  }
  const ids = new Set([...aggs.keys(), ...spentFen.keys()]);
  return [...ids]
    .map((campaignId) => {
      const a = aggs.get(campaignId) ?? { leads: 0, orders: 0, orderFen: 0 };
      const fen = spentFen.get(campaignId) ?? 0;
      return {
        campaignId,
        leads: a.leads,
        orders: a.orders,
        orderAmount: a.orderFen / 100,
        spend: fen / 100,
        costPerLead: a.leads === 0 ? null : fen / (100 * a.leads),
        returnRatio: fen === 0 ? null : a.orderFen / fen,
      };
    })
    .sort((x, y) => y.orderAmount - x.orderAmount || x.campaignId.localeCompare(y.campaignId));
}

function mergeSegments(list: SegmentsFigure[]): SegmentsFigure {
  const counts = Object.fromEntries(SEGMENT_CLASSES.map((c) => [c, 0])) as SegmentsFigure['counts'];
  let computedAt: string | null = null;
  for (const s of list) {
    for (const c of SEGMENT_CLASSES) counts[c] += s.counts[c];
    // The group is as fresh as its stalest store.
    if (s.computedAt && (!computedAt || s.computedAt < computedAt)) computedAt = s.computedAt;
  }
  return { computedAt, counts };
}

/** The stores' counts summed (store-sums.ts): their days, today's and the month's, and the rest. */
export type OpsTotals = OpsScalars & { today: OpsDay; month: OpsDay };

/**
 * `totals`: the stores' counts summed; `localDay`: the day of the month for the pace's early-month
 * guard (the group uses its reference time zone's). What is not a plain sum — campaigns, targets,
 * lists — is gathered here.
 */
export function operationsKpis(stores: OpsInput[], totals: OpsTotals, localDay: number): OperationsKpis {
  const { today, month, leadsByChannel, media, members, showRate, postsale } = totals;
  const campaignAggs = new Map<string, CampaignAgg>();
  // Only the stores that set a target add to it, each with its own month clock.
  const targetSums: Partial<Record<(typeof TARGET_KEYS)[number], { due: TargetDue[]; actual: number }>> = {};
  const materials: MaterialLine[] = [];
  const budgets: BudgetLine[] = [];
  for (const { ops, budgets: storeBudgets, month: storeMonth, clock } of stores) {
    for (const [id, c] of ops.campaigns) {
      const m = campaignAggs.get(id);
      if (m) {
        m.leads += c.leads;
        m.orders += c.orders;
        m.orderFen += c.orderFen;
      } else campaignAggs.set(id, { leads: c.leads, orders: c.orders, orderFen: c.orderFen });
    }
    for (const key of TARGET_KEYS) {
      const target = ops.targets[key];
      if (target === undefined) continue;
      const t = targetSums[key] ?? { due: [], actual: 0 };
      t.due.push({ target, ...clock });
      t.actual += storeMonth[key];
      targetSums[key] = t;
    }
    for (const item of ops.materials) materials.push(item);
    for (const b of storeBudgets) budgets.push(b);
  }
  const byKind = postsale.byKind;
  const t = windowFigures(today);
  const m = windowFigures(month);
  let open = 0;
  let overdue = 0;
  for (const kind of POSTSALE_KINDS) {
    open += byKind[kind].open;
    overdue += byKind[kind].overdue;
  }
  return {
    showroom: { today: t.showroom, month: m.showroom },
    leads: {
      today: { total: today.leads, byChannel: leadsByChannel.today },
      month: { total: month.leads, byChannel: leadsByChannel.month },
    },
    testDriveRate: { today: t.testDriveRate, month: m.testDriveRate },
    orderConversion: { today: t.orderConversion, month: m.orderConversion },
    orders: { today: t.orders, month: m.orders },
    deliveries: { today: t.deliveries, month: m.deliveries },
    targets: Object.fromEntries(
      Object.entries(targetSums).map(([key, v]) => [key, targetFigure(v.actual, v.due, localDay)]),
    ) as OperationsKpis['targets'],
    satisfaction: { today: t.satisfaction, month: m.satisfaction },
    members,
    appointmentShowRate: {
      today: rateFigure(showRate.today.shown, showRate.today.scheduled),
      month: rateFigure(showRate.month.shown, showRate.month.scheduled),
    },
    postsale: { open, overdue, byKind, today: { done: postsale.doneToday }, month: { done: postsale.doneMonth } },
    media,
    materials: {
      items: materials,
      lowCount: materials.filter((i) => i.low).length,
      discrepancyCount: materials.filter((i) => i.discrepancy !== null && i.discrepancy !== 0).length,
    },
    campaigns: campaignLines(campaignAggs, budgets),
    segments: mergeSegments(stores.map((s) => s.ops.segments)),
    coop: coopFigure(stores.reduce((sum, s) => addCoopCounts(sum, s.ops.coop), NO_COOP)),
  };
}
