/**
 * Outbound webhooks against the real app, queue and workers, delivering to a real HTTP receiver
 * on 127.0.0.1. Signatures are recomputed here with node:crypto from the documented recipes.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../domain/alerts.js';
import { parseWebhookAllowList } from '../domain/webhook-addresses.js';
import type { WebhookDelivery } from '../domain/webhooks.js';
import { saveWebhook } from '../core/books/webhook-book.js';
import { dingtalkSignedUrl } from '../workers/notify/sign.js';
import { enqueueNotifications } from '../core/jobs/notifications.js';
import { ev } from './support/events.js';
import { startStack, waitFor, type Stack } from './support/stack.js';
import { zoneAtNoon } from './support/zone-at-noon.js';

interface Received {
  path: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Records every request; can be told to answer the next N requests of a path with an error, or not at all. */
class Receiver {
  readonly received: Received[] = [];
  private readonly plans = new Map<string, { left: number; status: number | 'stall'; body: string }>();
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.received.push({ path, url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (path === '/redirect' && this.redirectTo) {
        res.writeHead(302, { location: this.redirectTo }).end();
        return;
      }
      const plan = this.plans.get(path);
      if (plan && plan.left > 0) {
        plan.left--;
        if (plan.status === 'stall') return; // never answers: the sender's timeout must fire
        res.writeHead(plan.status, { 'content-type': 'application/json' }).end(plan.body);
        return;
      }
      // What WeCom and DingTalk robots answer when they accept a message.
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  base = '';
  port = 0;
  private redirectTo: string | null = null;

  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
    this.base = `http://127.0.0.1:${this.port}`;
  }
  /** Answers every request of `/redirect` with a 302 to this address. */
  redirect(to: string) {
    this.redirectTo = to;
  }
  fail(path: string, times: number, status: number | 'stall' = 500, body = '{"error":"boom"}') {
    this.plans.set(path, { left: times, status, body });
  }
  at(path: string) {
    return this.received.filter((r) => r.path === path);
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const SECRET = 'whsec-0123456789abcdef';
const POLICY = { attempts: 4, backoffMs: 100, timeoutMs: 500 };
let stack: Stack;
const receiver = new Receiver();
/** A server on this machine that the allow-list does not name: nothing may ever reach it. */
const inside = new Receiver();

beforeAll(async () => {
  await receiver.start();
  await inside.start();
  // The receiver is on loopback: the allow-list names it, on its port only.
  const webhookAllowHosts = parseWebhookAllowList(`127.0.0.1:${receiver.port}`).list;
  stack = await startStack('webhooks', { config: { notify: POLICY, webhookAllowHosts } });
});
afterAll(async () => {
  await stack.close();
  await receiver.stop();
  await inside.stop();
});

const hookPath = (store: string, id: string) => `/api/v1/stores/${store}/webhooks/${id}`;
const putHook = (store: string, id: string, settings: Record<string, unknown>) =>
  stack.request('PUT', hookPath(store, id), { secret: SECRET, kinds: ['budget_tripped'], ...settings });
const deliveries = async (store: string, id: string): Promise<WebhookDelivery[]> =>
  (await stack.request('GET', `${hookPath(store, id)}/deliveries`)).body.deliveries;
const enqueue = (alert: AlertRecord) =>
  enqueueNotifications(stack.app.deps.redis, stack.app.deps.queues.notify, stack.config.prefix, alert, stack.config.notify);
const alert = (store: string, fields: Partial<AlertRecord> = {}): AlertRecord => ({
  id: `${store}.${randomUUID()}`,
  store,
  kind: 'budget_tripped',
  severity: 'critical',
  message: '预算「线上投放」已用 105%，已跳闸',
  at: new Date().toISOString(),
  state: 'open',
  history: [],
  ...fields,
});
const hmacHex = (secret: string, s: string) => createHmac('sha256', secret).update(s).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until the log holds `n` attempts, newest first. */
const logOf = (store: string, id: string, n: number) =>
  waitFor(
    async () => {
      const d = await deliveries(store, id);
      return d.length >= n && d;
    },
    8000,
    `${n} deliveries of ${id}`,
  );

describe('webhook settings API', () => {
  it('rejects bad settings with the field of each problem', async () => {
    const res = await stack.request('PUT', hookPath('WV1', 'h1'), {
      url: 'ftp://example.com/hook',
      kinds: ['budget_warn', 'no_such_kind'],
      secret: 'short',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_webhook');
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['kinds.1', 'secret', 'url']);
    const badId = await putHook('WV1', 'bad.id', { url: `${receiver.base}/x` });
    expect(badId.status).toBe(400);
    expect(badId.body.details[0].path).toBe('webhookId');
  });

  it('is for admin keys only: 401 without a key, 403 for a read key', async () => {
    const read = await stack.request('POST', '/api/v1/keys', { name: 'wall', scopes: ['read'] });
    expect(read.status).toBe(201);
    const body = { url: `${receiver.base}/x`, kinds: ['budget_warn'], secret: SECRET };
    expect((await stack.request('PUT', hookPath('WV2', 'h1'), body, read.body.token)).status).toBe(403);
    expect((await stack.request('GET', '/api/v1/stores/WV2/webhooks', undefined, read.body.token)).status).toBe(403);
    expect((await stack.request('PUT', hookPath('WV2', 'h1'), body, null)).status).toBe(401);
  });

  it('never shows the secret; lists, deletes, and 404s what is gone', async () => {
    const put = await putHook('WV3', 'ops', { url: `${receiver.base}/wv3`, kinds: ['complaint_overdue', 'budget_warn'] });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      webhookId: 'ops',
      store: 'WV3',
      url: `${receiver.base}/wv3`,
      kinds: ['complaint_overdue', 'budget_warn'],
      minSeverity: 'info',
      format: 'json',
      enabled: true,
      secretSet: true,
    });
    await putHook('WV3', 'boss', { url: `${receiver.base}/wv3b`, minSeverity: 'critical', format: 'wecom' });
    const list = await stack.request('GET', '/api/v1/stores/WV3/webhooks');
    expect(list.status).toBe(200);
    expect(list.body.webhooks.map((w: { webhookId: string }) => w.webhookId)).toEqual(['boss', 'ops']);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    expect(list.body.webhooks.every((w: object) => !('secret' in w))).toBe(true);

    expect((await stack.request('DELETE', hookPath('WV3', 'ops'))).status).toBe(204);
    expect((await stack.request('DELETE', hookPath('WV3', 'ops'))).status).toBe(404);
    expect((await stack.request('GET', `${hookPath('WV3', 'ops')}/deliveries`)).status).toBe(404);
    const after = await stack.request('GET', '/api/v1/stores/WV3/webhooks');
    expect(after.body.webhooks.map((w: { webhookId: string }) => w.webhookId)).toEqual(['boss']);
  });
});

describe('delivery', () => {
  it('signs the json format so that it verifies with the secret and not with another', async () => {
    await putHook('WJ1', 'json', { url: `${receiver.base}/wj1` });
    const a = alert('WJ1');
    expect(await enqueue(a)).toBe(1);
    const [req] = await waitFor(async () => receiver.at('/wj1').length > 0 && receiver.at('/wj1'), 5000, 'the request');
    const ts = Number(req!.headers['x-pulse-timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(60);
    const signature = req!.headers['x-pulse-signature'];
    expect(signature).toBe(`sha256=${hmacHex(SECRET, `${ts}.${req!.body}`)}`);
    expect(signature).not.toBe(`sha256=${hmacHex('another-secret-0123456789', `${ts}.${req!.body}`)}`);
    // The signature covers the timestamp: the same body with another timestamp does not verify.
    expect(signature).not.toBe(`sha256=${hmacHex(SECRET, `${ts + 1}.${req!.body}`)}`);
    expect(req!.headers['content-type']).toContain('application/json');
    const body = JSON.parse(req!.body);
    expect(body.alert).toEqual(a);
    expect(body.store).toBe('WJ1');
    expect(Math.abs(Date.parse(body.sentAt) - Date.now())).toBeLessThan(60_000);

    const log = await logOf('WJ1', 'json', 1);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ webhookId: 'json', alertId: a.id, attempt: 1, outcome: 'delivered', httpStatus: 200 });
    expect(req!.headers['x-pulse-delivery']).toBe(log[0]!.deliveryId);
  });

  it('retries after failures: two 500s, then delivered on the third attempt, all logged', async () => {
    await putHook('WR1', 'flaky', { url: `${receiver.base}/wr1` });
    receiver.fail('/wr1', 2, 500);
    const a = alert('WR1');
    await enqueue(a);
    const log = await waitFor(async () => {
      const d = await deliveries('WR1', 'flaky');
      return d[0]?.outcome === 'delivered' && d;
    }, 8000);
    expect(log.map((d) => [d.attempt, d.outcome, d.httpStatus])).toEqual([
      [3, 'delivered', 200],
      [2, 'retrying', 500],
      [1, 'retrying', 500],
    ]);
    expect(log[1]!.error).toContain('HTTP 500');
    const reqs = receiver.at('/wr1');
    expect(reqs).toHaveLength(3);
    // One delivery id across the retries, so a receiver can drop a repeat it already handled.
    expect(new Set(reqs.map((r) => r.headers['x-pulse-delivery']))).toEqual(new Set([log[0]!.deliveryId]));
  });

  it('retries a request that times out', async () => {
    await putHook('WT1', 'slow', { url: `${receiver.base}/wt1` });
    receiver.fail('/wt1', 1, 'stall');
    await enqueue(alert('WT1'));
    const log = await waitFor(async () => {
      const d = await deliveries('WT1', 'slow');
      return d[0]?.outcome === 'delivered' && d;
    }, 8000);
    expect(log.map((d) => d.outcome)).toEqual(['delivered', 'retrying']);
    expect(log[1]!.error).toBe(`no answer within ${POLICY.timeoutMs} ms`);
    expect(log[1]!.httpStatus).toBeUndefined();
  });

  it('gives up after its attempts when the endpoint always fails', async () => {
    await putHook('WF1', 'down', { url: `${receiver.base}/wf1` });
    receiver.fail('/wf1', 1000, 503);
    await enqueue(alert('WF1'));
    const log = await logOf('WF1', 'down', POLICY.attempts);
    expect(log.map((d) => [d.attempt, d.outcome])).toEqual([
      [4, 'failed'],
      [3, 'retrying'],
      [2, 'retrying'],
      [1, 'retrying'],
    ]);
    const job = await stack.app.deps.queues.notify.getJob(log[0]!.deliveryId);
    await waitFor(async () => (await job!.getState()) === 'failed', 3000, 'the job to fail');
    await sleep(4 * POLICY.backoffMs);
    expect(receiver.at('/wf1')).toHaveLength(POLICY.attempts);
  });

  it('gives up at once on a 4xx that repeating cannot fix, but retries a 429', async () => {
    await putHook('WP1', 'gone', { url: `${receiver.base}/wp1` });
    receiver.fail('/wp1', 1000, 404);
    await enqueue(alert('WP1'));
    const log = await logOf('WP1', 'gone', 1);
    expect(log.map((d) => [d.attempt, d.outcome, d.httpStatus])).toEqual([[1, 'failed', 404]]);
    await sleep(4 * POLICY.backoffMs);
    expect(receiver.at('/wp1')).toHaveLength(1);

    await putHook('WP2', 'busy', { url: `${receiver.base}/wp2` });
    receiver.fail('/wp2', 1, 429);
    await enqueue(alert('WP2'));
    const busy = await logOf('WP2', 'busy', 2);
    expect(busy.map((d) => d.outcome)).toEqual(['delivered', 'retrying']);
  });

  it('sends only the kinds a webhook takes, at or above its severity, and each alert once', async () => {
    await putHook('WK1', 'tripped', { url: `${receiver.base}/wk1`, kinds: ['budget_tripped'], minSeverity: 'warning' });
    await putHook('WK1', 'off', { url: `${receiver.base}/wk1-off`, kinds: ['budget_tripped', 'budget_warn'], enabled: false });
    expect(await enqueue(alert('WK1', { kind: 'budget_warn', severity: 'critical' }))).toBe(0);
    expect(await enqueue(alert('WK1', { kind: 'budget_tripped', severity: 'info' }))).toBe(0);
    const a = alert('WK1', { kind: 'budget_tripped', severity: 'warning' });
    expect(await enqueue(a)).toBe(1);
    expect(await enqueue(a)).toBe(0);
    await logOf('WK1', 'tripped', 1);
    expect(await enqueue(a)).toBe(0); // delivered already: still not sent again
    await sleep(4 * POLICY.backoffMs);
    expect(receiver.at('/wk1').map((r) => JSON.parse(r.body).alert.id)).toEqual([a.id]);
    expect(await deliveries('WK1', 'tripped')).toHaveLength(1);
    expect(receiver.at('/wk1-off')).toHaveLength(0);
  });

  it('signs DingTalk robots in the URL and sends a text message', async () => {
    const secret = 'SEC4f1c0e5b9a7d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7';
    await stack.request('PUT', '/api/v1/stores/WD1', { name: '宁波东店', timezone: 'Asia/Shanghai' });
    await putHook('WD1', 'ding', { url: `${receiver.base}/robot/send?access_token=tok123`, format: 'dingtalk', secret });
    // A robot answers 200 with an errcode when it refuses a message: that is retried too.
    receiver.fail('/robot/send', 1, 200, '{"errcode":310000,"errmsg":"sign not match"}');
    const a = alert('WD1', { severity: 'critical', at: '2026-11-23T06:05:00Z', message: '投诉 C-1 超时未响应，客户 王*明' });
    await enqueue(a);
    const log = await logOf('WD1', 'ding', 2);
    expect(log.map((d) => d.outcome)).toEqual(['delivered', 'retrying']);
    expect(log[1]!.error).toContain('310000');

    const req = receiver.at('/robot/send').at(-1)!;
    const url = new URL(req.url, receiver.base);
    expect(url.searchParams.get('access_token')).toBe('tok123');
    const ts = Number(url.searchParams.get('timestamp'));
    expect(Math.abs(ts - Date.now())).toBeLessThan(60_000); // milliseconds, within DingTalk's hour
    const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    expect(url.searchParams.get('sign')).toBe(expected);
    // URL-encoded, so a '+' of the base64 does not arrive as a space.
    expect(req.url).toContain(`&sign=${encodeURIComponent(expected)}`);
    expect(createHmac('sha256', 'SECanother').update(`${ts}\nSECanother`).digest('base64')).not.toBe(expected);

    const body = JSON.parse(req.body);
    expect(Object.keys(body).sort()).toEqual(['msgtype', 'text']);
    expect(body.msgtype).toBe('text');
    const content: string = body.text.content;
    expect(content).toContain('严重');
    expect(content).toContain('宁波东店（WD1）');
    expect(content).toContain('投诉 C-1 超时未响应，客户 王*明');
    expect(content).toContain('2026-11-23 14:05:00'); // 06:05 UTC in Shanghai
  });

  it('sends WeCom robots a markdown message, with the X-Pulse signature too', async () => {
    await putHook('WW1', 'wecom', {
      url: `${receiver.base}/cgi-bin/webhook/send?key=k-1`,
      format: 'wecom',
      minSeverity: 'warning',
    });
    const a = alert('WW1', { severity: 'warning', message: '回访超时：客户 王*明（138****5678）' });
    await enqueue(a);
    const [req] = await waitFor(
      async () => receiver.at('/cgi-bin/webhook/send').length > 0 && receiver.at('/cgi-bin/webhook/send'),
    );
    expect(req!.url).toBe('/cgi-bin/webhook/send?key=k-1');
    const body = JSON.parse(req!.body);
    expect(body).toEqual({ msgtype: 'markdown', markdown: { content: expect.any(String) } });
    const content: string = body.markdown.content;
    expect(content).toContain('警告');
    expect(content).toContain('WW1');
    // The masking stars are not markdown emphasis: they arrive as full-width stars.
    expect(content).toContain('回访超时：客户 王＊明（138＊＊＊＊5678）');
    expect(content).not.toContain('王*明');
    const ts = Number(req!.headers['x-pulse-timestamp']);
    expect(req!.headers['x-pulse-signature']).toBe(`sha256=${hmacHex(SECRET, `${ts}.${req!.body}`)}`);
  });

  it('receives the alerts the workers raise from events', async () => {
    // The budget's month is the store's: a zone where it is about noon now, so a spend a minute
    // ago falls in that month at any hour of the month.
    const { zone, month } = zoneAtNoon();
    await stack.request('PUT', '/api/v1/stores/WE1', { name: '车展店', timezone: zone });
    await putHook('WE1', 'trips', { url: `${receiver.base}/we1`, kinds: ['budget_tripped'] });
    await stack.request('PUT', '/api/v1/budgets/WE-B1', { store: 'WE1', name: '车展活动', month, amount: 1000, warnAt: 0.8 });
    const at = new Date(Date.now() - 60_000).toISOString();
    const spend = (id: string, amount: number) =>
      stack.request('POST', '/api/v1/events', ev('spend.recorded', at, { store: 'WE1', spendId: id, budgetId: 'WE-B1', amount }));
    expect((await spend('SP1', 900)).status).toBe(202); // 90 %: a warning, which this webhook does not take
    expect((await spend('SP2', 200)).status).toBe(202); // 110 %: tripped
    const [req] = await waitFor(async () => receiver.at('/we1').length > 0 && receiver.at('/we1'), 8000, 'the trip');
    const sent = JSON.parse(req!.body).alert as AlertRecord;
    expect(sent).toMatchObject({ store: 'WE1', kind: 'budget_tripped', severity: 'critical' });
    await sleep(4 * POLICY.backoffMs);
    expect(receiver.at('/we1')).toHaveLength(1);
  });

  it('sends a test notification on request', async () => {
    await putHook('WS1', 'try', { url: `${receiver.base}/ws1`, kinds: ['complaint_overdue', 'budget_warn'] });
    const res = await stack.request('POST', `${hookPath('WS1', 'try')}/test`);
    expect(res.status).toBe(202);
    const [req] = await waitFor(async () => receiver.at('/ws1').length > 0 && receiver.at('/ws1'));
    const sent = JSON.parse(req!.body).alert as AlertRecord;
    expect(sent).toMatchObject({ id: res.body.alertId, store: 'WS1', kind: 'complaint_overdue', message: '测试通知 / test' });
    expect((await logOf('WS1', 'try', 1))[0]).toMatchObject({ alertId: res.body.alertId, outcome: 'delivered' });
    expect((await stack.request('POST', `${hookPath('WS1', 'nope')}/test`)).status).toBe(404);
    await putHook('WS1', 'try', { url: `${receiver.base}/ws1`, enabled: false });
    expect((await stack.request('POST', `${hookPath('WS1', 'try')}/test`)).status).toBe(409);
  });
});

describe('addresses inside the network', () => {
  const hook = (url: string) => ({ url, kinds: ['budget_tripped'], secret: SECRET, enabled: false });

  it('refuses a loopback, private or link-local address, however written, with 400 naming url', async () => {
    for (const url of [
      'http://127.0.0.1:6392/',
      `http://127.0.0.1:${inside.port}/`,
      'http://[::1]:6392/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1:6392/',
      'http://[::ffff:127.0.0.1]:6392/',
      'http://localhost:6392/',
    ]) {
      const res = await stack.request('PUT', hookPath('WN1', 'inside'), hook(url));
      expect(res.status, url).toBe(400);
      expect(res.body.error).toBe('invalid_webhook');
      expect(res.body.details).toHaveLength(1);
      expect(res.body.details[0].path).toBe('url');
      expect(res.body.details[0].message).toMatch(/^points at .* address .*PULSE_WEBHOOK_ALLOW_HOSTS/);
    }
    expect((await stack.request('PUT', hookPath('WN1', 'inside'), hook('http://2130706433:6392/'))).body.details[0].message).toBe(
      'points at 127.0.0.1, a loopback address (127.0.0.0/8): webhooks may not reach the internal network unless PULSE_WEBHOOK_ALLOW_HOSTS lists the address',
    );
    // Nothing was kept.
    expect((await stack.request('GET', '/api/v1/stores/WN1/webhooks')).body).toEqual({ webhooks: [] });
  });

  it('accepts what the allow-list names, and only that', async () => {
    expect((await stack.request('PUT', hookPath('WN2', 'receiver'), hook(`${receiver.base}/wn2`))).status).toBe(200);
    const other = await startStack('webhooks-allow', {
      workers: false,
      config: { webhookAllowHosts: parseWebhookAllowList('10.0.0.0/8,[::1]:6392,169.254.169.254').list },
    });
    try {
      // Only checked and kept: no worker runs, so nothing is ever sent to these.
      for (const url of ['http://10.0.0.1/', 'http://[::1]:6392/', 'http://169.254.169.254/']) {
        expect((await other.request('PUT', hookPath('WN2', 'x'), hook(url))).status, url).toBe(200);
      }
      for (const url of ['http://[::1]:6393/', 'http://192.168.0.1/', 'http://127.0.0.1:6392/']) {
        expect((await other.request('PUT', hookPath('WN2', 'x'), hook(url))).status, url).toBe(400);
      }
    } finally {
      await other.close();
    }
  });

  it('refuses at send time a host name that resolves to loopback, logging why, and never retries it', async () => {
    // Saved directly, as a webhook set up before this check existed (or while the name still
    // pointed elsewhere) would be: `localhost` resolves to 127.0.0.1 when the delivery is made.
    await saveWebhook(stack.app.deps.redis, stack.config.prefix, 'WN3', 'named', {
      url: `http://localhost:${inside.port}/wn3`,
      kinds: ['budget_tripped'],
      minSeverity: 'info',
      format: 'json',
      secret: SECRET,
      enabled: true,
    });
    await enqueue(alert('WN3'));
    const log = await logOf('WN3', 'named', 1);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ attempt: 1, outcome: 'failed' });
    expect(log[0]!.httpStatus).toBeUndefined();
    expect(log[0]!.error).toMatch(
      new RegExp(
        `^refused: localhost resolves to (127\\.0\\.0\\.1|::1), a loopback address \\((127\\.0\\.0\\.0/8|::1/128)\\); webhooks may not reach the internal network unless PULSE_WEBHOOK_ALLOW_HOSTS lists the address$`,
      ),
    );
    await sleep(4 * POLICY.backoffMs);
    expect(await deliveries('WN3', 'named')).toHaveLength(1);
    expect(inside.at('/wn3')).toHaveLength(0);
  });

  it('refuses at send time an address kept from before, and never follows a redirect inside', async () => {
    await saveWebhook(stack.app.deps.redis, stack.config.prefix, 'WN4', 'old', {
      url: `http://127.0.0.1:${inside.port}/wn4`,
      kinds: ['budget_tripped'],
      minSeverity: 'info',
      format: 'json',
      secret: SECRET,
      enabled: true,
    });
    await enqueue(alert('WN4'));
    const [old] = await logOf('WN4', 'old', 1);
    expect(old).toMatchObject({ attempt: 1, outcome: 'failed' });
    expect(old!.error).toBe(
      `refused: 127.0.0.1 is a loopback address (127.0.0.0/8); webhooks may not reach the internal network unless PULSE_WEBHOOK_ALLOW_HOSTS lists the address`,
    );

    // An allowed endpoint answering with a redirect into the network: not followed, not retried.
    receiver.redirect(`http://127.0.0.1:${inside.port}/wn4-redirected`);
    await putHook('WN4', 'redirect', { url: `${receiver.base}/redirect` });
    await enqueue(alert('WN4'));
    const [redirected] = await logOf('WN4', 'redirect', 1);
    expect(redirected).toMatchObject({ attempt: 1, outcome: 'failed', httpStatus: 302 });
    expect(redirected!.error).toBe("HTTP 302: redirects are not followed; set the webhook's final URL");
    await sleep(4 * POLICY.backoffMs);
    expect(receiver.at('/redirect')).toHaveLength(1);
    expect(inside.received).toHaveLength(0);
  });
});

describe('DingTalk URL', () => {
  it('appends timestamp and sign to the query the robot URL already has', () => {
    const sign = encodeURIComponent(createHmac('sha256', 'SECx').update('1700000000000\nSECx').digest('base64'));
    expect(dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=a%2Bb', 'SECx', 1700000000000)).toBe(
      `https://oapi.dingtalk.com/robot/send?access_token=a%2Bb&timestamp=1700000000000&sign=${sign}`,
    );
    expect(dingtalkSignedUrl('https://relay.example/ding', 'SECx', 1700000000000)).toBe(
      `https://relay.example/ding?timestamp=1700000000000&sign=${sign}`,
    );
  });
});
