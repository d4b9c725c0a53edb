/**
 * Hands an alert to the store's webhooks that want it: one `notify` job per webhook, with an id
 * made of the store, the webhook and the alert, so handing the same alert over twice (a retried
 * alert job, two workers) queues it once.
 */
import type { RedisConn } from '../redis/connections.js';
import type { AlertRecord } from '../../domain/alerts.js';
import { DEFAULT_DELIVERY_POLICY, webhookWants, type DeliveryPolicy } from '../../domain/webhooks.js';
import { listWebhooks } from '../books/webhook-book.js';
import { notifyJobOptions, type Queues } from './queues.js';

type Retry = Pick<DeliveryPolicy, 'attempts' | 'backoffMs'>;

/**
 * BullMQ refuses custom ids with ':' (its key separator). Store codes and webhook ids cannot
 * contain '.' or ':', so the first two dots split the id unambiguously; the alert id, whatever
 * it holds, has '%' and ':' escaped, which keeps distinct alerts distinct.
 */
export const notifyJobId = (store: string, webhookId: string, alertId: string): string =>
  `${store}.${webhookId}.${alertId.replaceAll('%', '%25').replaceAll(':', '%3A')}`;

/** Queues one alert for one webhook, whatever its filters (the test endpoint uses it). False: already queued. */
export async function enqueueNotification(
  queue: Queues['notify'],
  webhookId: string,
  alert: AlertRecord,
  retry: Retry = DEFAULT_DELIVERY_POLICY,
): Promise<boolean> {
  const jobId = notifyJobId(alert.store, webhookId, alert.id);
  // BullMQ ignores an add with an id it holds, without saying so; this look-up only makes the
  // count right. Two callers racing past it still queue one job.
  if (await queue.getJob(jobId)) return false;
  await queue.add('notify', { store: alert.store, webhookId, alert }, { ...notifyJobOptions(retry), jobId });
  return true;
}

/** The number of webhooks the alert was queued for. */
export async function enqueueNotifications(
  redis: RedisConn,
  queue: Queues['notify'],
  prefix: string,
  alert: AlertRecord,
  retry: Retry = DEFAULT_DELIVERY_POLICY,
): Promise<number> {
  let queued = 0;
  for (const { webhookId, settings } of await listWebhooks(redis, prefix, alert.store)) {
    if (webhookWants(settings, alert) && (await enqueueNotification(queue, webhookId, alert, retry))) queued++;
  }
  return queued;
}
