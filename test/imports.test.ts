/**
 * CSV imports against the real app, queue and workers: the same events as the JSON API, row
 * errors by line and field, progress, idempotency by event id, and the refusals.
 */
import { readFileSync } from 'node:fs';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../domain/events.js';
import { MAX_IMPORT_BYTES, type ImportStatus } from '../domain/imports.js';
import { importKeys, queuePrefix } from '../core/redis/keys.js';
import { IMPORTS_QUEUE } from '../core/jobs/queues.js';
import { eventsDrained, eventsToCsv, importFinished, postCsv } from './support/csv.js';
import { ev } from './support/events.js';
import { readOptions, startStack, waitFor, type Stack } from './support/stack.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import { decodeLogged } from '../core/events/logged-event.js';
import { loggedCount, scanLogged } from '../core/events/event-log.js';

let stack: Stack;
const keys = { ingest: '', read: '', ack: '', limited: '' };

/**
 * The sample files of docs/samples are dated November 2026: the raw events' retention reaches back
 * to 1 January 2024 whatever today's date, so they import in every year to come (a row of 2020
 * is still older than it).
 */
const RETENTION_DAYS = Math.ceil((Date.now() - Date.parse('2024-01-01T00:00:00Z')) / 86_400_000);

beforeAll(async () => {
  stack = await startStack('imports', { config: { retentionDays: RETENTION_DAYS } });
  const key = async (name: string, scopes: string[], stores?: string[]) =>
    (await stack.request('POST', '/api/v1/keys', { name, scopes, ...(stores ? { stores } : {}) })).body.token as string;
  keys.ingest = await key('dms', ['ingest']);
  keys.read = await key('wall', ['read']);
  keys.ack = await key('desk', ['ack']);
  keys.limited = await key('dms-ima', ['ingest'], ['IML1']);
});
afterAll(() => stack.close());

const recent = (minutes: number, now = Date.now()) => new Date(now - minutes * 60_000).toISOString();

/** A day of one store, with text that needs quoting: commas, quotes, line breaks, Chinese. */
function dayOf(store: string, now: number): PulseEvent[] {
  const recent_ = (minutes: number) => recent(minutes, now);
  const s = { store };
  return [
    ev('showroom.visit', recent_(300), { ...s, id: 'v1', firstVisit: true }),
    ev('showroom.visit', recent_(290), { ...s, id: 'v2', firstVisit: false }),
    ev('lead.created', recent_(280), { ...s, id: 'l1', leadId: 'L1', channel: 'web', campaignId: 'CMP-1' }),
    ev('order.signed', recent_(270), {
      ...s,
      id: 'o1',
      orderId: 'O1',
      model: '凯美瑞 2.0G, "豪华版"',
      amount: 219800.5,
      customer: { id: 'C1', name: '王小明', phone: '13812345678' },
    }),
    ev('vehicle.delivered', recent_(260), { ...s, id: 'd1', orderId: 'O1', vin: 'LVGBE40K6TG123456' }),
    ev('callback.attempted', recent_(250), {
      ...s,
      id: 'cb1',
      callbackId: 'CB1',
      kind: 'sales',
      subjectId: 'O1',
      outcome: 'reached',
      satisfied: true,
    }),
    ev('repair.opened', recent_(240), {
      ...s,
      id: 'ro1',
      roId: 'RO1',
      appointmentId: 'A1',
      customer: { id: 'C2', name: '李 静' },
    }),
    ev('repair.closed', recent_(230), { ...s, id: 'rc1', roId: 'RO1', amount: 1268 }),
    ev('complaint.opened', recent_(220), {
      ...s,
      id: 'cp1',
      complaintId: 'CP1',
      channel: 'wechat',
      category: 'service',
      severity: 'high',
      summary: '保养等待时间过长，超过预约时间一小时, 客户说:"再也不来了"\r\n第二行',
      customer: { id: 'C3', name: '欧阳·娜娜' },
    }),
    ev('complaint.responded', recent_(210), { ...s, id: 'cp1r', complaintId: 'CP1' }),
    ev('spend.recorded', recent_(200), { ...s, id: 'sp1', spendId: 'SP1', budgetId: 'B1', amount: 3187.76, vendor: '汽车之家' }),
    ev('survey.completed', recent_(190), { ...s, id: 'sv1', surveyId: 'SV1', kind: 'service', score: 92.5, nps: 9 }),
    ev('member.joined', recent_(180), { ...s, id: 'm1', customer: { id: 'C4', name: 'Zoë "Z" O’Neil', phone: '+86 139' } }),
    ev('media.mention', recent_(170), {
      ...s,
      id: 'md1',
      mentionId: 'MD1',
      sentiment: 'negative',
      outlet: '懂车帝',
      title: 'a,b "c"',
    }),
    ev('material.moved', recent_(160), { ...s, id: 'mt1', itemId: 'POSTER', quantity: -5 }),
    ev('postsale.task', recent_(150), { ...s, id: 'ps1', taskId: 'T1', orderId: 'O1', kind: 'plate', status: 'open' }),
  ];
}

