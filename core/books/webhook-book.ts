/**
 * A store's webhooks and their delivery logs, under the store's hash tag (one Cluster slot).
 * The secret is kept because every delivery is signed with it; it leaves Redis only to sign.
 */
import type { RedisConn } from '../redis/connections.js';
import { webhookSettings, type WebhookDelivery, type WebhookSettings, type WebhookView } from '../../domain/webhooks.js';
import { storeKeys } from '../redis/keys.js';

/** Attempts kept per webhook: enough to see a day of a busy store's alerts and their retries. */
export const DELIVERY_LOG_KEEP = 200;

export interface StoredWebhook {
  webhookId: string;
  settings: WebhookSettings;
}

/** Stored JSON that no longer passes the schema (an older version) is treated as absent, never sent. */
function parse(json: string | null | undefined): WebhookSettings | null {
  if (!json) return null;
  const r = webhookSettings.safeParse(JSON.parse(json));
  return r.success ? r.data : null;
}

export const webhookView = (store: string, webhookId: string, s: WebhookSettings): WebhookView => ({
  webhookId,
  store,
  url: s.url,
  kinds: s.kinds,
  minSeverity: s.minSeverity,
  format: s.format,
  enabled: s.enabled,
  secretSet: true,
});

export async function saveWebhook(redis: RedisConn, prefix: string, store: string, webhookId: string, s: WebhookSettings) {
  await redis.hset(storeKeys(prefix, store).webhooks, webhookId, JSON.stringify(s));
}

export async function loadWebhook(
  redis: RedisConn,
  prefix: string,
  store: string,
  webhookId: string,
): Promise<WebhookSettings | null> {
  return parse(await redis.hget(storeKeys(prefix, store).webhooks, webhookId));
}

export async function listWebhooks(redis: RedisConn, prefix: string, store: string): Promise<StoredWebhook[]> {
  const raw = await redis.hgetall(storeKeys(prefix, store).webhooks);
  return Object.entries(raw)
    .map(([webhookId, json]) => ({ webhookId, settings: parse(json) }))
    .filter((w): w is StoredWebhook => w.settings !== null)
    .sort((a, b) => a.webhookId.localeCompare(b.webhookId));
}

/** Removes the webhook and its log; false if there was none. Jobs still queued for it find it gone and send nothing. */
export async function deleteWebhook(redis: RedisConn, prefix: string, store: string, webhookId: string): Promise<boolean> {
  const k = storeKeys(prefix, store);
  const res = await redis.multi().hdel(k.webhooks, webhookId).del(k.webhookDeliveries(webhookId)).exec();
  return Number(res?.[0]?.[1] ?? 0) === 1;
}

export async function logDelivery(redis: RedisConn, prefix: string, store: string, d: WebhookDelivery): Promise<void> {
  const key = storeKeys(prefix, store).webhookDeliveries(d.webhookId);
  await redis
    .multi()
    .lpush(key, JSON.stringify(d))
    .ltrim(key, 0, DELIVERY_LOG_KEEP - 1)
    .exec();
}

/** Newest first. */
export async function recentDeliveries(
  redis: RedisConn,
  prefix: string,
  store: string,
  webhookId: string,
): Promise<WebhookDelivery[]> {
  const raw = await redis.lrange(storeKeys(prefix, store).webhookDeliveries(webhookId), 0, DELIVERY_LOG_KEEP - 1);
  return raw.map((j) => JSON.parse(j) as WebhookDelivery);
}
