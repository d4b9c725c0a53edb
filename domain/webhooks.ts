/**
 * Outbound notifications: per store, webhooks that receive chosen alert kinds (a WeCom or DingTalk
 * group robot, or any HTTPS endpoint taking signed JSON).
 */
import { z } from 'zod';
import { ALERT_KINDS, ALERT_SEVERITIES, type Alert, type AlertSeverity } from './alerts.js';

/** json: our own body, signed with `X-Pulse-Signature`; wecom / dingtalk: the robots' message formats. */
export const WEBHOOK_FORMATS = ['json', 'wecom', 'dingtalk'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const webhookId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 characters of A-Za-z0-9_-');

/** `PUT /api/v1/stores/{store}/webhooks/{webhookId}`. */
export const webhookSettings = z.strictObject({
  url: z
    .string()
    .max(2048)
    .refine((u) => {
      try {
        const p = new URL(u).protocol;
        return p === 'https:' || p === 'http:';
      } catch {
        return false;
      }
    }, 'must be an http(s) URL'),
  kinds: z.array(z.enum(ALERT_KINDS)).min(1).max(ALERT_KINDS.length),
  /** Only alerts of at least this severity are sent. */
  minSeverity: z.enum(ALERT_SEVERITIES).default('info'),
  format: z.enum(WEBHOOK_FORMATS).default('json'),
  /** HMAC-SHA256 key; never returned by the API. */
  secret: z.string().min(16, 'must be at least 16 characters').max(256),
  enabled: z.boolean().default(true),
});
export type WebhookSettings = z.infer<typeof webhookSettings>;

/** A webhook as the API shows it: the secret is never returned. */
export type WebhookView = Omit<WebhookSettings, 'secret'> & { webhookId: string; store: string; secretSet: true };

/** One attempt to deliver one alert to one webhook. */
export interface WebhookDelivery {
  deliveryId: string;
  webhookId: string;
  alertId: string;
  attempt: number;
  at: string;
  /** delivered: 2xx; retrying: failed, another attempt is scheduled; failed: gave up. */
  outcome: 'delivered' | 'retrying' | 'failed';
  httpStatus?: number;
  error?: string;
  ms: number;
}

/** info < warning < critical. */
export const severityAtLeast = (severity: AlertSeverity, min: AlertSeverity): boolean =>
  ALERT_SEVERITIES.indexOf(severity) >= ALERT_SEVERITIES.indexOf(min);

/** Whether a webhook is sent this alert: enabled, subscribed to its kind, and severe enough. */
export const webhookWants = (
  w: Pick<WebhookSettings, 'enabled' | 'kinds' | 'minSeverity'>,
  alert: Pick<Alert, 'kind' | 'severity'>,
) => w.enabled && w.kinds.includes(alert.kind) && severityAtLeast(alert.severity, w.minSeverity);

/**
 * How one notification is delivered: attempts in all, the delay before the first retry (it doubles
 * with each retry) and the timeout of one request. The defaults give 1 + 2 + … + 64 s ≈ 2 minutes
 * of retries, enough to ride out a robot's rate limit (20 messages a minute) or a restart.
 */
export interface DeliveryPolicy {
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
}
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { attempts: 8, backoffMs: 1000, timeoutMs: 10_000 };
