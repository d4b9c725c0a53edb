/** Composes snapshots from store parts: one store, or the group (sums, ratios recomputed). Pure. */
import { GROUP } from '../../domain/protocol.js';
import type { CallbackFigure, DailySeries, Snapshot } from '../../domain/kpis.js';
import type { CallbackKind } from '../redis-keys.js';
import { addCallbackCounts, callbackFigure, NO_CALLBACKS, rateFigure, type CallbackCounts } from './rates.js';
import { addComplaintCounts, complaintsFigure, NO_COMPLAINTS, type ComplaintCounts } from './complaints.js';
import { spendFigure } from './spend.js';
import type { DayCounts, StoreParts } from './read-store.js';
import { elapsedFraction, isoInZone, windowsAt } from './windows.js';
import { NO_DAY, operationsKpis, satisfactionFigure, sumDays } from './operations.js';
import type { OpsDay } from './read-operations.js';

interface DateTotals {
  headline: DayCounts;
  ops: OpsDay;
  spendFen: number;
}

interface Totals {
  today: DayCounts;
  month: DayCounts;
  /** Per local date, summed across stores. */
  byDate: Map<string, DateTotals>;
  complaints: ComplaintCounts;
}

const emptyDay = (date: string): DayCounts => ({
  date,
  callbacks: { sales: NO_CALLBACKS, service: NO_CALLBACKS },
  repairs: 0,
  booked: 0,
});

function addDay(a: DayCounts, b: DayCounts): DayCounts {
  return {
    date: a.date,
    callbacks: {
      sales: addCallbackCounts(a.callbacks.sales, b.callbacks.sales),
      service: addCallbackCounts(a.callbacks.service, b.callbacks.service),
    },
    repairs: a.repairs + b.repairs,
    booked: a.booked + b.booked,
  };
}

function totalsOf(parts: StoreParts[]): Totals {
  let today = emptyDay('today');
  let month = emptyDay('month');
  const byDate = new Map<string, DateTotals>();
  let complaints = NO_COMPLAINTS;
  for (const p of parts) {
    const last = p.days[p.days.length - 1];
    if (last) today = addDay(today, last);
    p.days.forEach((d, i) => {
      month = addDay(month, d);
      const t = byDate.get(d.date) ?? { headline: emptyDay(d.date), ops: NO_DAY, spendFen: 0 };
      byDate.set(d.date, {
        headline: addDay(t.headline, d),
        ops: sumDays(t.ops, p.ops.days[i] ?? NO_DAY),
        spendFen: t.spendFen + (p.spendFenByDay[i] ?? 0),
      });
    });
    complaints = addComplaintCounts(complaints, p.complaints);
  }
  return { today, month, byDate, complaints };
}

const cb = (c: CallbackCounts): CallbackFigure => callbackFigure(c);
const rateOf = (c: CallbackCounts) => callbackFigure(c).value;

function seriesOf(byDate: Map<string, DateTotals>): DailySeries {
  const days = [...byDate.keys()].sort();
  const at = (d: string) => byDate.get(d)!.headline;
  const ops = (d: string) => byDate.get(d)!.ops;
  return {
    days,
    salesCallbackRate: days.map((d) => rateOf(at(d).callbacks.sales)),
    serviceCallbackRate: days.map((d) => rateOf(at(d).callbacks.service)),
    appointmentRate: days.map((d) => rateFigure(at(d).booked, at(d).repairs).value),
    leads: days.map((d) => ops(d).leads),
    orders: days.map((d) => ops(d).orders),
    deliveries: days.map((d) => ops(d).deliveries),
    salesSatisfaction: days.map((d) => satisfactionFigure(ops(d).surveys.sales).average),
    serviceSatisfaction: days.map((d) => satisfactionFigure(ops(d).surveys.service).average),
    spend: days.map((d) => byDate.get(d)!.spendFen / 100),
  };
}

function compose(
  head: Pick<Snapshot, 'store' | 'name' | 'asOf' | 'timezone' | 'seq' | 'stores'>,
  parts: StoreParts[],
  elapsed: number,
): Snapshot {
  const t = totalsOf(parts);
  const kind = (k: CallbackKind) => ({ today: cb(t.today.callbacks[k]), month: cb(t.month.callbacks[k]) });
  const budgets = parts.flatMap((p) => p.budgets);
  const unbudgetedFen = parts.reduce((s, p) => s + p.unbudgetedFen, 0);
  return {
    ...head,
    kpis: {
      salesCallbackRate: kind('sales'),
      serviceCallbackRate: kind('service'),
      appointmentRate: {
        today: rateFigure(t.today.booked, t.today.repairs),
        month: rateFigure(t.month.booked, t.month.repairs),
      },
      complaints: complaintsFigure(t.complaints),
      spend: spendFigure(budgets, unbudgetedFen),
      ...operationsKpis(
        parts.map((p) => ({ ops: p.ops, budgets: p.budgets })),
        elapsed,
      ),
    },
    series: seriesOf(t.byDate),
  };
}

export function storeSnapshot(p: StoreParts): Snapshot {
  return compose(
    {
      store: p.store,
      name: p.name,
      asOf: isoInZone(p.windows.now, p.timezone),
      timezone: p.timezone,
      seq: p.seq,
      stores: [p.store],
    },
    [p],
    elapsedFraction(p.windows),
  );
}

/**
 * The group: every store's own windows summed. Its seq is the sum of the stores' seqs, which
 * grows whenever any store changes.
 */
export function groupSnapshot(parts: StoreParts[], name: string, timezone: string, now: number): Snapshot {
  return compose(
    {
      store: GROUP,
      name,
      asOf: isoInZone(now, timezone),
      timezone,
      seq: parts.reduce((s, p) => s + p.seq, 0),
      stores: parts.map((p) => p.store).sort(),
    },
    parts,
    elapsedFraction(windowsAt(now, timezone)),
  );
}
