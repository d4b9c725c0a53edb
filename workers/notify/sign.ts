/** Signatures of outbound notifications: pure functions of the secret, a timestamp and the body. */
import { createHmac } from 'node:crypto';

/**
 * `X-Pulse-Signature` of our own format: HMAC-SHA256 over `<unix seconds>.<raw body>`. The
 * timestamp is inside what is signed so a receiver can refuse an old request replayed later.
 */
export const pulseSignature = (secret: string, timestampSec: number, rawBody: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestampSec}.${rawBody}`).digest('hex')}`;

/** The headers every delivery carries, whatever its format. */
export function pulseHeaders(secret: string, rawBody: string, deliveryId: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'X-Pulse-Timestamp': String(timestamp),
    'X-Pulse-Delivery': deliveryId,
    'X-Pulse-Signature': pulseSignature(secret, timestamp, rawBody),
  };
}

/**
 * DingTalk robot 加签: base64 of HMAC-SHA256 keyed with the secret (the robot's `SEC…` string)
 * over `<timestamp ms>\n<secret>`. DingTalk refuses a timestamp more than an hour off, so each
 * attempt signs anew.
 */
export const dingtalkSign = (secret: string, timestampMs: number): string =>
  createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');

/** The robot's URL with `timestamp` and the URL-encoded `sign` appended to its query. */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  // Appended as text rather than through URLSearchParams, which would re-encode the robot's own
  // access_token parameter.
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const sep = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${sep}timestamp=${timestampMs}&sign=${encodeURIComponent(dingtalkSign(secret, timestampMs))}`;
}
