/**
 * Scheduled delivery of the weekly and monthly summaries (reports.md, "Report pages and
 * delivery"): the settings a store's admin gives, when each period's summary falls due in the
 * store's zone, and which summary is the one due now. Pure: the schedule runs in core/jobs/ and
 * workers/, and all of them ask these functions.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { periodBounds, periodHolding, shiftPeriod, type Period, type PeriodKind } from './periods.js';

export const REPORT_CADENCES = ['weekly', 'monthly'] as const;
export type ReportCadence = (typeof REPORT_CADENCES)[number];

export const CADENCE_KIND: Record<ReportCadence, PeriodKind> = { weekly: 'week', monthly: 'month' };

/** Addresses one store may send its summaries to: a department's list, not a mailing list. */
export const MAX_REPORT_EMAILS = 20;

/** `PUT /api/v1/stores/{store}/report-delivery`. */
export const reportDeliverySettings = z.strictObject({
  weekly: z.boolean(),
  monthly: z.boolean(),
  emails: z
    .array(z.email('must be an e-mail address').max(254))
    .max(MAX_REPORT_EMAILS, `must list at most ${MAX_REPORT_EMAILS} addresses`)
    .refine((list) => new Set(list.map((e) => e.toLowerCase())).size === list.length, 'must not list an address twice')
    .default([]),
  /** Also post the summary to the store's enabled alert webhooks. */
  webhooks: z.boolean().default(false),
});
export type ReportDeliverySettings = z.infer<typeof reportDeliverySettings>;

export const NO_REPORT_DELIVERY: ReportDeliverySettings = { weekly: false, monthly: false, emails: [], webhooks: false };

/**
 * The settings as kept: with, per cadence, when it was turned on (ms). A summary is sent only for a
 * period that fell due after that, so turning weekly delivery on on a Wednesday does not send last
 * week's summary at once: the first one goes out the next Monday.
 */
export interface ReportDeliveryRecord {
  settings: ReportDeliverySettings;
  since: Partial<Record<ReportCadence, number>>;
}

/** The new record after a PUT at `now`: a cadence kept on keeps its start, one turned on starts now. */
export function nextDeliveryRecord(
  before: ReportDeliveryRecord | null,
  settings: ReportDeliverySettings,
  now: number,
): ReportDeliveryRecord {
  const since: ReportDeliveryRecord['since'] = {};
  for (const c of REPORT_CADENCES) {
    if (!settings[c]) continue;
    since[c] = before?.settings[c] && before.since[c] !== undefined ? before.since[c] : now;
  }
  return { settings, since };
}

/** Local hour at which a summary goes out: the start of the working morning. */
export const DELIVERY_HOUR = 9;

/** The same times as cron patterns, read in the store's zone (BullMQ's `tz`): Monday 09:00, the 1st 09:00. */
export const DELIVERY_PATTERNS: Record<ReportCadence, string> = {
  weekly: `0 ${DELIVERY_HOUR} * * 1`,
  monthly: `0 ${DELIVERY_HOUR} 1 * *`,
};

/** When a period's summary falls due: 09:00 local on the first day after it (its end is a local midnight). */
export function reportDueAt(period: Period, zone: string): number {
  return DateTime.fromMillis(periodBounds(period, zone).end, { zone }).set({ hour: DELIVERY_HOUR }).toMillis();
}

/** The period of the cadence whose summary fell due last at `now`: the week (month) just ended once 09:00 has passed. */
export function lastDuePeriod(cadence: ReportCadence, now: number, zone: string): Period {
  const current = periodHolding(CADENCE_KIND[cadence], now, zone);
  const previous = shiftPeriod(current, 1);
  return reportDueAt(previous, zone) <= now ? previous : shiftPeriod(current, 2);
}

/** Whether the period's summary is to be sent under the record: its cadence is on, and was on when it fell due. */
export function wantsSummary(record: ReportDeliveryRecord, cadence: ReportCadence, period: Period, zone: string): boolean {
  const since = record.since[cadence];
  return record.settings[cadence] && since !== undefined && since <= reportDueAt(period, zone);
}

/** The cadence a period is sent under, or null for a kind that is not sent (days, quarters). */
export function cadenceOf(period: Period): ReportCadence | null {
  return REPORT_CADENCES.find((c) => CADENCE_KIND[c] === period.kind) ?? null;
}

/** The period as people say it: 2026年第48周, 2026年11月. */
export function periodTitle(period: Period): string {
  if (period.kind === 'week') return `${period.year}年第${period.index}周`;
  if (period.kind === 'month') return `${period.year}年${period.index}月`;
  if (period.kind === 'quarter') return `${period.year}年第${period.index}季度`;
  return `${period.year}年${period.index}月${period.day}日`;
}

/** 周报 / 月报. */
export const SUMMARY_NAMES: Record<ReportCadence, string> = { weekly: '周报', monthly: '月报' };
