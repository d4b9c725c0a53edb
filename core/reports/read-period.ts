/**
 * Reads one store's counts over one period (reports.md) from the same sorted sets the live figures
 * use. Every figure is a range count, or a read of the records whose time falls in the period, so
 * a report's cost follows the period's volume and not the store's history: a month of a two-year
 * store reads that month (bench: "report of a month against history size").
 */
import { callbackDueCutoff } from '../../domain/callbacks.js';
import { LEAD_CHANNELS } from '../../domain/events.js';
import { TARGET_KEYS, type LeadChannel } from '../../domain/kpis.js';
import { emptyPeriodCounts, type BudgetPeriodLine, type PeriodCounts, type SurveyCounts } from '../../domain/reports.js';
import { budgetSettings, targetSettings, type BudgetSettings } from '../../domain/settings.js';
import type { Period } from '../../domain/periods.js';
import type { RedisConn } from '../redis/connections.js';
import { storeKeys, type CallbackKind } from '../redis/keys.js';
import { withScores } from '../kpi/day-buckets.js';
import { coopLedgerOf, queueCoopLedger } from '../kpi/read-coop.js';
import { coopPeriodCounts } from '../../domain/coop-periods.js';
import type { Config } from '../config.js';

export type PeriodReadConfig = Pick<Config, 'prefix' | 'callbackDeadlineMs'>;

const KINDS: CallbackKind[] = ['sales', 'service'];

/** The answers of a pipeline in order, failing on the first error. */
async function answers(p: ReturnType<RedisConn['pipeline']>): Promise<unknown[]> {
  return ((await p.exec()) ?? []).map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}

function addSurvey(a: SurveyCounts, score: number, nps: number | null) {
  a.count++;
  a.scoreSum += score;
  if (nps === null) return;
  a.npsCount++;
  if (nps >= 9) a.promoters++;
  if (nps <= 6) a.detractors++;
}

/**
 * The counts of `[start, end)`, up to `now` for a period not over yet. Which callbacks are due and
 * which appointments are past is judged at `now`; open and overdue complaints at the period's end
 * (or now, when earlier), and so are the co-op spends unclaimed at the end, aged in `zone`.
 */
