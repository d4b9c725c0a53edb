/**
 * The demo's two years of history (历史数据), so that its period reports compare each month with
 * the month before and the same month a year earlier from the first run. Pure: which months, their
 * events (the generator's plan, sampled as `plan-sample.ts` says, as every month of the demo is), their targets, and the few
 * events of last month held back to arrive late — so that last month's report shows 已修订.
 */
import { DateTime } from 'luxon';
import type { PulseEvent } from '../../domain/events.js';
import type { StoreProfile } from './dealership.js';
import { generateStoreEvents } from './generate.js';
import { DEMO_SHARE } from './plan-sample.js';
import { actualsOf, targetsFor, type MonthTargets } from './setup.js';

/** Whole months before the demo's month: 24, the 730 days a report's year-on-year comparison needs. */
export const HISTORY_MONTHS = 24;

/** The history's months (`YYYY-MM`), the month before the demo's first. */
export function historyMonths(store: StoreProfile, demoStart: number): string[] {
  const first = DateTime.fromMillis(demoStart, { zone: store.timezone }).startOf('month');
  return Array.from({ length: HISTORY_MONTHS }, (_, i) => first.minus({ months: i + 1 }).toFormat('yyyy-LL'));
}

export interface HistoryMonth {
  month: string;
  events: PulseEvent[];
  /** The month's targets (刚性目标), set against what the sample does, as the live month's are. */
  targets: MonthTargets;
}

/**
 * The events dated in a month of the history. What its last days lead to in the demo's month
 * (handovers, calls, resolutions) is planned by the month back-fill alike, and sent with it.
 */
export function historyMonth(store: StoreProfile, seed: number, month: string, share = DEMO_SHARE): HistoryMonth {
  return historySpan(store, seed, [month], share)[0]!;
}

/**
 * Several consecutive months at once, in the order given: planned in one go, since the generator
 * plans a fortnight around any range and a month alone would be planned nearly twice over.
 */
export function historySpan(store: StoreProfile, seed: number, months: readonly string[], share = DEMO_SHARE): HistoryMonth[] {
  const sorted = [...months].sort();
  const start = DateTime.fromFormat(sorted[0]!, 'yyyy-LL', { zone: store.timezone });
  const end = DateTime.fromFormat(sorted[sorted.length - 1]!, 'yyyy-LL', { zone: store.timezone })
    .plus({ months: 1 })
    .toMillis();
  const events = generateStoreEvents(store, { seed, from: start.toMillis(), to: end, now: end, share, history: true });
  const byMonth = new Map<string, PulseEvent[]>(months.map((m) => [m, []]));
  // `at` is local time with its offset: its first seven characters are the store's month.
  for (const e of events) byMonth.get(e.at.slice(0, 7))!.push(e);
  return months.map((month) => {
    const own = byMonth.get(month)!;
    return { month, events: own, targets: targetsFor(store, actualsOf(own)) };
  });
}

/**
 * Of last month's events, those the demo sends only after the back-fill, without the history flag,
 * as a call centre and a complaint desk catching up would: `calls` callbacks that reached a customer
 * within 72 h of a handover, and one complaint resolution, all dated last month. They arrive after
 * the month's close, so its report counts them as revisions (已修订).
 */
export function heldBackForRevision(lastMonth: readonly PulseEvent[], calls = 3): PulseEvent[] {
  const delivered = new Map<string, number>();
  for (const e of lastMonth) if (e.type === 'vehicle.delivered') delivered.set(e.orderId, Date.parse(e.at));
  const callbacks = lastMonth.filter(
    (e) =>
      e.type === 'callback.attempted' &&
      e.kind === 'sales' &&
      e.outcome === 'reached' &&
      Date.parse(e.at) - (delivered.get(e.subjectId) ?? Infinity) <= 72 * 3_600_000,
  );
  const opened = new Set(lastMonth.flatMap((e) => (e.type === 'complaint.opened' ? [e.complaintId] : [])));
  const resolution = lastMonth.find((e) => e.type === 'complaint.resolved' && opened.has(e.complaintId));
  // The month's last ones: what a desk is most likely still to be catching up on.
  return [...callbacks.slice(-calls), ...(resolution ? [resolution] : [])];
}
