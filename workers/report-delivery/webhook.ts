/**
 * A summary to one of the store's alert webhooks, through the same sender as the alerts
 * (workers/notify/): the same signing, address guard, timeout and delivery log, with the body of
 * each format carrying markdown — WeCom `msgtype: markdown`, DingTalk `markdown` with a title,
 * our json format with a `markdown` field.
 */
import type { WebhookFormat, WebhookSettings } from '../../domain/webhooks.js';
import type { Config } from '../../core/config.js';
import type { RedisConn } from '../../core/redis/connections.js';
import { logDelivery } from '../../core/books/webhook-book.js';
import { robotReplyError } from '../notify/format.js';
import { postOnce } from '../notify/post.js';
import { signedRequest, type OutboundRequest } from '../notify/request.js';
import { summaryMarkdown, type Summary } from './summary.js';

/** A DingTalk robot guarded by keywords needs one in every message: the product's name leads the title. */
const DINGTALK_TITLE_PREFIX = '展厅脉搏';

export interface SummaryContext {
  store: string;
  period: string;
  summary: Summary;
  sentAtMs: number;
}

export function summaryBody(format: WebhookFormat, c: SummaryContext): string {
  switch (format) {
    case 'wecom':
      return JSON.stringify({ msgtype: 'markdown', markdown: { content: summaryMarkdown(c.summary) } });
    case 'dingtalk':
      return JSON.stringify({
        msgtype: 'markdown',
        markdown: { title: `${DINGTALK_TITLE_PREFIX}${c.summary.title}`, text: summaryMarkdown(c.summary, '\n\n') },
      });
    case 'json':
      return JSON.stringify({
        kind: 'report',
        store: c.store,
        period: c.period,
        title: c.summary.title,
        url: c.summary.url,
        markdown: summaryMarkdown(c.summary),
        sentAt: new Date(c.sentAtMs).toISOString(),
      });
  }
}

export function summaryRequest(hook: WebhookSettings, c: SummaryContext, deliveryId: string): OutboundRequest {
  return signedRequest(hook, summaryBody(hook.format, c), deliveryId, c.sentAtMs);
}

/** Enough of a reply for a robot's errcode. */
const REPLY_BYTES = 4096;

/**
 * One POST of the summary; null when it was delivered, else what went wrong. Each attempt is
 * written to the webhook's delivery log, under the id `report.<period>`.
 */
export async function postSummary(
  redis: RedisConn,
  config: Pick<Config, 'prefix' | 'notify' | 'webhookAllowHosts'>,
  webhookId: string,
  hook: WebhookSettings,
  c: SummaryContext,
): Promise<string | null> {
  const deliveryId = `report.${c.store}.${c.period}.${webhookId}`;
  const started = performance.now();
  let httpStatus: number | undefined;
  let problem: string | null;
  try {
    const res = await postOnce(summaryRequest(hook, c, deliveryId), {
      timeoutMs: config.notify.timeoutMs,
      allow: config.webhookAllowHosts,
      replyBytes: REPLY_BYTES,
    });
    httpStatus = res.status;
    problem =
      res.status < 200 || res.status >= 300
        ? `HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 200)}` : ''}`
        : robotReplyError(hook.format, res.text);
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  // A lost log line is better than a second summary in the group: a failing write is only logged by the caller.
  await logDelivery(redis, config.prefix, c.store, {
    deliveryId,
    webhookId,
    alertId: `report.${c.period}`,
    attempt: 1,
    at: new Date(c.sentAtMs).toISOString(),
    outcome: problem === null ? 'delivered' : 'failed',
    ...(httpStatus !== undefined && { httpStatus }),
    ...(problem !== null && { error: problem }),
    ms: Math.round(performance.now() - started),
  }).catch(() => undefined);
  return problem;
}
