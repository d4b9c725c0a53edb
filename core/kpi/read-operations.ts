/**
 * Reads the operations-centre figures of one store (kpis-operations.md) as counts and sums. Like
 * the headline reader, everything is a range query over event time or a read of this month's
 * records, so the cost follows the month's volume, not the history.
 */
import { needsReorder, stockDiscrepancy } from '../../domain/material-stock.js';
import { coopCounts, type CoopCounts } from '../../domain/coop.js';
import { coopLedgerOf, queueCoopLedger } from './read-coop.js';
import { isoInZone } from './windows.js';
import type { RedisConn } from '../redis/connections.js';
import { LEAD_CHANNELS, POSTSALE_KINDS } from '../../domain/events.js';
import type { LeadChannel, MaterialLine, PostsaleKind, SegmentsFigure, TargetKey } from '../../domain/kpis.js';
import { materialSettings, targetSettings } from '../../domain/settings.js';
import { storeKeys } from '../redis/keys.js';
import { dayIndex, withScores } from './day-buckets.js';
import type { ReadHorizon } from './read-horizon.js';
import type { Windows } from './windows.js';

export interface SurveyAgg {
  count: number;
  scoreSum: number;
  /** Surveys that carry an NPS answer, and among them promoters (9–10) and detractors (0–6). */
  npsCount: number;
  promoters: number;
  detractors: number;
}
export const NO_SURVEYS: SurveyAgg = { count: 0, scoreSum: 0, npsCount: 0, promoters: 0, detractors: 0 };

export interface OpsDay {
  visits: number;
  firstVisits: number;
  leads: number;
  testDrives: number;
  deliveries: number;
  orders: number;
  orderFen: number;
  surveys: Record<'sales' | 'service', SurveyAgg>;
}

export interface CampaignAgg {
  leads: number;
  orders: number;
  orderFen: number;
}

export interface OpsParts {
  days: OpsDay[];
  leadsByChannel: Record<'today' | 'month', Record<LeadChannel, number>>;
  media: Record<'today' | 'month', { total: number; negative: number }>;
  members: { total: number; today: number; month: number };
  showRate: Record<'today' | 'month', { shown: number; scheduled: number }>;
  postsale: { byKind: Record<PostsaleKind, { open: number; overdue: number }>; doneToday: number; doneMonth: number };
  materials: MaterialLine[];
  campaigns: Map<string, CampaignAgg>;
  targets: Partial<Record<TargetKey, number>>;
  segments: SegmentsFigure;
  /** The co-op ledger's figures at the read's moment, fen (summed by the group). */
  coop: CoopCounts;
}

export type SegmentsReader = (redis: RedisConn, prefix: string, store: string) => Promise<SegmentsFigure>;

function addSurvey(a: SurveyAgg, score: number, nps: number | null): SurveyAgg {
  return {
    count: a.count + 1,
    scoreSum: a.scoreSum + score,
    npsCount: a.npsCount + (nps === null ? 0 : 1),
    promoters: a.promoters + (nps !== null && nps >= 9 ? 1 : 0),
    detractors: a.detractors + (nps !== null && nps <= 6 ? 1 : 0),
  };
}

