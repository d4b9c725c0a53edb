/**
 * Free text is personal data (PIPL): a complaint's summary, a media title, a breaker override's
 * reason and an acknowledgement's note, posted through the real API and applied by the real
 * workers, reach a key without `pii`, the walls' sockets and the webhooks with phone numbers, ID
 * numbers, plates, e-mail addresses and the customer's own name masked; a `pii` key reads them raw.
 */
import { createServer, type Server } from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../domain/alerts.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../domain/protocol.js';
import { parseWebhookAllowList } from '../domain/webhook-addresses.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './support/stack.js';

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

const H = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
/** This month in Shanghai, the store's time zone. */
const month = new Date(Date.now() + 8 * H).toISOString().slice(0, 7);

const CUSTOMER = { id: 'C-ZSF', name: '张三丰', phone: '13912345678' };
const SUMMARY = '客户张三丰电话13912345678投诉';
const SUMMARY_MASKED = '客户张*丰电话139****5678投诉';
const SUMMARY2 = '张三丰又来电：邮箱zhangsf@example.com，身份证330102199001011234，车牌浙A·D12345，座机0571-88881234';
const SUMMARY2_MASKED = '张*丰又来电：邮箱z***@example.com，身份证3301**********1234，车牌浙A·****45，座机0571-****1234';
const TITLE = '车主13800001111曝光：4S店拖延维修（浙A12345）';
const TITLE_MASKED = '车主138****1111曝光：4S店拖延维修（浙A***45）';
const REASON = '供应商王经理13712345678要求追加，发票寄wang@vendor.cn';
const REASON_MASKED = '供应商王经理137****5678要求追加，发票寄w***@vendor.cn';
const NOTE = '已回电13800001111，车主身份证330102199001011234';
const NOTE_MASKED = '已回电138****1111，车主身份证3301**********1234';
/** Raw values none of the masked answers may hold. */
const RAW = [
  '13912345678',
  '13800001111',
  '13712345678',
  '330102199001011234',
  'zhangsf@',
  'wang@',
  '浙A12345',
  'D12345',
  '88881234',
  '张三丰',
];

let stack: Stack;
let readKey: string;
let piiKey: string;
let ackKey: string;
const sockets: { name: string; socket: LiveClient; pushed: { event: string; alert: AlertRecord }[] }[] = [];
/** The webhook receiver, on loopback (allowed for this test). */
const received: { path: string; body: string }[] = [];
const receiver: Server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
  });
});

const expectNoRaw = (what: string, text: string) => {
  for (const raw of RAW) expect(text, `${what} holds ${raw}`).not.toContain(raw);
};

