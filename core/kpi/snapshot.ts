/** Composes snapshots from store parts: one store, or the group (sums, ratios recomputed). Pure. */
import { GROUP } from '../../domain/protocol.js';
import { groupMaterials, groupSpend } from '../../domain/group-lists.js';
import type { CallbackFigure, DailySeries, Snapshot } from '../../domain/kpis.js';
import type { CallbackKind } from '../redis/keys.js';
import { callbackFigure, rateFigure, type CallbackCounts } from './rates.js';
import { complaintsFigure, type ComplaintCounts, type ComplaintWindowCounts } from './complaints.js';
import { spendFigure } from './spend.js';
import type { DayCounts, StoreParts } from './read-store.js';
import { isoInZone, localDayOf, monthClockOf, windowsAt } from './windows.js';
import { operationsKpis, satisfactionFigure } from './operations.js';
import {
  addDays,
  addInto,
  dayCountsOf,
  N,
  opsDayOf,
  opsScalarsOf,
  S,
  spendFenOf,
  storeSums,
  type OpsScalars,
} from './store-sums.js';
import type { OpsDay } from './read-operations.js';

interface DateTotals {
  headline: DayCounts;
  ops: OpsDay;
  spendFen: number;
}

interface Totals {
  today: DayCounts;
  month: DayCounts;
  opsToday: OpsDay;
  opsMonth: OpsDay;
  opsScalars: OpsScalars;
  /** Per local date, summed across stores. */
  byDate: Map<string, DateTotals>;
  complaints: ComplaintCounts;
}

function addComplaintWindowInto(a: ComplaintWindowCounts, b: ComplaintWindowCounts): void {
  a.opened += b.opened;
  a.resolved += b.resolved;
  for (const ms of b.resolutionMs) a.resolutionMs.push(ms);
}

/**
 * Store by store into a few vectors (store-sums.ts): each store's days land as one block in a
 * vector of the calendar days any store has, so dates are matched once per store, not per day.
 */
function totalsOf(parts: StoreParts[]): Totals {
  const sums = parts.map(storeSums);
  let first = Infinity;
  let last = -Infinity;
  for (const s of sums) {
    if (!s.dates.length) continue;
    first = Math.min(first, s.firstDay);
    last = Math.max(last, s.firstDay + s.dates.length - 1);
  }
  const span = last >= first ? last - first + 1 : 0;
  const byDay = new Float64Array(span * N);
  const dateOf: (string | undefined)[] = new Array<string | undefined>(span);
  const today = new Float64Array(N);
  const month = new Float64Array(N);
  const scalars = new Float64Array(S);
  const complaints: ComplaintCounts = {
    open: 0,
    overdue: 0,
    today: { opened: 0, resolved: 0, resolutionMs: [] },
    month: { opened: 0, resolved: 0, resolutionMs: [] },
  };
  parts.forEach((p, k) => {
    const s = sums[k]!;
    const n = s.dates.length;
    if (n) {
      addInto(today, 0, s.days, (n - 1) * N);
      const at = s.firstDay - first;
      for (let i = 0; i < n; i++) dateOf[at + i] ??= s.dates[i];
      addDays(byDay, at * N, s.days, n);
    }
    addInto(month, 0, s.month, 0);
    addInto(scalars, 0, s.scalars, 0, S);
    complaints.open += p.complaints.open;
    complaints.overdue += p.complaints.overdue;
    addComplaintWindowInto(complaints.today, p.complaints.today);
    addComplaintWindowInto(complaints.month, p.complaints.month);
  });
  const byDate = new Map<string, DateTotals>();
  for (let d = 0; d < span; d++) {
    const date = dateOf[d];
    if (date === undefined) continue;
    const v = byDay.subarray(d * N, (d + 1) * N);
    byDate.set(date, { headline: dayCountsOf(v, date), ops: opsDayOf(v), spendFen: spendFenOf(v) });
  }
  return {
    today: dayCountsOf(today, 'today'),
    month: dayCountsOf(month, 'month'),
    opsToday: opsDayOf(today),
    opsMonth: opsDayOf(month),
    opsScalars: opsScalarsOf(scalars),
    byDate,
    complaints,
  };
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
  localDay: number,
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
        parts.map((p) => ({
          ops: p.ops,
          budgets: p.budgets,
          month: opsDayOf(storeSums(p).month),
          clock: monthClockOf(p.windows),
        })),
        { ...t.opsScalars, today: t.opsToday, month: t.opsMonth },
        localDay,
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
    localDayOf(p.windows),
  );
}

/**
 * The group: every store's own windows summed. Its seq is the sum of the stores' seqs, which
 * grows whenever any store changes.
 */
export function groupSnapshot(parts: StoreParts[], name: string, timezone: string, now: number): Snapshot {
  const snapshot = compose(
    {
      store: GROUP,
      name,
      asOf: isoInZone(now, timezone),
      timezone,
      seq: parts.reduce((s, p) => s + p.seq, 0),
      stores: parts.map((p) => p.store).sort(),
    },
    parts,
    // The group's pace is held back while its reference time zone is before the 4th.
    localDayOf(windowsAt(now, timezone)),
  );
  // Every store's figures summed, but only the most urgent of their budget and material rows.
  snapshot.kpis.spend = groupSpend(snapshot.kpis.spend);
  snapshot.kpis.materials = groupMaterials(snapshot.kpis.materials);
  return snapshot;
}
