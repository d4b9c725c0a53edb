/** One HTTP request of a delivery: URL, headers and body for the webhook's format, signed. */
import type { WebhookSettings } from '../../domain/webhooks.js';
import { notificationBody, type NotifyContext } from './format.js';
import { dingtalkSignedUrl, pulseHeaders } from './sign.js';

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Every format carries the X-Pulse-* headers (a robot ignores them; a relay in between can check
 * them); DingTalk is in addition signed in the URL, the way its robots require.
 */
export function buildRequest(hook: WebhookSettings, c: NotifyContext, deliveryId: string): OutboundRequest {
  return signedRequest(hook, notificationBody(hook.format, c), deliveryId, c.sentAtMs);
}

/** A body for a webhook, with the headers and, for DingTalk, the URL signature (alerts and summaries alike). */
export function signedRequest(hook: WebhookSettings, body: string, deliveryId: string, sentAtMs: number): OutboundRequest {
  return {
    url: hook.format === 'dingtalk' ? dingtalkSignedUrl(hook.url, hook.secret, sentAtMs) : hook.url,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'ShowroomPulse-Webhook/1',
      ...pulseHeaders(hook.secret, body, deliveryId, sentAtMs),
    },
    body,
  };
}
