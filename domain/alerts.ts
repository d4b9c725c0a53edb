/** Alerts pushed live on `alert` when a threshold is crossed. */
export const ALERT_KINDS = [
  'budget_warn',
  'budget_tripped',
  'complaint_overdue',
  'callback_missed',
  'material_low',
  'media_negative',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface Alert {
  id: string;
  store: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** Plain text (never markup); personal data in it is masked. */
  message: string;
  at: string;
  /** Machine-readable context, for the wall to localise the message. */
  data?: Record<string, string | number>;
}
