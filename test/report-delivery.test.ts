/**
 * Scheduled delivery of the weekly and monthly summaries, against the real app, queues and
 * workers, a real SMTP server (smtp-server) and a real HTTP receiver for the webhooks, all on
 * 127.0.0.1. The workers' clock is pinned an hour after a week's summary fell due, so nothing
 * waits for a real Monday; the week is two weeks back from today, so its events are recent.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodBounds, periodHolding, shiftPeriod, type Period } from '../domain/periods.js';
import {
  lastDuePeriod,
  nextDeliveryRecord,
  reportDueAt,
  wantsSummary,
  type ReportDeliverySettings,
} from '../domain/report-delivery.js';
import { parseWebhookAllowList } from '../domain/webhook-addresses.js';
import { isPeriodDone, saveReportDelivery, sentChannels } from '../core/books/report-delivery-book.js';
import { storeKeys } from '../core/redis/keys.js';
import { saveWebhook } from '../core/books/webhook-book.js';
import { StoreRegistry } from '../core/books/store-registry.js';
import { requestRecheck } from '../core/jobs/enqueue.js';
import {
  catchUpReports,
  deliverJobId,
  reportSchedulerId,
  scheduleReport,
  scheduleStoreReports,
} from '../core/jobs/report-delivery.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { deliverReport, type ReportDeliveryDeps } from '../workers/report-delivery/deliver.js';
import { createMailer } from '../workers/report-delivery/mail.js';
import { startWorkers, type RunningWorkers } from '../workers/index.js';
import { ev } from './support/events.js';
import { applyDeps, startStack, waitFor, type Stack } from './support/stack.js';

const ZONE = 'Asia/Shanghai';
const H = 3600_000;
const SECRET = 'whsec-0123456789abcdef';
const PUBLIC_URL = 'https://pulse.example.com';

/** The week whose summary the pinned clock finds due: two weeks back, so its due Monday is past. */
const WEEK: Period = shiftPeriod(periodHolding('week', Date.now(), ZONE), 2);
const BEFORE: Period = shiftPeriod(WEEK, 1);
/** An hour after the week's summary fell due (its next Monday, 09:00 Shanghai). */
const CLOCK = reportDueAt(WEEK, ZONE) + H;
const at = (p: Period, dayOffsetMs: number) => new Date(periodBounds(p, ZONE).start + dayOffsetMs).toISOString();
/** Wednesday 10:00 local of a week. */
const midweek = (p: Period) => at(p, 2 * 24 * H + 10 * H);

// ── Receivers ───────────────────────────────────────────────────────────────────────────────────

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}
const webhookCalls: Received[] = [];
const receiver: Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    webhookCalls.push({ path, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    // What WeCom and DingTalk robots answer when they accept a message.
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
  });
});
const callsTo = (path: string) => webhookCalls.filter((c) => c.path === path);

interface Mail {
  to: string[];
  parsed: ParsedMail;
}
const mails: Mail[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      const to = session.envelope.rcptTo.map((r) => r.address);
      simpleParser(Buffer.concat(chunks)).then(
        (parsed) => {
          mails.push({ to, parsed });
          callback();
        },
        (err: Error) => callback(err),
      );
    });
  },
});
/** The mails of one store, told by the attachment's name. */
const mailsOf = (store: string) => mails.filter((m) => m.parsed.attachments.some((a) => a.filename?.startsWith(`${store}-`)));

let stack: Stack;
let receiverBase = '';
const running: RunningWorkers[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hookPort = (receiver.address() as AddressInfo).port;
  receiverBase = `http://127.0.0.1:${hookPort}`;
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  stack = await startStack('rdeliv', {
    workers: false,
    config: {
      webhookAllowHosts: parseWebhookAllowList(`127.0.0.1:${hookPort}`).list,
      notify: { attempts: 3, backoffMs: 100, timeoutMs: 2000 },
      publicUrl: PUBLIC_URL,
      mail: { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: '展厅脉搏 <pulse@example.com>' },
      reportDelivery: { lockMs: 10_000, smtpTimeoutMs: 5000 },
    },
  });
});

afterAll(async () => {
  for (const w of running) await w.close();
  await stack.close();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  await new Promise<void>((r) => smtp.close(() => r()));
});