export async function readOperationsParts(
  redis: RedisConn,
  prefix: string,
  store: string,
  w: Windows,
  readSegments: SegmentsReader,
  horizon?: ReadHorizon,
): Promise<OpsParts> {
  const k = storeKeys(prefix, store);
  const now = w.now;
  // Every range ending at now is noted with the horizon (when given): it tells how long the read holds.
  const upTo = (key: string) => {
    horizon?.upTo(key);
    return key;
  };
  const p = redis.pipeline();
  const dayKeys = [k.visits, k.firstVisits, k.leads.all, k.testDrives, k.callback('sales').subjectsByTime].map(upTo);
  for (const day of w.days) {
    const hi = Math.min(day.end - 1, now);
    for (const key of dayKeys) p.zcount(key, day.start, hi);
  }
  const windows = [w.todayStart, w.monthStart];
  for (const start of windows) for (const c of LEAD_CHANNELS) p.zcount(upTo(k.leads.byChannel(c)), start, now);
  for (const start of windows) {
    p.zcount(upTo(k.media.all), start, now);
    p.zcount(upTo(k.media.negative), start, now);
    p.zcount(upTo(k.members.all), start, now);
    p.zcount(upTo(k.appointments.shown), start, now);
    p.zcount(upTo(k.appointments.scheduled), start, now);
    p.zcount(upTo(k.postsale.done), start, now);
  }
  p.zcard(k.members.all);
  for (const kind of POSTSALE_KINDS) {
    p.zcard(k.postsale.openByKind(kind));
    horizon?.below(k.postsale.openByKind(kind));
    p.zcount(k.postsale.openByKind(kind), '-inf', `(${now}`);
  }
  p.zrangebyscore(upTo(k.orders.live), w.monthStart, now, 'WITHSCORES');
  p.zrangebyscore(upTo(k.leads.withCampaign), w.monthStart, now);
  p.zrangebyscore(upTo(k.surveys.byKind('sales')), w.monthStart, now, 'WITHSCORES');
  p.zrangebyscore(upTo(k.surveys.byKind('service')), w.monthStart, now, 'WITHSCORES');
  p.hgetall(k.materials.stock);
  p.hgetall(k.materials.settings);
  p.hget(k.targets, w.month);
  p.hgetall(k.materials.counts);
  queueCoopLedger(p, prefix, store);
  const probes = horizon?.queue(p) ?? [];
  const res = (await p.exec()) ?? [];
  horizon?.settle(
    probes,
    res.slice(res.length - probes.length).map(([err, v]) => {
      if (err) throw err;
      return v;
    }),
  );
  let i = 0;
  const next = (): unknown => {
    const [err, v] = res[i++] ?? [new Error('short pipeline answer'), null];
    if (err) throw err;
    return v;
  };
  const num = () => Number(next() ?? 0);

  const days: OpsDay[] = w.days.map(() => ({
    visits: num(),
    firstVisits: num(),
    leads: num(),
    testDrives: num(),
    deliveries: num(),
    orders: 0,
    orderFen: 0,
    surveys: { sales: NO_SURVEYS, service: NO_SURVEYS },
  }));
  const channels = () => Object.fromEntries(LEAD_CHANNELS.map((c) => [c, num()])) as Record<LeadChannel, number>;
  const leadsByChannel = { today: channels(), month: channels() };
  const win = () => ({
    media: { total: num(), negative: num() },
    members: num(),
    showRate: { shown: num(), scheduled: num() },
    done: num(),
  });
  const today = win();
  const month = win();
  const membersTotal = num();
  const byKind = Object.fromEntries(POSTSALE_KINDS.map((kind) => [kind, { open: num(), overdue: num() }])) as Record<
    PostsaleKind,
    { open: number; overdue: number }
  >;
  const orders = withScores(next() as string[]);
  const campaignLeadIds = next() as string[];
  const surveys = { sales: withScores(next() as string[]), service: withScores(next() as string[]) };
  const stock = next() as Record<string, string>;
  const materialJson = next() as Record<string, string>;
  const targetsJson = next() as string | null;
  const countsRaw = next() as Record<string, string>;
  const hash = () => next() as Record<string, string>;
  const ledger = coopLedgerOf(hash(), hash(), hash(), hash());
  const counts = stocktakes(countsRaw);
  // The books at each stocktake: today's stock less what moved after it (the movements since the earliest one).
  const since = earliestStocktake(counts);

  // Second round: the records of this month's orders, campaign leads and surveys.
  const p2 = redis.pipeline();
  const ids = (list: string[]) => (list.length ? list : ['-']);
  p2.hmget(k.orders.records, ...ids(orders.map((o) => o.member)));
  p2.hmget(k.leads.records, ...ids(campaignLeadIds));
  p2.hmget(k.surveys.records, ...ids([...surveys.sales, ...surveys.service].map((s) => s.member)));
  if (since !== null) p2.zrangebyscore(k.materials.moves, `(${since}`, '+inf', 'WITHSCORES');
  const [segments, res2] = await Promise.all([readSegments(redis, prefix, store), p2.exec()]);
  const [orderRecs, leadRecs, surveyRecs, movesAfter] = (res2 ?? []).map(([err, v]) => {
    if (err) throw err;
    return v as (string | null)[];
  }) as [(string | null)[], (string | null)[], (string | null)[], string[] | undefined];

  const campaigns = new Map<string, CampaignAgg>();
  const campaign = (id: string) => {
    const c = campaigns.get(id) ?? { leads: 0, orders: 0, orderFen: 0 };
    campaigns.set(id, c);
    return c;
  };
  orders.forEach((o, j) => {
    const rec = orderRecs[j];
    if (!rec) return;
    const [, , fenS, campaignId] = rec.split('|');
    const fen = Number(fenS);
    const d = dayIndex(w.days, o.score);
    if (d >= 0) {
      days[d]!.orders++;
      days[d]!.orderFen += fen;
    }
    if (campaignId) {
      const c = campaign(campaignId);
      c.orders++;
      c.orderFen += fen;
    }
  });
  campaignLeadIds.forEach((_, j) => {
    const campaignId = leadRecs[j]?.split('|')[3];
    if (campaignId) campaign(campaignId).leads++;
  });
  [...surveys.sales, ...surveys.service].forEach((s, j) => {
    const payload = surveyRecs[j]?.split('|')[3];
    if (!payload) return;
    const [kind, scoreS, npsS] = payload.split(',');
    const d = dayIndex(w.days, s.score);
    if (d < 0 || (kind !== 'sales' && kind !== 'service')) return;
    const day = days[d]!;
    day.surveys = { ...day.surveys, [kind]: addSurvey(day.surveys[kind], Number(scoreS), npsS ? Number(npsS) : null) };
  });

  const materials = materialLines(store, stock, materialJson, counts, withScores(movesAfter ?? []), w.timezone);

  const targetsParsed = targetsJson ? targetSettings.safeParse(JSON.parse(targetsJson)) : null;
  return {
    days,
    leadsByChannel,
    media: { today: today.media, month: month.media },
    members: { total: membersTotal, today: today.members, month: month.members },
    showRate: { today: today.showRate, month: month.showRate },
    postsale: { byKind, doneToday: today.done, doneMonth: month.done },
    materials,
    campaigns,
    targets: targetsParsed?.success ? targetsParsed.data : {},
    segments,
    coop: coopCounts(ledger, now, w.timezone),
  };
}

