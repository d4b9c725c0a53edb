/** The operations-centre figures (kpis-operations.md) from store parts: one store or the group. Pure. */
import { LEAD_CHANNELS, POSTSALE_KINDS } from '../../domain/events.js';
import {
  ratio,
  SEGMENT_CLASSES,
  TARGET_KEYS,
  type BudgetLine,
  type CampaignLine,
  type OperationsKpis,
  type SatisfactionFigure,
  type SegmentsFigure,
  type TargetFigure,
} from '../../domain/kpis.js';
import { NO_SURVEYS, type CampaignAgg, type OpsDay, type OpsParts, type SurveyAgg } from './read-operations.js';
import { rateFigure } from './rates.js';

export interface OpsInput {
  ops: OpsParts;
  budgets: BudgetLine[];
}

const round = (v: number | null, places: number) => (v === null ? null : Math.round(v * 10 ** places) / 10 ** places);

function sumSurvey(a: SurveyAgg, b: SurveyAgg): SurveyAgg {
  return {
    count: a.count + b.count,
    scoreSum: a.scoreSum + b.scoreSum,
    npsCount: a.npsCount + b.npsCount,
    promoters: a.promoters + b.promoters,
    detractors: a.detractors + b.detractors,
  };
}

export function satisfactionFigure(s: SurveyAgg): SatisfactionFigure {
  return {
    count: s.count,
    average: round(ratio(s.scoreSum, s.count), 2),
    nps: s.npsCount === 0 ? null : round((100 * (s.promoters - s.detractors)) / s.npsCount, 1),
  };
}

export function sumDays(a: OpsDay, b: OpsDay): OpsDay {
  return {
    visits: a.visits + b.visits,
    firstVisits: a.firstVisits + b.firstVisits,
    leads: a.leads + b.leads,
    testDrives: a.testDrives + b.testDrives,
    deliveries: a.deliveries + b.deliveries,
    orders: a.orders + b.orders,
    orderFen: a.orderFen + b.orderFen,
    surveys: { sales: sumSurvey(a.surveys.sales, b.surveys.sales), service: sumSurvey(a.surveys.service, b.surveys.service) },
  };
}

export const NO_DAY: OpsDay = {
  visits: 0,
  firstVisits: 0,
  leads: 0,
  testDrives: 0,
  deliveries: 0,
  orders: 0,
  orderFen: 0,
  surveys: { sales: NO_SURVEYS, service: NO_SURVEYS },
};

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