beforeAll(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const a = receiver.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  stack = await startStack('pii', {
    config: {
      webhookAllowHosts: parseWebhookAllowList(`127.0.0.1:${port}`).list,
      notify: { attempts: 3, backoffMs: 100, timeoutMs: 2000 },
    },
  });
  const key = async (name: string, scopes: string[]) =>
    (await stack.request('POST', '/api/v1/keys', { name, scopes })).body.token as string;
  readKey = await key('大屏', ['read']);
  piiKey = await key('客服中心', ['read', 'pii']);
  ackKey = await key('前台', ['read', 'ack']);
  await stack.request('PUT', '/api/v1/stores/PD1', { name: '个人信息店', timezone: 'Asia/Shanghai' });
  for (const format of ['json', 'wecom'] as const) {
    const put = await stack.request('PUT', `/api/v1/stores/PD1/webhooks/${format}`, {
      url: `http://127.0.0.1:${port}/${format}`,
      kinds: ['media_negative', 'budget_override'],
      format,
      secret: 'whsec-0123456789abcdef',
    });
    expect(put.status).toBe(200);
  }
  // A wall (read key) and a staff browser (admin: every scope, pii too) on the store's room.
  for (const [name, token] of [
    ['read', readKey],
    ['pii', ADMIN_TOKEN],
  ] as const) {
    const socket: LiveClient = connect(`${stack.baseUrl}/live`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    const entry = { name, socket, pushed: [] as { event: string; alert: AlertRecord }[] };
    socket.on('alert', (alert) => entry.pushed.push({ event: 'alert', alert }));
    socket.on('alertUpdated', (alert) => entry.pushed.push({ event: 'alertUpdated', alert }));
    const ack = await socket.emitWithAck('subscribe', { store: 'PD1' });
    if (!('data' in ack)) throw new Error(ack.error);
    sockets.push(entry);
  }
  const res = await stack.request('POST', '/api/v1/events', {
    events: [
      ev('complaint.opened', ago(6 * H), {
        store: 'PD1',
        complaintId: 'CP-A',
        channel: 'phone',
        category: 'service',
        severity: 'high',
        summary: SUMMARY,
        customer: CUSTOMER,
      }),
      ev('complaint.opened', ago(1 * H), {
        store: 'PD1',
        complaintId: 'CP-B',
        channel: 'wechat',
        category: 'sales',
        severity: 'medium',
        summary: SUMMARY2,
        customer: CUSTOMER,
      }),
      ev('media.mention', ago(10 * 60_000), {
        store: 'PD1',
        mentionId: 'M-1',
        sentiment: 'negative',
        outlet: '抖音',
        title: TITLE,
      }),
    ],
  });
  expect(res.status).toBe(202);
  await waitFor(async () => (await stack.request('GET', '/api/v1/stores/PD1/kpis')).body?.seq >= 3, 10_000, 'events applied');
}, 30_000);
afterAll(async () => {
  for (const s of sockets) s.socket.disconnect();
  await stack.close();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

const get = (path: string, token: string) => stack.request('GET', path, undefined, token);

describe('complaint summaries in the work lists', () => {
  it('a read key gets the summaries masked, the customer too', async () => {
    const open = await get('/api/v1/stores/PD1/lists/openComplaints', readKey);
    expect(open.status).toBe(200);
    expect(open.body.masked).toBe(true);
    expect(open.body.items.map((i: { complaintId: string; summary: string }) => [i.complaintId, i.summary])).toEqual([
      ['CP-A', SUMMARY_MASKED],
      ['CP-B', SUMMARY2_MASKED],
    ]);
    expect(open.body.items[0].customer).toEqual({ id: 'C-ZSF', name: '张*丰', phone: '139****5678' });
    const overdue = await get('/api/v1/stores/PD1/lists/overdueComplaints', readKey);
    expect(overdue.body.items.map((i: { complaintId: string; summary: string }) => [i.complaintId, i.summary])).toEqual([
      ['CP-A', SUMMARY_MASKED],
    ]);
    expectNoRaw('openComplaints', JSON.stringify(open.body));
    expectNoRaw('overdueComplaints', JSON.stringify(overdue.body));
  });

  it('a pii key gets them as written', async () => {
    const open = await get('/api/v1/stores/PD1/lists/openComplaints', piiKey);
    expect(open.body.masked).toBe(false);
    expect(open.body.items.map((i: { summary: string }) => i.summary)).toEqual([SUMMARY, SUMMARY2]);
    expect(open.body.items[0].customer).toEqual(CUSTOMER);
    const overdue = await get('/api/v1/stores/PD1/lists/overdueComplaints', piiKey);
    expect(overdue.body.items[0].summary).toBe(SUMMARY);
  });
});

describe('alerts: media titles, override reasons, acknowledgement notes', () => {
  let media: AlertRecord;
  const mediaMessage = `负面曝光：抖音《${TITLE}》`;
  const mediaMessageMasked = `负面曝光：抖音《${TITLE_MASKED}》`;

  it('a media title is masked in the alerts a read key lists, raw for a pii key', async () => {
    const masked = await waitFor(async () => {
      const r = await get('/api/v1/alerts?store=PD1&kind=media_negative', readKey);
      return r.body.alerts?.length === 1 && r.body.alerts[0];
    });
    expect(masked.message).toBe(mediaMessageMasked);
    expect(masked.data).toEqual({ mentionId: 'M-1', outlet: '抖音', title: TITLE_MASKED });
    const raw = (await get('/api/v1/alerts?store=PD1&kind=media_negative', piiKey)).body.alerts[0];
    expect(raw.message).toBe(mediaMessage);
    expect(raw.data.title).toBe(TITLE);
    media = raw;
  });

  it('an override reason is masked in the alert and the override lists for a read key', async () => {
    await stack.request('PUT', '/api/v1/budgets/PD-B1', { store: 'PD1', name: '车展', month, amount: 100, warnAt: 0.8 });
    const ok = await stack.request('POST', '/api/v1/budgets/PD-B1/check', {
      amount: 500,
      override: { reason: REASON, by: '店总 陈建国' },
    });
    expect(ok.status).toBe(200);
    // The manager who gave the reason gets it back as written.
    expect(ok.body.override.reason).toBe(REASON);

    const alert = await waitFor(async () => {
      const r = await get('/api/v1/alerts?store=PD1&kind=budget_override', readKey);
      return r.body.alerts?.length === 1 && r.body.alerts[0];
    });
    expect(alert.message).toBe(`预算越权批准：车展 计划支出 ¥500，超出 ¥400；店总 陈建国：${REASON_MASKED}`);
    expect(alert.data).toMatchObject({ by: '店总 陈建国', reason: REASON_MASKED });
    const raw = (await get('/api/v1/alerts?store=PD1&kind=budget_override', piiKey)).body.alerts[0];
    expect(raw.message).toBe(`预算越权批准：车展 计划支出 ¥500，超出 ¥400；店总 陈建国：${REASON}`);

    const byStore = await get('/api/v1/stores/PD1/overrides', readKey);
    expect(byStore.body.overrides.map((o: { by: string; reason: string }) => [o.by, o.reason])).toEqual([
      ['店总 陈建国', REASON_MASKED],
    ]);
    const byBudget = await get('/api/v1/budgets/PD-B1/overrides', readKey);
    expect(byBudget.body.overrides.map((o: { reason: string }) => o.reason)).toEqual([REASON_MASKED]);
    expect((await get('/api/v1/stores/PD1/overrides', piiKey)).body.overrides[0].reason).toBe(REASON);
  });

  it('an acknowledgement note is masked for keys without pii, in the answer and the list', async () => {
    const ack = await stack.request('POST', `/api/v1/alerts/${media.id}/ack`, { by: '客服 小李', note: NOTE }, ackKey);
    expect(ack.status).toBe(200);
    expect(ack.body.alert.ack).toMatchObject({ by: '客服 小李', note: NOTE_MASKED });
    expect(ack.body.alert.history.at(-1)).toMatchObject({ action: 'acked', by: '客服 小李', note: NOTE_MASKED });
    expect(ack.body.alert.message).toBe(mediaMessageMasked);

    const listed = (await get('/api/v1/alerts?store=PD1&state=acked', readKey)).body.alerts;
    expect(listed.map((a: AlertRecord) => [a.id, a.ack?.note])).toEqual([[media.id, NOTE_MASKED]]);
    const raw = (await get('/api/v1/alerts?store=PD1&state=acked', piiKey)).body.alerts[0];
    expect(raw.ack.note).toBe(NOTE);
    expect(raw.history.at(-1).note).toBe(NOTE);
    expectNoRaw('alerts for a read key', JSON.stringify((await get('/api/v1/alerts?store=PD1', readKey)).body));
  });

  it('the walls are pushed every alert masked, whatever the key of the socket', async () => {
    for (const { name, pushed } of sockets) {
      const raised = await waitFor(
        async () => pushed.find((p) => p.event === 'alert' && p.alert.kind === 'media_negative'),
        10_000,
        `${name}: alert`,
      );
      expect(raised.alert.message, name).toBe(mediaMessageMasked);
      expect(raised.alert.data?.title, name).toBe(TITLE_MASKED);
      const override = await waitFor(
        async () => pushed.find((p) => p.alert.kind === 'budget_override'),
        10_000,
        `${name}: override`,
      );
      expect(override.alert.data?.reason, name).toBe(REASON_MASKED);
      const acked = await waitFor(
        async () => pushed.find((p) => p.event === 'alertUpdated' && p.alert.id === media.id && p.alert.state === 'acked'),
        10_000,
        `${name}: alertUpdated`,
      );
      expect(acked.alert.ack?.note, name).toBe(NOTE_MASKED);
      expectNoRaw(`pushes to the ${name} socket`, JSON.stringify(pushed));
    }
  });

  it('webhooks receive the alerts masked, in every format', async () => {
    const json = await waitFor(
      async () => {
        const bodies = received.filter((r) => r.path === '/json').map((r) => JSON.parse(r.body).alert as AlertRecord);
        return bodies.length >= 2 && bodies;
      },
      10_000,
      'json deliveries',
    );
    const byKind = new Map(json.map((a) => [a.kind, a]));
    expect(byKind.get('media_negative')!.message).toBe(mediaMessageMasked);
    expect(byKind.get('media_negative')!.data).toEqual({ mentionId: 'M-1', outlet: '抖音', title: TITLE_MASKED });
    expect(byKind.get('budget_override')!.data).toMatchObject({ reason: REASON_MASKED });
    const wecom = await waitFor(
      async () => {
        const bodies = received.filter((r) => r.path === '/wecom').map((r) => JSON.parse(r.body).markdown.content as string);
        return bodies.length >= 2 && bodies;
      },
      10_000,
      'wecom deliveries',
    );
    // Markdown-safe: the masking stars arrive as full-width stars.
    expect(wecom.some((c) => c.includes('负面曝光：抖音《车主138＊＊＊＊1111曝光：4S店拖延维修（浙A＊＊＊45）》'))).toBe(true);
    for (const r of received) expectNoRaw(`webhook ${r.path}`, r.body);
  });
});