/** An item's latest stocktake (core/events/plans/latest-record.lua: 'at|event id|counted'). */
export interface Stocktake {
  at: number;
  counted: number;
}

/** The moment of the earliest latest-stocktake: the movements after it are those the books at each count need; null with none. */
export function earliestStocktake(counts: Map<string, Stocktake>): number | null {
  let min: number | null = null;
  for (const c of counts.values()) if (min === null || c.at < min) min = c.at;
  return min;
}

export function stocktakes(raw: Record<string, string>): Map<string, Stocktake> {
  const out = new Map<string, Stocktake>();
  for (const [itemId, rec] of Object.entries(raw)) {
    const [atS, , countedS] = rec.split('|');
    const at = Number(atS);
    const counted = Number(countedS);
    if (Number.isFinite(at) && Number.isInteger(counted)) out.set(itemId, { at, counted });
  }
  return out;
}

/**
 * Every item of the store, configured, moved or counted, with its stock and its latest stocktake
 * against the books at that moment; the low ones first. `movesAfter`: the movements dated after
 * the earliest stocktake ('itemId|event id|quantity' by time).
 */
export function materialLines(
  store: string,
  stock: Record<string, string>,
  settingsJson: Record<string, string>,
  counts: Map<string, Stocktake> = new Map(),
  movesAfter: { member: string; score: number }[] = [],
  timezone = 'Asia/Shanghai',
): MaterialLine[] {
  const lines: MaterialLine[] = [];
  const laterByItem = new Map<string, { at: number; quantity: number }[]>();
  for (const m of movesAfter) {
    const [itemId, , q] = m.member.split('|');
    if (!itemId) continue;
    const list = laterByItem.get(itemId) ?? [];
    list.push({ at: m.score, quantity: Number(q) });
    laterByItem.set(itemId, list);
  }
  for (const itemId of new Set([...Object.keys(stock), ...Object.keys(settingsJson), ...counts.keys()])) {
    const parsed = settingsJson[itemId] ? materialSettings.safeParse(JSON.parse(settingsJson[itemId]!)) : null;
    const name = parsed?.success ? parsed.data.name : itemId;
    const reorderLevel = parsed?.success ? parsed.data.reorderLevel : 0;
    const s = Number(stock[itemId] ?? 0);
    const count = counts.get(itemId);
    let book = s;
    if (count) for (const m of laterByItem.get(itemId) ?? []) if (m.at > count.at) book -= m.quantity;
    lines.push({
      itemId,
      store,
      name,
      stock: s,
      reorderLevel,
      low: needsReorder(s, reorderLevel),
      counted: count ? count.counted : null,
      countedAt: count ? isoInZone(count.at, timezone) : null,
      discrepancy: count ? stockDiscrepancy(book, count.counted) : null,
    });
  }
  return lines.sort(
    (a, b) =>
      Number(b.low) - Number(a.low) || a.stock - a.reorderLevel - (b.stock - b.reorderLevel) || a.itemId.localeCompare(b.itemId),
  );
}