export function targetFigure(target: number, actual: number, elapsed: number): TargetFigure {
  return {
    target,
    actual,
    progress: round(actual / target, 4)!,
    pace: elapsed > 0 ? round(actual / (target * elapsed), 4) : null,
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
        costPerLead: a.leads === 0 ? null : round(fen / 100 / a.leads, 2),
        returnRatio: fen === 0 ? null : round(a.orderFen / fen, 4),
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

/** `elapsed`: the share of the month gone by (the group uses its reference time zone's). */
export function operationsKpis(stores: OpsInput[], elapsed: number): OperationsKpis {
  let today = NO_DAY;
  let month = NO_DAY;
  const campaignAggs = new Map<string, CampaignAgg>();
  const targetSums: Partial<Record<(typeof TARGET_KEYS)[number], { target: number; actual: number }>> = {};
  for (const { ops } of stores) {
    const last = ops.days[ops.days.length - 1];
    if (last) today = sumDays(today, last);
    const storeMonth = ops.days.reduce(sumDays, NO_DAY);
    month = sumDays(month, storeMonth);
    for (const [id, c] of ops.campaigns) {
      const m = campaignAggs.get(id) ?? { leads: 0, orders: 0, orderFen: 0 };
      campaignAggs.set(id, { leads: m.leads + c.leads, orders: m.orders + c.orders, orderFen: m.orderFen + c.orderFen });
    }
    const actual = { orders: storeMonth.orders, deliveries: storeMonth.deliveries, leads: storeMonth.leads };
    for (const key of TARGET_KEYS) {
      const target = ops.targets[key];
      if (target === undefined) continue;
      const t = targetSums[key] ?? { target: 0, actual: 0 };
      targetSums[key] = { target: t.target + target, actual: t.actual + actual[key] };
    }
  }
  const sumWindow = <T extends 'media' | 'showRate'>(field: T, w: 'today' | 'month') =>
    stores.reduce(
      (acc, s) => {
        const v = s.ops[field][w] as Record<string, number>;
        for (const [key, n] of Object.entries(v)) acc[key] = (acc[key] ?? 0) + n;
        return acc;
      },
      {} as Record<string, number>,
    );
  const channels = (w: 'today' | 'month') =>
    Object.fromEntries(
      LEAD_CHANNELS.map((c) => [c, stores.reduce((n, s) => n + s.ops.leadsByChannel[w][c], 0)]),
    ) as OperationsKpis['leads']['today']['byChannel'];
  const byKind = Object.fromEntries(
    POSTSALE_KINDS.map((kind) => [
      kind,
      {
        open: stores.reduce((n, s) => n + s.ops.postsale.byKind[kind].open, 0),
        overdue: stores.reduce((n, s) => n + s.ops.postsale.byKind[kind].overdue, 0),
      },
    ]),
  ) as OperationsKpis['postsale']['byKind'];
  const materials = stores.flatMap((s) => s.ops.materials);
  const t = windowFigures(today);
  const m = windowFigures(month);
  const mediaToday = sumWindow('media', 'today');
  const mediaMonth = sumWindow('media', 'month');
  const showToday = sumWindow('showRate', 'today');
  const showMonth = sumWindow('showRate', 'month');
  return {
    showroom: { today: t.showroom, month: m.showroom },
    leads: {
      today: { total: today.leads, byChannel: channels('today') },
      month: { total: month.leads, byChannel: channels('month') },
    },
    testDriveRate: { today: t.testDriveRate, month: m.testDriveRate },
    orderConversion: { today: t.orderConversion, month: m.orderConversion },
    orders: { today: t.orders, month: m.orders },
    deliveries: { today: t.deliveries, month: m.deliveries },
    targets: Object.fromEntries(
      Object.entries(targetSums).map(([key, v]) => [key, targetFigure(v.target, v.actual, elapsed)]),
    ) as OperationsKpis['targets'],
    satisfaction: { today: t.satisfaction, month: m.satisfaction },
    members: {
      total: stores.reduce((n, s) => n + s.ops.members.total, 0),
      today: stores.reduce((n, s) => n + s.ops.members.today, 0),
      month: stores.reduce((n, s) => n + s.ops.members.month, 0),
    },
    appointmentShowRate: {
      today: rateFigure(showToday.shown ?? 0, showToday.scheduled ?? 0),
      month: rateFigure(showMonth.shown ?? 0, showMonth.scheduled ?? 0),
    },
    postsale: {
      open: Object.values(byKind).reduce((n, k) => n + k.open, 0),
      overdue: Object.values(byKind).reduce((n, k) => n + k.overdue, 0),
      byKind,
      today: { done: stores.reduce((n, s) => n + s.ops.postsale.doneToday, 0) },
      month: { done: stores.reduce((n, s) => n + s.ops.postsale.doneMonth, 0) },
    },
    media: {
      today: { total: mediaToday.total ?? 0, negative: mediaToday.negative ?? 0 },
      month: { total: mediaMonth.total ?? 0, negative: mediaMonth.negative ?? 0 },
    },
    materials: { items: materials, lowCount: materials.filter((i) => i.low).length },
    campaigns: campaignLines(
      campaignAggs,
      stores.flatMap((s) => s.budgets),
    ),
    segments: mergeSegments(stores.map((s) => s.ops.segments)),
  };
}
