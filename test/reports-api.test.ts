/**
 * The report routes over HTTP (reports.md, "API"): JSON, CSV and the workbook of a closed month,
 * the group, bad and future periods, scopes, and a history load never flagged as late while an
 * event arriving after the close is.
 */
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../domain/reports.js';
import { eventsDrained } from './support/csv.js';
import { ev } from './support/events.js';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
let readToken: string;
let ingestToken: string;
// A month three months back in Shanghai: closed, whatever the day the tests run.
const month = DateTime.now().setZone('Asia/Shanghai').minus({ months: 3 }).startOf('month');
const M = month.toFormat('yyyy-MM');
const at = (day: number, hour = 10) => month.set({ day, hour }).toISO()!;

const key = async (scopes: string[]) =>
  (await stack.request('POST', '/api/v1/keys', { name: scopes.join('+'), scopes })).body.token as string;

const post = async (path: string, events: unknown[], token?: string) => {
  const res = await stack.request('POST', path, { events }, token);
  await eventsDrained(stack);
  return res;
};

beforeAll(async () => {
  stack = await startStack('reportsapi');
  readToken = await key(['read']);
  ingestToken = await key(['ingest']);
  await stack.request('PUT', '/api/v1/stores/AP1', { name: '宁波店', timezone: 'Asia/Shanghai' });
  // The month's history as loaded: 3 repairs, 2 of them booked.
  const history = [
    ev('repair.opened', at(3), { id: 'h1', store: 'AP1', roId: 'R1', appointmentId: 'A1' }),
    ev('repair.opened', at(4), { id: 'h2', store: 'AP1', roId: 'R2', appointmentId: 'A2' }),
    ev('repair.opened', at(5), { id: 'h3', store: 'AP1', roId: 'R3' }),
  ];
  expect((await post('/api/v1/events?history=1', history)).status).toBe(202);
});
afterAll(() => stack.close());

describe('a closed month', () => {
  it('as JSON: the history load is not a revision', async () => {
    const res = await stack.request('GET', `/api/v1/stores/AP1/reports/${M}`, undefined, readToken);
    expect(res.status).toBe(200);
    const r = res.body as Report;
    expect([r.period, r.partial, r.revised]).toEqual([M, false, null]);
    expect(r.figures.appointmentRate).toMatchObject({ value: 2 / 3, numerator: 2, denominator: 3 });
  });

  it('as CSV, one row per figure', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/stores/AP1/reports/${M}`, {
      headers: { authorization: `Bearer ${readToken}`, accept: 'text/csv' },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('figure,label,value,previous,change,lastYear,lastYearChange');
    expect(lines.find((l) => l.startsWith('appointmentRate,'))).toBe(`appointmentRate,预约率,${2 / 3},,,,`);
  });

  it('as a workbook with a sheet per department', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/stores/AP1/reports/${M}.xlsx`, {
      headers: { authorization: `Bearer ${readToken}` },
    });
    expect(res.headers.get('content-disposition')).toContain(`AP1-${M}.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['客服', '售后', '销售', '市场', '目标与预算']);
    const service = book.getWorksheet('售后')!;
    let found: unknown;
    service.eachRow((row) => {
      if (row.getCell(1).value === '预约率') found = row.getCell(2).value;
    });
    expect(found).toBe(2 / 3);
  });

  it('an event of the month arriving now is a revision', async () => {
    expect(
      (await post('/api/v1/events', [ev('repair.opened', at(6), { id: 'late1', store: 'AP1', roId: 'R4', appointmentId: 'A4' })]))
        .status,
    ).toBe(202);
    const r = (await stack.request('GET', `/api/v1/stores/AP1/reports/${M}`, undefined, readToken)).body as Report;
    expect(r.figures.appointmentRate).toMatchObject({ value: 3 / 4 });
    expect(r.revised).toMatchObject({ events: 1, figures: ['appointmentRate', 'appointmentShowRate'] });
    const g = (await stack.request('GET', `/api/v1/reports/${M}`, undefined, readToken)).body as Report;
    expect([g.stores, g.figures.appointmentRate.denominator, g.revised?.events]).toEqual([['AP1'], 4, 1]);
  });
});

describe('refusals', () => {
  it.each([
    ['/api/v1/stores/AP1/reports/2026-13', 'month 13 is not 01–12'],
    ['/api/v1/stores/AP1/reports/yesterday', 'a period is YYYY-MM, YYYY-Www, YYYY-MM-DD or YYYY-Qn'],
    ['/api/v1/stores/AP1/reports/2999-01', '2999-01 has not begun yet'],
    ['/api/v1/reports/2999-W01', '2999-W01 has not begun yet'],
  ])('%s: 400 naming the period', async (path, message) => {
    const res = await stack.request('GET', path, undefined, readToken);
    expect([res.status, res.body.details]).toEqual([400, [{ path: 'period', message }]]);
  });

  it('needs a read key; a history load needs admin', async () => {
    expect((await stack.request('GET', `/api/v1/stores/AP1/reports/${M}`, undefined, null)).status).toBe(401);
    expect((await stack.request('GET', `/api/v1/stores/AP1/reports/${M}`, undefined, ingestToken)).status).toBe(403);
    const res = await stack.request('POST', '/api/v1/events?history=1', { events: [] }, ingestToken);
    expect([res.status, res.body.details]).toEqual([
      403,
      [{ path: 'history', message: 'a history load needs a key with scope admin' }],
    ]);
  });

  it('an unknown store is 404', async () => {
    expect((await stack.request('GET', `/api/v1/stores/NOPE/reports/${M}`, undefined, readToken)).status).toBe(404);
  });
});