export async function readPeriodCounts(
  redis: RedisConn,
  cfg: PeriodReadConfig,
  store: string,
  period: Period,
  bounds: { start: number; end: number },
  now: number,
  zone: string,
): Promise<PeriodCounts> {
  const k = storeKeys(cfg.prefix, store);
  const c = k.complaints;
  const lo = bounds.start;
  // Inclusive upper bound of event times: the period's last millisecond, or now.
  const hi = Math.min(bounds.end - 1, now);
  const atEnd = Math.min(bounds.end, now);
  const p = redis.pipeline();
  for (const kind of KINDS) {
    const ck = k.callback(kind);
    const cutoff = Math.min(hi, callbackDueCutoff(now, cfg.callbackDeadlineMs[kind]));
    p.zcount(ck.subjectsByTime, lo, hi);
    p.zcount(ck.met, lo, hi);
    p.zcount(ck.subjectsByTime, lo, cutoff);
    p.zcount(ck.met, lo, cutoff);
  }
  p.zcount(k.repairs.openedByTime, lo, hi);
  p.zcount(k.repairs.booked, lo, hi);
  p.zcount(c.opened, lo, hi);
  p.zrangebyscore(c.resolved, lo, hi, 'WITHSCORES');
  // Open at the end: opened before it, less those also resolved before it; overdue: spans begun less spans ended.
  p.zcount(c.opened, '-inf', `(${atEnd}`);
  p.zcount(c.closed, '-inf', `(${atEnd}`);
  p.zcount(c.overdueFrom, '-inf', `(${atEnd}`);
  p.zcount(c.overdueUntil, '-inf', `(${atEnd}`);
  p.zrangebyscore(k.spend.byTime, lo, hi);
  p.hgetall(k.budgets);
  p.zcount(k.visits, lo, hi);
  p.zcount(k.firstVisits, lo, hi);
  p.zcount(k.testDrives, lo, hi);
  p.zcount(k.leads.all, lo, hi);
  for (const ch of LEAD_CHANNELS) p.zcount(k.leads.byChannel(ch), lo, hi);
  p.zrangebyscore(k.orders.live, lo, hi);
  p.zrangebyscore(k.leads.withCampaign, lo, hi);
  p.zrangebyscore(k.surveys.byKind('sales'), lo, hi);
  p.zrangebyscore(k.surveys.byKind('service'), lo, hi);
  p.zcount(k.members.all, lo, hi);
  // Appointments count once their scheduled time is past.
  p.zcount(k.appointments.shown, lo, Math.min(hi, now));
  p.zcount(k.appointments.scheduled, lo, Math.min(hi, now));
  p.zcount(k.postsale.done, lo, hi);
  p.zcount(k.media.all, lo, hi);
  p.zcount(k.media.negative, lo, hi);
  p.hget(k.targets, period.id);
  // The co-op ledger is a store's tens of claims a year: read whole, its period worked out in domain/.
  queueCoopLedger(p, cfg.prefix, store);
  const out = await answers(p);
  let i = 0;
  const next = () => out[i++];
  const num = () => Number(next() ?? 0);

  const counts = emptyPeriodCounts();
  for (const kind of KINDS) counts.callbacks[kind] = { subjects: num(), met: num(), due: num(), dueMet: num() };
  counts.repairs = num();
  counts.booked = num();
  counts.complaints.opened = num();
  const resolved = withScores(next() as string[]);
  counts.complaints.resolved = resolved.length;
  counts.complaints.openAtEnd = num() - num();
  counts.complaints.overdueAtEnd = num() - num();
  const spendIds = next() as string[];
  const budgetsRaw = next() as Record<string, string>;
  counts.visits = num();
  counts.firstVisits = num();
  counts.testDrives = num();
  counts.leads = num();
  for (const ch of LEAD_CHANNELS) counts.leadsByChannel[ch as LeadChannel] = num();
  const orderIds = next() as string[];
  const campaignLeadIds = next() as string[];
  const surveyIds = [...(next() as string[]), ...(next() as string[])];
  counts.membersJoined = num();
  counts.showRate = { shown: num(), scheduled: num() };
  counts.postsaleDone = num();
  counts.media = { total: num(), negative: num() };
  const targetsJson = next() as string | null;
  const hash = () => next() as Record<string, string>;
  const ledger = coopLedgerOf(hash(), hash(), hash(), hash());
  counts.coop = coopPeriodCounts(ledger, bounds, now, zone);

  // Second round: the records of the period's resolutions, spends, orders, campaign leads and surveys.
  const ids = (list: string[]) => (list.length ? list : ['-']);
  const p2 = redis.pipeline();
  p2.hmget(c.state, ...ids(resolved.map((r) => r.member)));
  p2.hmget(k.spend.records, ...ids(spendIds));
  p2.hmget(k.orders.records, ...ids(orderIds));
  p2.hmget(k.leads.records, ...ids(campaignLeadIds));
  p2.hmget(k.surveys.records, ...ids(surveyIds));
  const [states, spendRecs, orderRecs, leadRecs, surveyRecs] = (await answers(p2)) as (string | null)[][];

  resolved.forEach((r, j) => {
    const raw = states![j];
    const o = raw ? Number((JSON.parse(raw) as { o?: string }).o ?? NaN) : NaN;
    if (!Number.isNaN(o)) counts.complaints.resolutionMs.push(r.score - o);
  });

  const campaign = (id: string) => (counts.campaigns[id] ??= { leads: 0, orders: 0, orderFen: 0, spendFen: 0 });
  const budgets = new Map<string, BudgetSettings>();
  for (const [budgetId, json] of Object.entries(budgetsRaw)) {
    const parsed = budgetSettings.safeParse(JSON.parse(json));
    if (parsed.success) budgets.set(budgetId, parsed.data);
  }
  const lines = new Map<string, BudgetPeriodLine>();
  const lineOf = (budgetId: string, b: BudgetSettings): BudgetPeriodLine => {
    let line = lines.get(budgetId);
    if (!line) {
      line = { store, budgetId, name: b.name, spentFen: 0 };
      if (b.campaignId) line.campaignId = b.campaignId;
      if (period.kind === 'month' && b.month === period.id) {
        line.amountFen = Math.round(b.amount * 100);
        line.warnAt = b.warnAt;
      }
      lines.set(budgetId, line);
    }
    return line;
  };
  // A month's own budgets are listed even before any spend.
  if (period.kind === 'month') for (const [id, b] of budgets) if (b.month === period.id) lineOf(id, b);
  for (const rec of spendRecs!) {
    if (!rec) continue;
    const [, , budgetId, fenS] = rec.split('|');
    const fen = Number(fenS);
    const b = budgetId === undefined ? undefined : budgets.get(budgetId);
    if (!b) {
      counts.unbudgetedFen += fen;
      continue;
    }
    lineOf(budgetId!, b).spentFen += fen;
    if (b.campaignId) campaign(b.campaignId).spendFen += fen;
  }
  for (const line of lines.values()) if (line.campaignId) campaign(line.campaignId);
  counts.budgets = [...lines.values()];

  for (const rec of orderRecs!) {
    if (!rec) continue;
    const [, , fenS, campaignId] = rec.split('|');
    const fen = Number(fenS);
    counts.orders++;
    counts.orderFen += fen;
    if (campaignId) {
      const cm = campaign(campaignId);
      cm.orders++;
      cm.orderFen += fen;
    }
  }
  for (const rec of leadRecs!) {
    const campaignId = rec?.split('|')[3];
    if (campaignId) campaign(campaignId).leads++;
  }
  for (const rec of surveyRecs!) {
    const payload = rec?.split('|')[3];
    if (!payload) continue;
    const [kind, scoreS, npsS] = payload.split(',');
    if (kind !== 'sales' && kind !== 'service') continue;
    addSurvey(counts.surveys[kind], Number(scoreS), npsS ? Number(npsS) : null);
  }

  if (period.kind === 'month' && targetsJson) {
    const parsed = targetSettings.safeParse(JSON.parse(targetsJson));
    if (parsed.success) {
      const actual = { orders: counts.orders, deliveries: counts.callbacks.sales.subjects, leads: counts.leads };
      for (const key of TARGET_KEYS) {
        const target = parsed.data[key];
        if (target !== undefined) counts.targets[key] = { target, actual: actual[key] };
      }
    }
  }
  counts.deliveries = counts.callbacks.sales.subjects;
  return counts;
}
