/**
 * Sends one period's summary of one store on each of its channels — the e-mail (one message to
 * every address, the workbook attached) and each enabled alert webhook — once per channel,
 * whatever the number of workers and retries (the claim in core/books/report-delivery-book.ts).
 * A channel that failed or that another sender holds makes the job fail, so BullMQ tries again
 * later, and only that channel is sent then.
 */
import { parsePeriod } from '../../domain/periods.js';
import { cadenceOf, wantsSummary } from '../../domain/report-delivery.js';
import type { Report } from '../../domain/reports.js';
import { DEFAULT_TIMEZONE } from '../../domain/settings.js';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/observability/logger.js';
import type { RedisConn } from '../../core/redis/connections.js';
import type { StoreRegistry } from '../../core/books/store-registry.js';
import { listWebhooks, type StoredWebhook } from '../../core/books/webhook-book.js';
import { claimChannel, loadReportDelivery, markPeriodDone, sentChannels } from '../../core/books/report-delivery-book.js';
import type { ChannelOutcome, ReportsResult } from '../../core/jobs/queues.js';
import { buildStoreReport } from '../../core/reports/build-report.js';
import { reportWorkbook } from '../../core/reports/report-xlsx.js';
import { XLSX_TYPE, type Mailer } from './mail.js';
import { buildSummary, summaryHtml, summaryText, type Summary } from './summary.js';
import { postSummary } from './webhook.js';

export interface ReportDeliveryDeps {
  redis: RedisConn;
  stores: StoreRegistry;
  config: Pick<
    Config,
    'prefix' | 'callbackDeadlineMs' | 'complaintDeadlinesMs' | 'notify' | 'webhookAllowHosts' | 'publicUrl' | 'reportDelivery'
  >;
  /** null: no SMTP server configured, e-mail is skipped. */
  mailer: Mailer | null;
  now?: () => number;
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export const EMAIL_CHANNEL = 'email';
export const webhookChannel = (webhookId: string) => `webhook:${webhookId}`;

/** Said once per process: a store asking for e-mail on an install without a mail server. */
let saidNoSmtp = false;

/** Thrown when some channel is not settled yet: BullMQ retries the job. */
export class ChannelsPendingError extends Error {
  override name = 'ChannelsPendingError';
}

type DeliverResult = Extract<ReportsResult, { kind: 'deliver' }> | Extract<ReportsResult, { kind: 'skipped' }>;

/** Sends what is left of the period's summary; throws ChannelsPendingError when a channel is left for a retry. */
export async function deliverReport(deps: ReportDeliveryDeps, store: string, periodId: string): Promise<DeliverResult> {
  const { redis, config } = deps;
  const parsed = parsePeriod(periodId);
  const cadence = parsed.ok ? cadenceOf(parsed.period) : null;
  if (!parsed.ok || !cadence) return { kind: 'skipped', reason: `${periodId} is not a week or a month` };
  const period = parsed.period;
  const now = deps.now?.() ?? Date.now();
  const zone = (await deps.stores.get(store))?.timezone ?? DEFAULT_TIMEZONE;
  const record = await loadReportDelivery(redis, config.prefix, store);
  // Turned off since it was queued (or turned on only after the period fell due): nothing to send.
  if (!record || !wantsSummary(record, cadence, period, zone)) return { kind: 'skipped', reason: 'not wanted' };

  const channels: Record<string, ChannelOutcome> = {};
  const hooks = new Map<string, StoredWebhook>();
  if (record.settings.emails.length > 0) {
    channels[EMAIL_CHANNEL] = 'skipped';
    if (!deps.mailer && !saidNoSmtp) {
      saidNoSmtp = true;
      deps.log?.warn({ store }, 'summary e-mails are asked for but PULSE_SMTP_URL is not set: e-mail is skipped');
    }
  }
  if (record.settings.webhooks) {
    for (const w of await listWebhooks(redis, config.prefix, store)) {
      if (!w.settings.enabled) continue;
      hooks.set(webhookChannel(w.webhookId), w);
      channels[webhookChannel(w.webhookId)] = 'skipped';
    }
  }
  const { sent } = await sentChannels(redis, config.prefix, store, period.id);
  for (const ch of Object.keys(channels)) if (sent.has(ch)) channels[ch] = 'already';

  // Built once, and only when something is left to send: the report reads the whole period.
  let report: Promise<{ report: Report; summary: Summary }> | null = null;
  const content = () =>
    (report ??= buildStoreReport({ redis, stores: deps.stores, config }, store, period, now).then((r) => {
      // The settings PUT registers the store: a missing one was removed by hand since.
      if (!r) throw new Error(`store ${store} is not registered`);
      return { report: r, summary: buildSummary(r, period, cadence, config.publicUrl) };
    }));

  for (const channel of Object.keys(channels)) {
    if (channels[channel] === 'already') continue;
    if (channel === EMAIL_CHANNEL && !deps.mailer) continue;
    const claim = await claimChannel(redis, config.prefix, store, period.id, channel, config.reportDelivery.lockMs);
    if (claim.state !== 'claimed') {
      channels[channel] = claim.state;
      continue;
    }
    try {
      const { report: r, summary } = await content();
      if (channel === EMAIL_CHANNEL) {
        const reply = await deps.mailer!.send({
          to: record.settings.emails,
          subject: summary.title,
          text: summaryText(summary),
          html: summaryHtml(summary),
          attachments: [{ filename: `${store}-${period.id}.xlsx`, content: await reportWorkbook(r), contentType: XLSX_TYPE }],
        });
        if (reply.rejected.length) deps.log?.warn({ store, period: period.id, rejected: reply.rejected }, 'addresses refused');
      } else {
        const hook = hooks.get(channel)!;
        const problem = await postSummary(redis, config, hook.webhookId, hook.settings, {
          store,
          period: period.id,
          summary,
          sentAtMs: now,
        });
        if (problem !== null) throw new Error(problem);
      }
      await claim.sent(now);
      channels[channel] = 'sent';
    } catch (err) {
      await claim.release().catch(() => undefined);
      channels[channel] = 'failed';
      deps.log?.warn({ err, store, period: period.id, channel }, 'summary not sent: will be retried');
    }
  }

  const left = Object.entries(channels).filter(([, o]) => o === 'busy' || o === 'failed');
  if (left.length) {
    throw new ChannelsPendingError(`${store} ${period.id}: ${left.map(([c, o]) => `${c} ${o}`).join(', ')}`);
  }
  await markPeriodDone(redis, config.prefix, store, period.id, now);
  const count = Object.values(channels).filter((o) => o === 'sent').length;
  if (count) deps.log?.info({ store, period: period.id, channels }, 'summary sent');
  return { kind: 'deliver', period: period.id, channels };
}