async function snapshot(store: string) {
  const res = await stack.request('GET', `/api/v1/stores/${store}/kpis`);
  return res.body as { kpis: unknown; series: unknown; seq: number };
}
/** The figures with the store code written as `(store)`, to compare two stores. */
const figures = (s: { kpis: unknown; series: unknown }, store: string) =>
  JSON.parse(JSON.stringify({ kpis: s.kpis, series: s.series }).replaceAll(`"${store}"`, '"(store)"')) as unknown;
async function logOf(store: string): Promise<Record<string, unknown>> {
  const h: [string, string][] = [];
  await scanLogged(stack.app.deps.redis, stack.config.prefix, store, (entries) => {
    for (const e of entries) h.push([e.id, e.raw]);
  });
  return Object.fromEntries(h.map(([id, raw]) => [id, { ...decodeLogged(raw, id, store), store: '(store)' }]));
}

describe('POST /api/v1/imports', () => {
  it('imports exactly the events the JSON API would (quotes, commas, Chinese, CRLF, BOM)', async () => {
    const now = Date.now();
    expect((await stack.request('POST', '/api/v1/events', { events: dayOf('IMJ', now) })).status).toBe(202);
    const csv = eventsToCsv(dayOf('IMC', now), { eol: '\r\n', bom: true });
    const res = await postCsv(stack, csv, keys.ingest);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ importId: expect.stringMatching(/^imp-/), rows: 16 });
    const status = await importFinished(stack, res.body.importId, keys.ingest);
    expect(status).toMatchObject({
      state: 'done',
      rows: 16,
      processed: 16,
      accepted: 16,
      rejected: 0,
      errors: [],
      progress: 100,
    });
    await eventsDrained(stack);
    await waitFor(async () => (await snapshot('IMC'))?.seq >= 16 && (await snapshot('IMJ'))?.seq >= 16, 10_000, 'both applied');
    const [viaCsv, viaJson] = [await snapshot('IMC'), await snapshot('IMJ')];
    expect(figures(viaCsv, 'IMC')).toEqual(figures(viaJson, 'IMJ'));
    const log = await logOf('IMC');
    expect(Object.keys(log)).toHaveLength(16);
    expect(log).toEqual(await logOf('IMJ'));
    // The text came through untouched.
    expect((log.cp1 as { summary: string }).summary).toBe('保养等待时间过长，超过预约时间一小时, 客户说:"再也不来了"\r\n第二行');
    expect((log.m1 as { customer: unknown }).customer).toEqual({ id: 'C4', name: 'Zoë "Z" O’Neil', phone: '+86 139' });
  });

  it('the same file imported twice changes nothing', async () => {
    const csv = eventsToCsv(dayOf('IMT', Date.now()), { eol: '\n' });
    const first = await postCsv(stack, csv);
    await importFinished(stack, first.body.importId);
    await eventsDrained(stack);
    const before = await waitFor(async () => {
      const s = await snapshot('IMT');
      return s?.seq >= 16 ? s : null;
    });
    const again = await postCsv(stack, csv);
    expect(again.status).toBe(202);
    expect(again.body.importId).not.toBe(first.body.importId);
    expect(await importFinished(stack, again.body.importId)).toMatchObject({ state: 'done', accepted: 16, rejected: 0 });
    await eventsDrained(stack);
    await new Promise((r) => setTimeout(r, 300));
    const after = await snapshot('IMT');
    expect(after.seq).toBe(before.seq);
    expect(after.kpis).toEqual(before.kpis);
    expect(Object.keys(await logOf('IMT'))).toHaveLength(16);
  });

  it('applies the good rows and reports each bad one by line and field', async () => {
    const header =
      'id,type,store,at,amount,orderId,model,summary,complaintId,channel,category,severity,customer.id,customer.name';
    const at = recent(10);
    const lines = [
      header, // line 1
      `b1,order.signed,IMB,${at},100,OB1,汉,,,,,,C1,张三`, // 2: good
      `b2,order.signed,IMB,${at},12.345,OB2,汉,,,,,,,`, // 3: too many decimals
      `b3,order.signed,IMB,${at},abc,OB3,,,,,,,,`, // 4: not a number, no model
      `b4,complaint.opened,IMB,${at},,,,"two`, // 5: a summary over two lines …
      `lines, ""quoted""",CB4,phone,staff,low,,`, // 6: … good
      `b5,complaint.opened,IMB,${at},,,,,CB5,fax,staff,low,,`, // 7: unknown channel
      `b6,no.such,IMB,${at},,,,,,,,,,`, // 8: unknown type
      `b7,order.signed,IMB,${at},1`, // 9: too few cells
      '', // 10: blank, skipped
      `b1,order.signed,IMB,${at},200,OB9,秦,,,,,,,`, // 11: the id of row 2 again, with another body
      `b8,order.signed,IMB,${at},5,OB8,"宋"x,,,,,,,`, // 12: text after a closing quote
      `bad id,order.signed,IMB,2026-13-01,5,OB10,宋,,,,,,,`, // 13: id and at
      `b9,order.signed,IMB,${at},5,OB11,宋,,,,,,,名字`, // 14: customer.name without customer.id
      `b10,complaint.opened,IMB,${at},1,,,,CB10,phone,staff,low,,`, // 15: amount is not a complaint field
      `b11,order.signed,IMB,${at},5,OB12,"never closed,,,,,,,`, // 16: unterminated, to the end of file
      `b12,order.signed,IMB,${at},5,OB13,宋,,,,,,,`, // 17: swallowed by row 16
    ];
    const res = await postCsv(stack, lines.join('\n'));
    expect(res.status).toBe(202);
    expect(res.body.rows).toBe(13); // lines 2-16, less the blank one and the second lines of rows 5 and 16
    const s = await importFinished(stack, res.body.importId);
    expect(s).toMatchObject({ state: 'done', rows: 13, processed: 13, accepted: 2, rejected: 11 });
    const at_ = (row: number) => s.errors.filter((e) => e.row === row).map((e) => [e.path, e.message]);
    expect(at_(2)).toEqual([]);
    expect(at_(3)).toEqual([['amount', 'must have at most 2 decimals']]);
    expect(at_(4).map(([p]) => p)).toEqual(['amount', 'model']);
    expect(at_(4)[0]).toEqual(['amount', 'must be a number']);
    expect(at_(5)).toEqual([]);
    expect(at_(6)).toEqual([]);
    expect(at_(7).map(([p]) => p)).toEqual(['channel']);
    expect(at_(8).map(([p]) => p)).toEqual(['type']);
    expect(at_(9)).toEqual([['(row)', 'has 5 cells, the header has 14']]);
    expect(at_(11)).toEqual([['id', 'repeats the id of row 2 with a different body']]);
    expect(at_(12)[0]![0]).toBe('(row)');
    expect(at_(12)[0]![1]).toContain('closing quote');
    expect(
      at_(13)
        .map(([p]) => p)
        .sort(),
    ).toEqual(['at', 'id']);
    expect(at_(14)).toEqual([['customer.id', 'Invalid input: expected string, received undefined']]);
    expect(at_(15)).toEqual([['amount', 'is not a field of complaint.opened']]);
    expect(at_(16)[0]![1]).toContain('never closed');
    expect(s.errorCount).toBe(s.errors.length);
    await eventsDrained(stack);
    const log = await waitFor(async () => {
      const l = await logOf('IMB');
      return Object.keys(l).length === 2 ? l : null;
    });
    expect(Object.keys(log).sort()).toEqual(['b1', 'b4']);
    expect(log.b4).toMatchObject({ summary: 'two\nlines, "quoted"' });
    expect(log.b1).toMatchObject({ amount: 100, customer: { id: 'C1', name: '张三' } });
  });

  it('ids are per store: a row repeating an earlier one is a duplicate, the same id with another body is refused', async () => {
    const at = recent(10);
    const lines = [
      'id,type,store,at,firstVisit',
      `r1,showroom.visit,IMD,${at},true`, // 2
      `r1,showroom.visit,IMD2,${at},true`, // 3: the same id in another store: another event
      `r1,showroom.visit,IMD,${at},true`, // 4: row 2 again: a duplicate, not an error
      `r1,showroom.visit,IMD,${at},false`, // 5: row 2's id with another body
      `r2,showroom.visit,IMD,${at},false`, // 6
    ];
    const res = await postCsv(stack, lines.join('\n'));
    expect(res.status).toBe(202);
    const s = await importFinished(stack, res.body.importId);
    expect(s).toMatchObject({ state: 'done', rows: 5, processed: 5, accepted: 3, duplicates: 1, rejected: 1, errorCount: 1 });
    expect(s.errors).toEqual([{ row: 5, path: 'id', message: 'repeats the id of row 2 with a different body' }]);
    await eventsDrained(stack);
    const imr = await waitFor(async () => {
      const l = await logOf('IMD');
      return Object.keys(l).length === 2 ? l : null;
    });
    expect(imr.r1).toMatchObject({ firstVisit: true });
    expect(Object.keys(await logOf('IMD2'))).toEqual(['r1']);
  });

  it('refuses rows older than the retention, as the JSON API does', async () => {
    const csv = ['id,type,store,at,firstVisit', 'old1,showroom.visit,IMO,2020-01-01T00:00:00Z,true'].join('\n');
    const res = await postCsv(stack, csv);
    const s = await importFinished(stack, res.body.importId);
    expect(s.errors).toEqual([
      { row: 2, path: 'at', message: `is older than the ${stack.config.retentionDays}-day retention of raw events` },
    ]);
  });

  it('a key limited to stores imports only rows of its stores', async () => {
    const at = recent(5);
    const csv = ['id,type,store,at,firstVisit', `x1,showroom.visit,IML1,${at},true`, `x2,showroom.visit,IML2,${at},false`].join(
      '\r\n',
    );
    const res = await postCsv(stack, csv, keys.limited);
    expect(res.status).toBe(202);
    const s = await importFinished(stack, res.body.importId, keys.limited);
    expect(s).toMatchObject({ accepted: 1, rejected: 1, errors: [{ row: 3, path: 'store', message: 'forbidden store' }] });
    // Another key limited to stores does not see it; an unlimited reader does.
    const other = (await stack.request('POST', '/api/v1/keys', { name: 'x', scopes: ['read'], stores: ['IML1'] })).body.token;
    expect((await stack.request('GET', `/api/v1/imports/${res.body.importId}`, undefined, other)).status).toBe(404);
    expect((await stack.request('GET', `/api/v1/imports/${res.body.importId}`, undefined, keys.read)).status).toBe(200);
    await eventsDrained(stack);
    expect(await loggedCount(stack.app.deps.redis, stack.config.prefix, 'IML2')).toBe(0);
  });

  it('reports progress up to 100 % and caps the list of errors', async () => {
    const queueEvents = new QueueEvents(IMPORTS_QUEUE, {
      connection: { url: stack.redisUrl },
      prefix: queuePrefix(stack.config.prefix),
    });
    await queueEvents.waitUntilReady();
    const at = recent(5);
    // 2,500 rows: every even row good, every odd row with a bad flag.
    const rows = Array.from({ length: 2500 }, (_, i) => `p${i},showroom.visit,IMP,${at},${i % 2 ? 'maybe' : 'true'}`);
    const csv = ['id,type,store,at,firstVisit', ...rows].join('\n');
    const progress: { jobId: string; data: unknown }[] = [];
    queueEvents.on('progress', (e) => progress.push(e));
    const res = await postCsv(stack, csv);
    expect(res.body.rows).toBe(2500);
    const ofThis = () => progress.filter((p) => p.jobId === res.body.importId).map((p) => p.data as number);
    const s: ImportStatus = await importFinished(stack, res.body.importId);
    await waitFor(async () => ofThis().includes(100), 5_000, 'the last progress event');
    await queueEvents.close();
    const seen = ofThis();
    expect(s).toMatchObject({ state: 'done', rows: 2500, processed: 2500, accepted: 1250, rejected: 1250, errorCount: 1250 });
    expect(s.errors).toHaveLength(1000);
    expect(s.errors[0]).toEqual({ row: 3, path: 'firstVisit', message: 'must be true or false' });
    expect(s.progress).toBe(100);
    expect(seen.at(-1)).toBe(100);
    expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    const job = await stack.app.deps.queues.imports.getJob(res.body.importId);
    expect(job?.progress).toBe(100);
    // The file itself is dropped once imported; the status stays.
    expect(await stack.app.deps.redis.exists(importKeys(stack.config.prefix, res.body.importId).csv)).toBe(0);
  });

  it('refuses with 401, 403, 415, 413, and 400 for a file without a valid header or rows', async () => {
    const csv = `id,type,store,at,firstVisit\nr1,showroom.visit,IMR,${recent(1)},true\n`;
    expect((await postCsv(stack, csv, null)).status).toBe(401);
    expect((await postCsv(stack, csv, 'sp_not-a-key')).status).toBe(401);
    const forbidden = await postCsv(stack, csv, keys.read);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.message).toContain('ingest');
    for (const [type, body] of [
      ['application/json', '{"id": "r1"}'],
      ['text/plain', csv],
      ['multipart/form-data; boundary=x', csv],
      ['', csv],
    ] as const) {
      const r = await postCsv(stack, body, keys.ingest, type);
      expect(r.status, type).toBe(415);
      expect(r.body.error).toBe('unsupported_media_type');
    }
    expect((await postCsv(stack, csv, keys.ingest, 'text/csv; charset=klingon')).status).toBe(415);

    const huge = new Uint8Array(MAX_IMPORT_BYTES + 1).fill(0x61);
    const tooLarge = await postCsv(stack, huge, keys.ingest);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toBe('too_large');

    const bad = async (body: string) => {
      const r = await postCsv(stack, body, keys.ingest);
      expect(r.status, body).toBe(400);
      expect(r.body.error).toBe('invalid_csv');
      return r.body.details as { row: number; path: string; message: string }[];
    };
    expect(await bad('')).toEqual([{ row: 1, path: '(file)', message: 'is empty' }]);
    expect(await bad('id,type,store,at\n')).toEqual([{ row: 2, path: '(file)', message: 'has no rows below the header' }]);
    expect(await bad('id,type,store,at,amonut\nx,y,z,w,1\n')).toEqual([{ row: 1, path: 'amonut', message: 'unknown column' }]);
    expect(await bad('id,type,at,id\nx,y,z,w\n')).toEqual([
      { row: 1, path: 'id', message: 'the column appears twice' },
      { row: 1, path: 'store', message: 'the column is missing' },
    ]);
    // Nothing of the refused files was stored or applied.
    expect(await loggedCount(stack.app.deps.redis, stack.config.prefix, 'IMR')).toBe(0);
  });

  it('GET answers 404 for an unknown import and 403 without ingest or read', async () => {
    expect((await stack.request('GET', '/api/v1/imports/imp-000000000000000000000000')).status).toBe(404);
    expect((await stack.request('GET', '/api/v1/imports/..%2Fkeys')).status).toBe(404);
    const res = await stack.request('GET', '/api/v1/imports/imp-000000000000000000000000', undefined, keys.ack);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('this key lacks the scope "ingest" or "read"');
  });

  it('decodes a file in another charset when the request names it (GBK from Excel)', async () => {
    // "王" and "店" in GBK.
    const head = Buffer.from(`id,type,store,at,customer.id,customer.name\ng1,member.joined,IMG,${recent(1)},C1,`);
    const body = Buffer.concat([head, Buffer.from([0xcd, 0xf5, 0xb5, 0xea, 0x0a])]);
    const res = await postCsv(stack, new Uint8Array(body), keys.ingest, 'text/csv; charset=gbk');
    expect(res.status).toBe(202);
    expect(await importFinished(stack, res.body.importId)).toMatchObject({ accepted: 1 });
    await eventsDrained(stack);
    const log = await waitFor(async () => (await logOf('IMG')).g1 as { customer: { name: string } } | undefined);
    expect(log.customer.name).toBe('王店');
  });
});