const storePath = (store: string) => `/api/v1/stores/${store}/report-delivery`;

/** A store with its name and zone, the three webhook formats, and its settings as if turned on before the week fell due. */
async function setUpStore(store: string, settings: Partial<ReportDeliverySettings> = {}) {
  const { redis } = stack.app.deps;
  const prefix = stack.config.prefix;
  expect((await stack.request('PUT', `/api/v1/stores/${store}`, { name: `测试店${store}`, timezone: ZONE })).status).toBe(200);
  for (const format of ['wecom', 'dingtalk', 'json'] as const) {
    await saveWebhook(redis, prefix, store, format, {
      url: `${receiverBase}/${store}/${format}`,
      kinds: ['budget_tripped'],
      minSeverity: 'info',
      format,
      secret: SECRET,
      enabled: true,
    });
  }
  const full: ReportDeliverySettings = {
    weekly: true,
    monthly: false,
    emails: [`ops-${store.toLowerCase()}@example.com`, 'gm@example.com'],
    webhooks: true,
    ...settings,
  };
  await saveReportDelivery(redis, prefix, store, nextDeliveryRecord(null, full, periodBounds(BEFORE, ZONE).start));
}

/** Deps of one sender, with its own mailer and Redis connection, as a worker process has. */
function senderDeps(): ReportDeliveryDeps & { close(): void } {
  const d = applyDeps('rdeliv', { prefix: stack.config.prefix });
  const mailer = createMailer(stack.config);
  return {
    redis: d.redis,
    stores: new StoreRegistry(d.redis, stack.config.prefix),
    config: stack.config,
    mailer,
    now: () => CLOCK,
    close: () => {
      mailer?.close();
      d.close();
    },
  };
}

describe('when a summary falls due', () => {
  const t = (iso: string) => Date.parse(iso);
  it('is Monday 09:00 for the week before and the 1st 09:00 for the month before, in the store’s zone', () => {
    expect(lastDuePeriod('weekly', t('2026-11-30T08:59:59+08:00'), ZONE).id).toBe('2026-W47');
    expect(lastDuePeriod('weekly', t('2026-11-30T09:00:00+08:00'), ZONE).id).toBe('2026-W48');
    expect(lastDuePeriod('weekly', t('2026-12-06T23:59:00+08:00'), ZONE).id).toBe('2026-W48');
    expect(lastDuePeriod('monthly', t('2026-12-01T08:59:59+08:00'), ZONE).id).toBe('2026-10');
    expect(lastDuePeriod('monthly', t('2026-12-01T09:00:00+08:00'), ZONE).id).toBe('2026-11');
    // 01:30 UTC on 30 November: Monday 09:30 in Shanghai, still Sunday 17:30 in Los Angeles.
    expect(lastDuePeriod('weekly', t('2026-11-30T01:30:00Z'), 'America/Los_Angeles').id).toBe('2026-W47');
    // 1 April in Berlin is summer time (UTC+2): 09:00 local is 07:00 UTC.
    expect(reportDueAt({ kind: 'month', id: '2026-03', year: 2026, index: 3 }, 'Europe/Berlin')).toBe(t('2026-04-01T07:00:00Z'));
    // ISO week 1 of 2027 starts on Monday 4 January; the summary of 2026-W53 is due then.
    expect(lastDuePeriod('weekly', t('2027-01-04T09:00:00+08:00'), ZONE).id).toBe('2026-W53');
  });

  it('is sent only for periods that fell due after the cadence was turned on', () => {
    const w48 = { kind: 'week', id: '2026-W48', year: 2026, index: 48 } as const;
    const on = { weekly: true, monthly: false, emails: [], webhooks: true };
    // Turned on on Wednesday 2 December: W48 fell due on Monday 30 November, before.
    const wed = nextDeliveryRecord(null, on, t('2026-12-02T10:00:00+08:00'));
    expect(wantsSummary(wed, 'weekly', w48, ZONE)).toBe(false);
    expect(wantsSummary(wed, 'weekly', { ...w48, id: '2026-W49', index: 49 }, ZONE)).toBe(true);
    // Saved again later with weekly still on: it keeps its start; turned off and on again: a new one.
    const again = nextDeliveryRecord(wed, { ...on, emails: ['a@example.com'] }, t('2026-12-20T10:00:00+08:00'));
    expect(again.since.weekly).toBe(t('2026-12-02T10:00:00+08:00'));
    const off = nextDeliveryRecord(again, { ...on, weekly: false }, t('2026-12-21T10:00:00+08:00'));
    expect(off.since.weekly).toBeUndefined();
    expect(nextDeliveryRecord(off, on, t('2026-12-22T10:00:00+08:00')).since.weekly).toBe(t('2026-12-22T10:00:00+08:00'));
  });
});

