/**
 * Delivers one alert to one webhook: one signed POST per attempt, each attempt written to the
 * webhook's delivery log. A failure throws, so BullMQ retries it with its backoff; the log says
 * 'retrying' until the last attempt, which says 'failed'.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { RedisConn } from '../core/redis/connections.js';
import { DEFAULT_TIMEZONE } from '../domain/settings.js';
import { maskAlert } from '../domain/masking.js';
import type { WebhookDelivery } from '../domain/webhooks.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/observability/logger.js';
import type { WorkerMetrics } from '../core/observability/metrics.js';
import type { StoreRegistry } from '../core/books/store-registry.js';
import { loadWebhook, logDelivery } from '../core/books/webhook-book.js';
import { robotReplyError } from './notify/format.js';
import { RefusedAddressError } from './notify/guarded-lookup.js';
import { postOnce } from './notify/post.js';
import { buildRequest } from './notify/request.js';
import type { NotifyJob, NotifyResult } from '../core/jobs/queues.js';

export interface NotifyDeps {
  redis: RedisConn;
  stores: StoreRegistry;
  config: Pick<Config, 'prefix' | 'notify' | 'webhookAllowHosts'>;
  now?: () => number;
  log?: Logger;
  metrics?: Pick<WorkerMetrics, 'webhookDeliveries'>;
}

/**
 * 408 and 429 mean "later"; any other 4xx means the request itself is refused (no such robot,
 * not authorised, bad payload), and sending the same request again cannot help: give up at once
 * rather than knock on it for two minutes.
 */
export const isPermanentStatus = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 429;

/** Enough of a reply for a robot's errcode or an error page's first lines; the rest is not read. */
const REPLY_BYTES = 4096;

function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

export async function deliverNotification(deps: NotifyDeps, job: Job<NotifyJob, NotifyResult>): Promise<NotifyResult> {
  const { redis, config } = deps;
  const { store, webhookId, alert } = job.data;
  const hook = await loadWebhook(redis, config.prefix, store, webhookId);
  if (!hook || !hook.enabled) {
    deps.metrics?.webhookDeliveries.inc({ outcome: 'skipped' });
    return { outcome: 'skipped' };
  }
  const settings = await deps.stores.get(store);
  const nowMs = deps.now?.() ?? Date.now();
  // attemptsMade counts the attempts already finished.
  const attempt = job.attemptsMade + 1;
  const lastAttempt = attempt >= (job.opts.attempts ?? 1);
  const deliveryId = job.id ?? `${webhookId}.${alert.id}`;
  // Webhooks leave the building: the alert's free text goes out masked, whatever the receiver.
  const req = buildRequest(
    hook,
    {
      alert: maskAlert(alert),
      store,
      storeName: settings?.name ?? store,
      timeZone: settings?.timezone ?? DEFAULT_TIMEZONE,
      sentAtMs: nowMs,
    },
    deliveryId,
  );

  const started = performance.now();
  let httpStatus: number | undefined;
  let problem: string | null = null;
  let permanent = false;
  try {
    const res = await postOnce(req, {
      timeoutMs: config.notify.timeoutMs,
      allow: config.webhookAllowHosts,
      replyBytes: REPLY_BYTES,
    });
    httpStatus = res.status;
    if (res.status >= 300 && res.status < 400) {
      // A redirect would carry the signed body somewhere nobody configured (perhaps inside the
      // network): it is not followed, and asking again would be sent the same way.
      problem = `HTTP ${res.status}: redirects are not followed; set the webhook's final URL`;
      permanent = true;
    } else if (res.status < 200 || res.status >= 300) {
      problem = `HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 200)}` : ''}`;
      permanent = isPermanentStatus(res.status);
    } else {
      problem = robotReplyError(hook.format, res.text);
    }
  } catch (err) {
    problem = describeError(err, config.notify.timeoutMs);
    permanent = err instanceof RefusedAddressError;
  }

  const entry: WebhookDelivery = {
    deliveryId,
    webhookId,
    alertId: alert.id,
    attempt,
    at: new Date(nowMs).toISOString(),
    outcome: problem === null ? 'delivered' : permanent || lastAttempt ? 'failed' : 'retrying',
    ...(httpStatus !== undefined && { httpStatus }),
    ...(problem !== null && { error: problem }),
    ms: Math.round(performance.now() - started),
  };
  // A lost log line is better than a second message in the group: a failing log write does not
  // fail (and so repeat) a delivery that went through.
  deps.metrics?.webhookDeliveries.inc({ outcome: entry.outcome });
  await logDelivery(redis, config.prefix, store, entry).catch((err: unknown) =>
    deps.log?.error({ err, store, webhookId, deliveryId }, 'could not log a webhook delivery'),
  );
  if (problem === null) return { outcome: 'delivered', httpStatus: httpStatus! };
  throw permanent ? new UnrecoverableError(problem) : new Error(problem);
}

export const createNotifyProcessor = (deps: NotifyDeps) => (job: Job<NotifyJob, NotifyResult>) => deliverNotification(deps, job);