describe('importing the marketing ledgers (docs/samples)', () => {
  const sample = (name: string) => readFileSync(new URL(`../docs/samples/${name}`, import.meta.url), 'utf8');
  const sh = (local: string) => `${local}+08:00`;
  const FAW = { program: '一汽丰田2026市场支持', share: 0.4 };
  const store = { store: 'HZ01' };
  /** The spends the sample's claims name, as the DMS recorded them; co-op parts (amount × share) in the comments. */
  const spends = [
    ev('spend.recorded', sh('2026-09-01T10:00:00'), {
      ...store,
      id: 'HZ01-sp-260901.rec',
      spendId: 'HZ01-sp-260901',
      budgetId: 'HZ01-2609-online',
      amount: 7_500,
      coop: FAW,
    }), // 3,000
    ev('spend.recorded', sh('2026-10-01T10:00:00'), {
      ...store,
      id: 'HZ01-sp-261001.rec',
      spendId: 'HZ01-sp-261001',
      budgetId: 'HZ01-2610-online',
      amount: 20_000,
      coop: FAW,
    }), // 8,000
    ev('spend.recorded', sh('2026-10-03T15:00:00'), {
      ...store,
      id: 'HZ01-sp-261003.rec',
      spendId: 'HZ01-sp-261003',
      budgetId: 'HZ01-2610-online',
      amount: 11_000,
      coop: FAW,
    }), // 4,400
    ev('spend.recorded', sh('2026-11-10T10:00:00'), {
      ...store,
      id: 'HZ01-sp-261110.rec',
      spendId: 'HZ01-sp-261110',
      budgetId: 'HZ01-2611-online',
      amount: 12_500,
      coop: FAW,
    }), // 5,000
    // Not claimed in the sample: 3,000 unclaimed.
    ev('spend.recorded', sh('2026-11-20T11:00:00'), {
      ...store,
      id: 'HZ01-sp-261120.rec',
      spendId: 'HZ01-sp-261120',
      budgetId: 'HZ01-2611-show',
      amount: 6_000,
      coop: { program: '一汽丰田2026车展支持', share: 0.5 },
    }),
    // No program: never in the ledger.
    ev('spend.recorded', sh('2026-11-11T12:00:00'), {
      ...store,
      id: 'HZ01-sp-261111.rec',
      spendId: 'HZ01-sp-261111',
      budgetId: 'HZ01-2611-care',
      amount: 9_999,
    }),
  ];
  /** The movements before (and one after) the stocktake of 30 November 18:00. */
  const move = (id: string, at: string, itemId: string, quantity: number) =>
    ev('material.moved', sh(at), { ...store, id, itemId, quantity });
  const moves = [
    move('mv-b1', '2026-11-02T09:30:00', 'HZ01-BROCHURE', 500),
    move('mv-b2', '2026-11-20T15:00:00', 'HZ01-BROCHURE', -85), // books 415, counted 412: 3 short
    move('mv-b3', '2026-12-01T10:00:00', 'HZ01-BROCHURE', -20), // after the count: stock 395, still 3 short at the count
    move('mv-p1', '2026-11-02T09:30:00', 'HZ01-POSTER-RAV4', 40), // books 40, counted 36: 4 short
    move('mv-t1', '2026-11-02T09:30:00', 'HZ01-TDGIFT', 150),
    move('mv-t2', '2026-11-25T16:00:00', 'HZ01-TDGIFT', -32), // books 118, counted 118
    move('mv-k1', '2026-11-02T09:30:00', 'HZ01-KEYCHAIN', 300),
    move('mv-k2', '2026-11-28T11:00:00', 'HZ01-KEYCHAIN', -50), // books 250, counted 250
  ];
  const service = () => new KpiService(stack.app.deps.redis, stack.app.deps.stores, readOptions(stack.config));
  const imported = async (name: string, rows: number) => {
    const res = await postCsv(stack, sample(name), keys.ingest);
    expect(res.status).toBe(202);
    expect(res.body.rows).toBe(rows);
    expect(await importFinished(stack, res.body.importId, keys.ingest)).toMatchObject({
      state: 'done',
      accepted: rows,
      rejected: 0,
      errors: [],
    });
    await eventsDrained(stack);
  };

  beforeAll(async () => {
    expect((await stack.request('PUT', '/api/v1/stores/HZ01', { name: '杭州西湖店', timezone: 'Asia/Shanghai' })).status).toBe(
      200,
    );
    expect((await stack.request('POST', '/api/v1/events', { events: [...spends, ...moves] })).status).toBe(202);
    await eventsDrained(stack);
  });

  it('co-op claims: what was claimed, approved and received, worked out by hand', async () => {
    await imported('coop-claims.csv', 8);
    // Wednesday 25 November 2026, noon: a week after the last decision.
    const T = Date.parse(sh('2026-11-25T12:00:00'));
    const coop = await waitFor(async () => {
      const c = (await service().store('HZ01', T))?.kpis.coop;
      return c && c.claimed > 0 ? c : null;
    });
    expect(coop).toEqual({
      // 3,000 + 8,000 + 4,400 + 5,000 + 3,000: every co-op spend is within the year.
      eligible: 23_400,
      // HZ01-sp-261120 alone (the rejected claim still names HZ01-sp-260901): 5 days old.
      unclaimed: { total: 3_000, count: 1, byAge: { d0_30: 3_000, d31_60: 0, d61_90: 0, over90: 0 } },
      // FTMS-2610-01 12,400 + FTMS-2611-02 5,000 + FTMS-2611-03 3,000.
      claimed: 20_400,
      // 10,000 (partial: 12,400 less 2,400) + 5,000 + 0 (rejected).
      approved: 15_000,
      // FTMS-2610-01 paid 6,000 then 4,000.
      received: 10_000,
      // FTMS-2611-02, approved 5,000 on 18 November, nothing paid yet: 7 days, not overdue.
      outstanding: 5_000,
      overdue: 0,
      // November: submitted 5,000 + 3,000; decided 5,000 + 0 with one rejection; paid 4,000 (5 November).
      month: { claimed: 8_000, approved: 5_000, received: 4_000, rejectedCount: 1 },
      // All three decided within the year: 15,000 ÷ 20,400.
      approvalRate: { value: 15_000 / 20_400, numerator: 15_000, denominator: 20_400 },
    });
    // Saturday 19 December: FTMS-2611-02's decision is 31 days old, its 5,000 overdue; December has nothing yet.
    const later = (await service().store('HZ01', Date.parse(sh('2026-12-19T12:00:00'))))!.kpis.coop;
    expect(later.overdue).toBe(5_000);
    expect(later.outstanding).toBe(5_000);
    expect(later.month).toEqual({ claimed: 0, approved: 0, received: 0, rejectedCount: 0 });
    // HZ01-sp-261120 is now 29 days old: still within 30.
    expect(later.unclaimed.byAge).toEqual({ d0_30: 3_000, d31_60: 0, d61_90: 0, over90: 0 });
  });

  it('stocktake: each item counted against the books at the count, a later movement changing nothing', async () => {
    await imported('stocktake.csv', 4);
    const materials = await waitFor(async () => {
      const m = (await stack.request('GET', '/api/v1/stores/HZ01/kpis')).body?.kpis?.materials;
      return m?.items?.filter((i: { counted: number | null }) => i.counted !== null).length === 4 ? m : null;
    });
    const byItem = Object.fromEntries(
      materials.items.map((i: { itemId: string; stock: number; counted: number; discrepancy: number }) => [
        i.itemId,
        [i.stock, i.counted, i.discrepancy],
      ]),
    );
    // [stock now, counted, books at the count − counted]
    expect(byItem).toEqual({
      'HZ01-BROCHURE': [395, 412, 3],
      'HZ01-POSTER-RAV4': [40, 36, 4],
      'HZ01-TDGIFT': [118, 118, 0],
      'HZ01-KEYCHAIN': [250, 250, 0],
    });
    expect(materials.discrepancyCount).toBe(2);
  });

  it('refuses the ledger rows that make no sense, naming the column', async () => {
    const at = sh('2026-11-26T10:00:00');
    const header =
      'id,type,store,at,spendId,budgetId,amount,coop.program,coop.share,claimId,program,spendIds,evidence,outcome,approvedAmount,reason';
    const lines = [
      header, // 1
      `x-sp1,spend.recorded,HZX,${at},SPX1,BX,1000,一汽丰田2026市场支持,1.5,,,,,,,`, // 2: share above 1
      `x-sp2,spend.recorded,HZX,${at},SPX2,BX,1000,一汽丰田2026市场支持,0,,,,,,,`, // 3: share 0
      `x-cl1,coop.claim.submitted,HZX,${at},,,400,,,CLX1,一汽丰田2026市场支持,SPX1;bad id,2,,,`, // 4: a bad spend id
      `x-cl2,coop.claim.decided,HZX,${at},,,,,,CLX1,,,,rejected,500,资料不全`, // 5: rejected with money
      `x-cl3,coop.claim.submitted,HZX,${at},,,400,,,CLX2,一汽丰田2026市场支持,SPX1;SPX2,2,,,`, // 6: good
    ];
    const res = await postCsv(stack, lines.join('\n'), keys.ingest);
    expect(res.status).toBe(202);
    const s = await importFinished(stack, res.body.importId, keys.ingest);
    expect(s).toMatchObject({ state: 'done', rows: 5, accepted: 1, rejected: 4 });
    const at_ = (row: number) => s.errors.filter((e) => e.row === row).map((e) => [e.path, e.message]);
    expect(at_(2)).toEqual([['coop.share', 'must be at most 1']]);
    expect(at_(3)).toEqual([['coop.share', 'must be more than 0']]);
    // The list's column, and which of its items: the second.
    expect(at_(4)).toEqual([['spendIds', 'item 2 ("bad id"): must be 1-128 characters of A-Za-z0-9._:-']]);
    expect(at_(5)).toEqual([['approvedAmount', 'must be 0 when the outcome is rejected']]);
    expect(at_(6)).toEqual([]);
  });
});