describe('settings API', () => {
  it('refuses bad settings with the field of each problem', async () => {
    const bad = await stack.request('PUT', storePath('RDA'), {
      weekly: 'yes',
      monthly: true,
      emails: ['ops@example.com', 'not-an-address'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_report_delivery');
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['emails.1', 'weekly']);
    const many = Array.from({ length: 21 }, (_, i) => `m${i}@example.com`);
    const tooMany = await stack.request('PUT', storePath('RDA'), { weekly: true, monthly: true, emails: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details).toEqual([{ path: 'emails', message: 'must list at most 20 addresses' }]);
    const extra = await stack.request('PUT', storePath('RDA'), { weekly: true, monthly: true, cc: [] });
    expect(extra.status).toBe(400);
    expect(extra.body.details[0].message).toContain('cc');
  });

  it('is for admin keys only', async () => {
    const read = await stack.request('POST', '/api/v1/keys', { name: 'wall', scopes: ['read'] });
    const body = { weekly: true, monthly: true, emails: [], webhooks: false };
    expect((await stack.request('PUT', storePath('RDA'), body, read.body.token)).status).toBe(403);
    expect((await stack.request('GET', storePath('RDA'), undefined, read.body.token)).status).toBe(403);
    expect((await stack.request('GET', storePath('RDA'), undefined, null)).status).toBe(401);
  });

  it('keeps the settings and a scheduler per cadence turned on, in the store’s zone', async () => {
    const { queues } = stack.app.deps;
    expect((await stack.request('PUT', '/api/v1/stores/RDA', { name: 'A店', timezone: 'Europe/Berlin' })).status).toBe(200);
    const empty = await stack.request('GET', storePath('RDA'));
    expect(empty.body).toEqual({ store: 'RDA', weekly: false, monthly: false, emails: [], webhooks: false });
    const body = { weekly: true, monthly: true, emails: ['ops@example.com'], webhooks: true };
    const put = await stack.request('PUT', storePath('RDA'), body);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ store: 'RDA', ...body });
    expect((await stack.request('GET', storePath('RDA'))).body).toEqual({ store: 'RDA', ...body });
    const schedulers = async () =>
      (await queues.reports.getJobSchedulers(0, -1))
        .filter((s) => s.key.endsWith('-RDA'))
        .map((s) => ({ id: s.key, pattern: s.pattern, tz: s.tz }))
        .sort((a, b) => a.id.localeCompare(b.id));
    expect(await schedulers()).toEqual([
      { id: 'report-monthly-RDA', pattern: '0 9 1 * *', tz: 'Europe/Berlin' },
      { id: 'report-weekly-RDA', pattern: '0 9 * * 1', tz: 'Europe/Berlin' },
    ]);
    // Their next runs, read on a Berlin clock: a Monday at 09:00, a 1st at 09:00.
    const next = async (id: string) => {
      const s = (await queues.reports.getJobSchedulers(0, -1)).find((x) => x.key === id);
      return DateTime.fromMillis(s!.next!, { zone: 'Europe/Berlin' });
    };
    expect((await next('report-weekly-RDA')).toFormat('c HH:mm')).toBe('1 09:00');
    expect((await next('report-monthly-RDA')).toFormat('d HH:mm')).toBe('1 09:00');
    // The store moves zone: its schedulers follow. Monthly off: its scheduler goes.
    await stack.request('PUT', '/api/v1/stores/RDA', { name: 'A店', timezone: 'Asia/Shanghai' });
    await stack.request('PUT', storePath('RDA'), { ...body, monthly: false });
    expect(await schedulers()).toEqual([{ id: 'report-weekly-RDA', pattern: '0 9 * * 1', tz: 'Asia/Shanghai' }]);
    // Turned on just now: the week that fell due last Monday is not sent.
    expect(await catchUpReports(stack.app.deps.redis, queues.reports, stack.config.prefix, 'RDA', ZONE, Date.now())).toEqual([]);
  });
});

describe('a week’s summary', () => {
  const STORE = 'RDW';

  beforeAll(async () => {
    await setUpStore(STORE);
    const d = applyDeps('rdeliv', { prefix: stack.config.prefix });
    const e = (type: Parameters<typeof ev>[0], when: string, fields: object) =>
      ev(type, when, { store: STORE, ...fields } as never);
    // The week: 3 orders, 2 deliveries, 1 complaint still open, 1,234.50 yuan spent, 2 repairs of which 1 booked.
    // The week before: 1 order, 1 repair, booked.
    const w = midweek(WEEK);
    const b = midweek(BEFORE);
    await applyEvents(d, [
      ...[1, 2, 3].map((i) => e('order.signed', w, { orderId: `o${i}`, model: 'X', amount: 100_000 })),
      e('order.signed', b, { orderId: 'o0', model: 'X', amount: 100_000 }),
      ...[1, 2].map((i) => e('vehicle.delivered', w, { orderId: `o${i}` })),
      e('complaint.opened', w, { complaintId: 'c1', channel: 'phone', category: 'service', severity: 'low' }),
      e('spend.recorded', w, { spendId: 's1', budgetId: 'nobudget', amount: 1234.5 }),
      e('repair.opened', w, { roId: 'r1', appointmentId: 'a1' }),
      e('repair.opened', w, { roId: 'r2' }),
      e('repair.opened', b, { roId: 'r0', appointmentId: 'a0' }),
    ]);
    d.close();
  });

  it('is sent once on each channel when two senders race, and not again after', async () => {
    const [a, b] = [senderDeps(), senderDeps()];
    try {
      const results = await Promise.allSettled([deliverReport(a, STORE, WEEK.id), deliverReport(b, STORE, WEEK.id)]);
      const channels = ['email', 'webhook:dingtalk', 'webhook:json', 'webhook:wecom'];
      // Per channel one sender sent; the other found it taken (and will retry) or already sent.
      const outcomes = results.map((r) => (r.status === 'fulfilled' && r.value.kind === 'deliver' ? r.value.channels : null));
      await waitFor(async () => mailsOf(STORE).length >= 1, 5000, 'the e-mail');
      expect(mailsOf(STORE)).toHaveLength(1);
      for (const f of ['wecom', 'dingtalk', 'json']) expect(callsTo(`/${STORE}/${f}`)).toHaveLength(1);
      const { sent } = await sentChannels(stack.app.deps.redis, stack.config.prefix, STORE, WEEK.id);
      expect([...sent.keys()].sort()).toEqual(channels);
      for (const o of outcomes.filter((x) => x !== null)) {
        for (const ch of channels) expect(['sent', 'already']).toContain(o[ch]);
      }
      // A retry of the job, or a third sender: everything is already sent.
      const again = await deliverReport(a, STORE, WEEK.id);
      expect(again).toEqual({
        kind: 'deliver',
        period: WEEK.id,
        channels: Object.fromEntries(channels.map((c) => [c, 'already'])),
      });
      await sleep(200);
      expect(mailsOf(STORE)).toHaveLength(1);
      expect(webhookCalls.filter((c) => c.path.startsWith(`/${STORE}/`))).toHaveLength(3);
    } finally {
      a.close();
      b.close();
    }
  });

  it('e-mails the summary with the workbook attached, to every address', async () => {
    const [mail] = mailsOf(STORE);
    expect(mail!.to.sort()).toEqual(['gm@example.com', 'ops-rdw@example.com']);
    expect(mail!.parsed.subject).toBe(`【周报】测试店${STORE} ${WEEK.year}年第${WEEK.index}周`);
    const text = mail!.parsed.text ?? '';
    const link = `${PUBLIC_URL}/reports/${STORE}/${WEEK.id}`;
    expect(text).toContain(link);
    expect(text).toContain('订单：3（环比 +2）');
    expect(text).toContain('交车：2（环比 +2）');
    expect(text).toContain('新增投诉：1（环比 +1）');
    expect(text).toContain('期末未结投诉：1（环比 +1）');
    // 1 booked of 2 repairs against 1 of 1: 50% − 100% = −50 points.
    expect(text).toContain('预约率：50.0%（环比 −50.0个百分点）');
    // Nothing spent the week before: the change is the whole amount.
    expect(text).toContain('费用支出：1,234.5 元（环比 +1,234.5 元）');
    // The 2 deliveries are 2 sales callback subjects, neither reached in 72 h: 0 of 2; none the week
    // before, so nothing to compare. No repair closed: no service callbacks at all.
    expect(text).toContain('销售回访率：0.0%（环比 —）');
    expect(text).toContain('售后回访率：—（环比 —）');
    // The low complaint's 24-hour response deadline passed before the week ended.
    expect(text).toContain('期末超时投诉：1（环比 +1）');
    expect(mail!.parsed.html).toContain(`href="${link}"`);

    const [file] = mail!.parsed.attachments;
    expect(mail!.parsed.attachments).toHaveLength(1);
    expect(file!.filename).toBe(`${STORE}-${WEEK.id}.xlsx`);
    expect(file!.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file!.content as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toContain('销售');
    // The orders row of the sales sheet says 3.
    const sales = book.getWorksheet('销售')!;
    const values: unknown[][] = [];
    sales.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    expect(values.find((r) => r[0] === '订单')?.[1]).toBe(3);
  });

  it('posts markdown with the link to each webhook, in its format', async () => {
    const link = `${PUBLIC_URL}/reports/${STORE}/${WEEK.id}`;
    const title = `【周报】测试店${STORE} ${WEEK.year}年第${WEEK.index}周`;
    const [wecom] = callsTo(`/${STORE}/wecom`);
    expect(wecom!.body.msgtype).toBe('markdown');
    expect(wecom!.body.markdown.content).toContain(`[查看完整报表](${link})`);
    expect(wecom!.body.markdown.content).toContain('> 订单：**3**（环比 +2）');
    expect(wecom!.body.markdown.content.split('\n')[0]).toBe(`#### ${title}`);
    const [ding] = callsTo(`/${STORE}/dingtalk`);
    expect(ding!.body.msgtype).toBe('markdown');
    expect(ding!.body.markdown.title).toBe(`展厅脉搏${title}`);
    expect(ding!.body.markdown.text).toContain(`[查看完整报表](${link})`);
    expect(ding!.body.markdown.text).toContain('\n\n> 交车：**2**（环比 +2）');
    const [json] = callsTo(`/${STORE}/json`);
    expect(json!.body).toMatchObject({ kind: 'report', store: STORE, period: WEEK.id, title, url: link });
    expect(json!.body.markdown).toBe(wecom!.body.markdown.content);
    // Signed like every delivery of the webhook.
    expect(json!.headers['x-pulse-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });
});

describe('a sender that dies mid-send', () => {
  it('leaves the channel to the next try once its lock lapses: late, never lost', async () => {
    const STORE = 'RDX';
    await setUpStore(STORE, { webhooks: false });
    const { redis } = stack.app.deps;
    // A sender took the e-mail and died before recording it: its lock is left, no sent marker.
    await redis.set(storeKeys(stack.config.prefix, STORE).reportDelivery.lock(WEEK.id, 'email'), 'dead-sender', 'PX', 400);
    const d = senderDeps();
    try {
      await expect(deliverReport(d, STORE, WEEK.id)).rejects.toThrow(`${STORE} ${WEEK.id}: email busy`);
      expect(mailsOf(STORE)).toHaveLength(0);
      expect(await isPeriodDone(redis, stack.config.prefix, STORE, WEEK.id)).toBe(false);
      await sleep(500);
      expect(await deliverReport(d, STORE, WEEK.id)).toEqual({ kind: 'deliver', period: WEEK.id, channels: { email: 'sent' } });
      await waitFor(async () => mailsOf(STORE).length >= 1, 5000, 'the e-mail');
      expect(await isPeriodDone(redis, stack.config.prefix, STORE, WEEK.id)).toBe(true);
    } finally {
      d.close();
    }
  });

  it('skips e-mail when no SMTP server is configured, and still posts to the webhooks', async () => {
    const STORE = 'RDN';
    await setUpStore(STORE);
    const d = senderDeps();
    try {
      const result = await deliverReport({ ...d, mailer: null }, STORE, WEEK.id);
      expect(result).toEqual({
        kind: 'deliver',
        period: WEEK.id,
        channels: { email: 'skipped', 'webhook:dingtalk': 'sent', 'webhook:json': 'sent', 'webhook:wecom': 'sent' },
      });
      expect(mailsOf(STORE)).toHaveLength(0);
      expect(webhookCalls.filter((c) => c.path.startsWith(`/${STORE}/`))).toHaveLength(3);
    } finally {
      d.close();
    }
  });
});

describe('with workers', () => {
  it('delivers a summary that fell due while no worker ran, once, when workers start', async () => {
    const STORE = 'RDD';
    await setUpStore(STORE, { webhooks: false });
    // The real schedule exists, but no worker ran at 09:00.
    await scheduleStoreReports(stack.app.deps.queues.reports, STORE, {
      settings: { weekly: true, monthly: false, emails: ['ops@example.com'], webhooks: false },
      since: {},
    });
    expect(mailsOf(STORE)).toHaveLength(0);
    running.push(await startWorkers(stack.config, stack.redisUrl, stack.app.deps.queues, { workerName: 'A', now: () => CLOCK }));
    await waitFor(async () => mailsOf(STORE).length >= 1, 10_000, 'the missed summary');
    // A second worker starting, and the store's minute recheck, find it sent.
    running.push(await startWorkers(stack.config, stack.redisUrl, stack.app.deps.queues, { workerName: 'B', now: () => CLOCK }));
    await requestRecheck(stack.app.deps.queues.maintenance, STORE);
    await sleep(1500);
    expect(mailsOf(STORE)).toHaveLength(1);
    expect(mailsOf(STORE)[0]!.parsed.subject).toBe(`【周报】测试店${STORE} ${WEEK.year}年第${WEEK.index}周`);
    const job = await stack.app.deps.queues.reports.getJob(deliverJobId(STORE, WEEK.id));
    expect(await job?.getState()).toBe('completed');
    expect(job?.returnvalue).toEqual({ kind: 'deliver', period: WEEK.id, channels: { email: 'sent' } });
  });

  it('sends once when the scheduler fires again and again on two workers', async () => {
    const STORE = 'RDS';
    await setUpStore(STORE, { emails: ['sched@example.com'] });
    const { queues } = stack.app.deps;
    // Every second instead of Mondays: the scheduler's jobs come due while both workers run.
    await scheduleReport(queues.reports, STORE, 'weekly', ZONE, { pattern: '* * * * * *' });
    await waitFor(async () => mailsOf(STORE).length >= 1 && callsTo(`/${STORE}/wecom`).length >= 1, 10_000, 'the summary');
    // Let it fire a few more times.
    await waitFor(
      async () => {
        const due = (await queues.reports.getJobs(['completed'], 0, -1)).filter(
          (j) => j.data.kind === 'due' && j.data.store === STORE,
        );
        return due.length >= 3 && due;
      },
      10_000,
      'three scheduled runs',
    );
    await sleep(500);
    await queues.reports.removeJobScheduler(reportSchedulerId(STORE, 'weekly'));
    expect(mailsOf(STORE)).toHaveLength(1);
    for (const f of ['wecom', 'dingtalk', 'json']) expect(callsTo(`/${STORE}/${f}`)).toHaveLength(1);
    const due = (await queues.reports.getJobs(['completed'], 0, -1)).filter(
      (j) => j.data.kind === 'due' && j.data.store === STORE,
    );
    // At most the first queued the week (a minute recheck may have been quicker); the rest found it queued or sent.
    expect(due.flatMap((j) => (j.returnvalue as { queued: string[] }).queued).length).toBeLessThanOrEqual(1);
    expect(await (await queues.reports.getJob(deliverJobId(STORE, WEEK.id)))?.getState()).toBe('completed');
  });
});
