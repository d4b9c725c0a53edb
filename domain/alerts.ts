/**
 * Alerts: raised by the workers' rule set when a condition starts to hold (one alert per
 * crossing), pushed live on `alert`, acknowledged by staff, cleared when the condition stops.
 */
import { z } from 'zod';
import { DEFAULT_TARGET_PACE_AFTER_DAY, DEFAULT_TARGET_PACE_BELOW } from './targets.js';

export const ALERT_KINDS = [
  'budget_warn',
  'budget_tripped',
  /** Spend recorded against a budget that had already tripped. */
  'budget_overspend',
  /** A manager let a planned spend through a tripped breaker. */
  'budget_override',
  /** Spend recorded on a budget id that has no budget this month. */
  'spend_unbudgeted',
  'complaint_overdue',
  'callback_missed',
  /** A pending callback's deadline is near (setting `callbackDueSoonHours`). */
  'callback_due_soon',
  'material_low',
  'media_negative',
  /** A monthly target's pace is below the floor after the given day of the month. */
  'target_behind',
  /** A TV that should be on has not reported for 5 minutes (大屏离线, domain/devices.ts). */
  'screen_silent',
  /** A co-op spend unclaimed for more than 60 days: the program may refuse it soon (domain/coop.ts). */
  'coop_claim_window',
  /** A stocktake (盘点) that differs from the books at its moment. */
  'stock_discrepancy',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** The `alert` push of the live protocol (kpis.md). */
export interface Alert {
  /** `<store>.<random>`: the store is the part before the first dot. */
  id: string;
  store: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** Plain text (never markup), in Chinese; personal data in it is masked. */
  message: string;
  at: string;
  /** Machine-readable context, for the wall to localise the message. */
  data?: Record<string, string | number>;
}

/**
 * open: raised, nobody has acknowledged it and the condition still holds;
 * acked: a person has taken it (the condition may still hold);
 * cleared: the condition no longer holds (or a higher level of it was raised: `superseded`).
 */
export const ALERT_STATES = ['open', 'acked', 'cleared'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export interface AlertHistoryEntry {
  at: string;
  action: 'raised' | 'acked' | 'cleared' | 'superseded';
  by?: string;
  note?: string;
}

/** An alert as kept in Redis and listed by `GET /api/v1/alerts`. */
export interface AlertRecord extends Alert {
  state: AlertState;
  /** The rule condition that raised it, e.g. `budget:B-2611-media`; absent for one-off alerts. */
  condition?: string;
  ack?: { by: string; note?: string; at: string };
  clearedAt?: string;
  history: AlertHistoryEntry[];
}

export const alertStore = (alertId: string): string | null => {
  const dot = alertId.indexOf('.');
  return dot > 0 ? alertId.slice(0, dot) : null;
};

/** `POST /api/v1/alerts/{id}/ack`. */
export const ackBody = z.strictObject({
  by: z.string().trim().min(1, 'say who takes the alert').max(64),
  note: z.string().trim().max(500).optional(),
});
export type AckBody = z.infer<typeof ackBody>;

/** `GET /api/v1/alerts?store=&state=&kind=&since=&limit=`; `active` means open or acked. */
export const alertListQuery = z.strictObject({
  store: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a store code')
    .optional(),
  state: z.enum([...ALERT_STATES, 'active', 'all']).default('all'),
  kind: z.enum(ALERT_KINDS).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type AlertListQuery = z.infer<typeof alertListQuery>;

/** Per-store thresholds of the rule set: `PUT /api/v1/stores/{store}/alert-rules`. */
export const alertRules = z.strictObject({
  /** Alert when a pending callback's deadline is this close. */
  callbackDueSoonHours: z.number().min(0.25).max(72).default(4),
  /** Alert when a monthly target's pace falls below this… */
  targetPaceBelow: z.number().min(0).max(2).default(DEFAULT_TARGET_PACE_BELOW),
  /** …once this day of the month has passed. */
  targetPaceAfterDay: z.number().int().min(0).max(28).default(DEFAULT_TARGET_PACE_AFTER_DAY),
  /** A deadline passed or a mention made longer ago than this when first seen is counted, not announced. */
  announceWithinHours: z
    .number()
    .min(1)
    .max(24 * 31)
    .default(24),
  /** Kinds this store does not want raised at all. */
  muted: z.array(z.enum(ALERT_KINDS)).max(ALERT_KINDS.length).default([]),
});
export type AlertRules = z.infer<typeof alertRules>;
export const DEFAULT_ALERT_RULES: AlertRules = alertRules.parse({});
