/**
 * The report's two files, CSV and workbook, made from a hand-made report whose figures come from
 * `reportFigures` on hand-made counts, and read back: the CSV with the imports' RFC 4180 reader, the
 * workbook with exceljs. Every expected number is worked out by hand in the comments. No I/O.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../core/imports/csv.js';
import { REPORT_CSV_COLUMNS, reportCsv, reportCsvCell } from '../core/reports/report-csv.js';
import {
  BUDGET_HEADERS,
  CAMPAIGN_HEADERS,
  DASH,
  FIGURE_HEADERS,
  HEADER_ROW,
  PLAN_SHEET,
  reportWorkbook,
  TARGET_HEADERS,
} from '../core/reports/report-xlsx.js';
import { emptyPeriodCounts, figureAt, REPORT_FIGURES, reportFigures, type PeriodCounts, type Report } from '../domain/reports.js';

const QUOTED_BUDGET = '"双11"大促, 第一波';
const FORMULA_BUDGET = '=HYPERLINK("http://example.com","点我")';

function counts(edit: (c: PeriodCounts) => void): PeriodCounts {
  const c = emptyPeriodCounts();
  edit(c);
  return c;
}

// November: sales callbacks 7 met of 9 (10 subjects, 5 due of which 3 met: 7 + 5 − 3 = 9).
const november = counts((c) => {
  c.callbacks.sales = { subjects: 10, met: 7, due: 5, dueMet: 3 };
  c.repairs = 5;
  c.booked = 4;
  c.complaints = { opened: 3, resolved: 2, resolutionMs: [30, 2, 5].map((h) => h * 3_600_000), openAtEnd: 1, overdueAtEnd: 0 };
  // 950 of a 1000-yuan budget (95 %: past the default 80 % warning line), 50 of 500 (10 %), and
  // 234.56 outside any budget: 950 + 50 + 234.56 = 1234.56 yuan spent.
  c.budgets = [
    { store: 'HZ01', budgetId: 'b-1111', name: QUOTED_BUDGET, campaignId: 'c-double11', amountFen: 100_000, spentFen: 95_000 },
    { store: 'HZ01', budgetId: 'b-2222', name: FORMULA_BUDGET, amountFen: 50_000, spentFen: 5_000 },
  ];
  c.unbudgetedFen = 23_456;
  c.visits = 25;
  c.firstVisits = 10;
  c.testDrives = 6;
  c.leads = 4;
  c.leadsByChannel.event = 4;
  c.orders = 2;
  c.orderFen = 45_678_900;
  c.campaigns = { 'c-double11': { leads: 4, orders: 1, orderFen: 45_678_900, spendFen: 95_000 } };
  c.targets = { orders: { target: 10, actual: 2 }, deliveries: { target: 1, actual: 1 } };
  c.deliveries = 1;
  // Co-op: 2 claims for 3,000.50 yuan; decided 2,400 approved of 3,200 claimed (75 %), 1 rejected;
  // 1,800 received; at the end 500 + 250.25 unclaimed (d0_30, over90).
  c.coop = {
    submitted: { count: 2, fen: 300_050 },
    decided: { approvedFen: 240_000, claimedFen: 320_000, rejectedCount: 1 },
    paidFen: 180_000,
    unclaimedAtEnd: { fen: 75_025, count: 2, byAgeFen: { d0_30: 50_000, d31_60: 0, d61_90: 0, over90: 25_025 } },
  };
});
// October: 6 of 8 (8 subjects, 4 due of which 2 met: 6 + 4 − 2 = 8), 5 complaints, 1000 yuan spent.
const october = counts((c) => {
  c.callbacks.sales = { subjects: 8, met: 6, due: 4, dueMet: 2 };
  c.repairs = 6;
  c.booked = 3;
  c.complaints.opened = 5;
  c.budgets = [{ store: 'HZ01', budgetId: 'b-0001', name: '十月车展', spentFen: 100_000 }];
  c.firstVisits = 8;
  c.orders = 1;
  // Co-op: 1 claim of 1,000; decided 500 of 1,000 (50 %); nothing received; 1,200 unclaimed, 31–60 days.
  c.coop = {
    submitted: { count: 1, fen: 100_000 },
    decided: { approvedFen: 50_000, claimedFen: 100_000, rejectedCount: 0 },
    paidFen: 0,
    unclaimedAtEnd: { fen: 120_000, count: 1, byAgeFen: { d0_30: 0, d31_60: 120_000, d61_90: 0, over90: 0 } },
  };
});
// November a year earlier: no callbacks (a rate of nothing is null), 1 complaint resolved in 1 h.
const lastNovember = counts((c) => {
  c.complaints = { opened: 1, resolved: 1, resolutionMs: [3_600_000], openAtEnd: 0, overdueAtEnd: 0 };
  c.orders = 2;
});

function report(over: Partial<Report> = {}): Report {
  return {
    store: 'HZ01',
    name: '湖州一店',
    period: '2026-11',
    kind: 'month',
    start: '2026-11-01T00:00:00.000+08:00',
    end: '2026-12-01T00:00:00.000+08:00',
    timezone: 'Asia/Shanghai',
    asOf: '2026-12-03T02:00:00.000Z',
    partial: false,
    revised: { events: 3, lastAt: '2026-12-02T09:30:00.000Z', figures: ['salesCallbackRate', 'complaints.opened', 'targets'] },
    previousPeriod: '2026-10',
    lastYearPeriod: '2025-11',
    figures: reportFigures(november, october, lastNovember),
    ...over,
  };
}

describe('report CSV', () => {
  const text = reportCsv(report());
  const records = [...readCsv(text)];
  const rows = new Map(records.slice(1).map((r) => [r.cells[0]!, r.cells]));
  const num = (s: string | undefined) => (s === '' || s === undefined ? null : Number(s));

  it('is UTF-8 with a BOM, CRLF line ends and a header row, one row per figure then the targets', () => {
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\n').length - 1).toBe(text.split('\r\n').length - 1);
    expect(records.every((r) => !r.error)).toBe(true);
    expect(records[0]!.cells).toEqual([...REPORT_CSV_COLUMNS]);
    // 2 targets set (orders, deliveries) × target, actual, progress, met.
    expect(records.length).toBe(1 + REPORT_FIGURES.length + 8);
    expect(records.slice(1, 1 + REPORT_FIGURES.length).map((r) => r.cells[0])).toEqual(REPORT_FIGURES.map((d) => d.name));
    expect(records.every((r) => r.cells.length === 7)).toBe(true);
  });

  it('has the exact values and changes worked out by hand, empty where null', () => {
    // 7/9 against 6/8: (7·8 − 6·9) / (9·8) = 2/72, ×100 = 25/9 percentage points.
    const sales = rows.get('salesCallbackRate')!;
    expect(sales[1]).toBe('销售回访率');
    expect(num(sales[2])).toBe(7 / 9);
    expect(num(sales[3])).toBe(0.75);
    expect(num(sales[4])).toBe(25 / 9);
    // Last November had data, but no callbacks: its rate and the change to it are null.
    expect(sales.slice(5)).toEqual(['', '']);
    // 4 booked of 5 against 3 of 6: (4·6 − 3·5) / 30 × 100 = 30 pp.
    expect(rows.get('appointmentRate')!.slice(2).map(num)).toEqual([0.8, 0.5, 30, null, null]);
    // Opened 3, 5 the month before (−2), 1 a year before (+2): a negative change is a plain number.
    expect(rows.get('complaints.opened')!.slice(2)).toEqual(['3', '5', '-2', '1', '2']);
    // Median of 2, 5, 30 h is 5; October resolved none (null), last November 1 h (+4).
    expect(rows.get('complaints.medianResolutionHours')!.slice(2).map(num)).toEqual([5, null, null, 1, 4]);
    // 1234.56 yuan against 1000: +234.56; last November spent nothing (0, +1234.56).
    expect(rows.get('spend.spent')!.slice(2).map(num)).toEqual([1234.56, 1000, 234.56, 0, 1234.56]);
    expect(num(rows.get('orders.amount')![2])).toBe(456789);
    // 2 orders of 10 first visits against 1 of 8: (2·8 − 1·10) / 80 × 100 = 7.5 pp.
    expect(rows.get('orderConversion')!.slice(2, 5).map(num)).toEqual([0.2, 0.125, 7.5]);
    // Every figure's cells equal the JSON's numbers, digit for digit.
    const figures = report().figures;
    for (const def of REPORT_FIGURES) {
      const f = figureAt(figures, def.name);
      const expected = [f.value, f.previous?.value ?? null, f.previous?.delta ?? null, f.lastYear?.value ?? null];
      expect([def.name, ...rows.get(def.name)!.slice(2, 6).map(num)]).toEqual([def.name, ...expected]);
    }
  });

  it('has the co-op ledger’s rows: claims, decisions, payments and unclaimed at the end by age', () => {
    expect(rows.get('coop.submitted.count')!.slice(1, 5)).toEqual(['提交索赔(笔)', '2', '1', '1']);
    // 3000.50 against 1000: +2000.50; last November had no ledger but other data: 0 and +3000.5.
    expect(rows.get('coop.submitted.amount')!.slice(2).map(num)).toEqual([3000.5, 1000, 2000.5, 0, 3000.5]);
    // 2400/3200 = 0.75 against 500/1000 = 0.5: +25 pp; no decisions last November: null.
    expect(rows.get('coop.approvalRate')!.slice(2).map(num)).toEqual([0.75, 0.5, 25, null, null]);
    expect(rows.get('coop.decided.rejectedCount')!.slice(2, 5).map(num)).toEqual([1, 0, 1]);
    expect(rows.get('coop.paid.amount')!.slice(2, 5).map(num)).toEqual([1800, 0, 1800]);
    expect(rows.get('coop.unclaimedAtEnd.d31_60')!.slice(2, 5).map(num)).toEqual([0, 1200, -1200]);
    // 750.25 against 1200: −449.75.
    expect(rows.get('coop.unclaimedAtEnd.total')!.slice(1, 5)).toEqual(['期末未索赔·合计(元)', '750.25', '1200', '-449.75']);
  });

  it('has the month’s targets: target, actual, progress and whether met', () => {
    expect(rows.get('targets.orders.target')!.slice(1, 3)).toEqual(['订单目标', '10']);
    expect(rows.get('targets.orders.actual')![2]).toBe('2');
    expect(rows.get('targets.orders.progress')![2]).toBe('0.2');
    expect(rows.get('targets.orders.met')![2]).toBe('false');
    expect(rows.get('targets.deliveries.progress')![2]).toBe('1');
    expect(rows.get('targets.deliveries.met')![2]).toBe('true');
    expect(rows.has('targets.leads.target')).toBe(false);
    expect(rows.get('targets.orders.actual')!.slice(3)).toEqual(['', '', '', '']);
  });

  it('labels in English on request; names and numbers unchanged', () => {
    const en = new Map([...readCsv(reportCsv(report(), 'en'))].slice(1).map((r) => [r.cells[0]!, r.cells]));
    expect(en.get('salesCallbackRate')!.slice(1, 3)).toEqual(['Sales callback rate', String(7 / 9)]);
    expect(en.get('targets.orders.progress')![1]).toBe('Orders progress');
  });

  it('quotes commas and quotes, and never lets text start a formula', () => {
    expect(reportCsvCell(QUOTED_BUDGET)).toBe('"""双11""大促, 第一波"');
    expect(reportCsvCell(FORMULA_BUDGET)).toBe(`"'=HYPERLINK(""http://example.com"",""点我"")"`);
    for (const lead of ['+', '-', '@', '\t']) expect(reportCsvCell(`${lead}1`)).toMatch(/^"?'/);
    expect(reportCsvCell(-2)).toBe('-2');
    expect(reportCsvCell(null)).toBe('');
    expect([...readCsv(`${reportCsvCell(FORMULA_BUDGET)}\r\n`)][0]!.cells).toEqual([`'${FORMULA_BUDGET}`]);
  });
});

type Row = (string | number | null)[];
/** exceljs types its input as its own Buffer (an ArrayBuffer); Node's Buffer is what it reads. */
type XlsxInput = Parameters<ExcelJS.Xlsx['load']>[0];

async function workbook(r: Report): Promise<{ buffer: Buffer; wb: ExcelJS.Workbook }> {
  const buffer = await reportWorkbook(r);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as XlsxInput);
  return { buffer, wb };
}

/** A row's cells from column 1 to `width`: numbers, texts, or null when empty. */
function rowValues(ws: ExcelJS.Worksheet, row: number, width: number): Row {
  return Array.from({ length: width }, (_, i) => {
    const v = ws.getCell(row, i + 1).value;
    return v === null || v === undefined ? null : (v as string | number);
  });
}

function findRow(ws: ExcelJS.Worksheet, first: string): number {
  for (let r = 1; r <= ws.rowCount; r++) if (ws.getCell(r, 1).value === first) return r;
  throw new Error(`no row ${first} in ${ws.name}`);
}

describe('report workbook', () => {
  it('is a zip with a sheet per department and 目标与预算, Chinese headers bold and frozen', async () => {
    const { buffer, wb } = await workbook(report());
    expect(buffer.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['客服', '售后', '销售', '市场', PLAN_SHEET]);
    for (const name of ['客服', '售后', '销售', '市场']) {
      const ws = wb.getWorksheet(name)!;
      expect(rowValues(ws, HEADER_ROW, 6)).toEqual([...FIGURE_HEADERS]);
      expect(ws.getCell(HEADER_ROW, 1).font?.bold).toBe(true);
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: HEADER_ROW });
      // Figures are numbers or a dash, never numbers written as text.
      for (let r = HEADER_ROW + 1; r <= ws.rowCount; r++)
        for (let c = 2; c <= 6; c++) {
          if (ws.getCell(r, 1).value === '厂家市场支持') continue;
          const v = ws.getCell(r, c).value;
          expect(typeof v === 'number' || v === DASH, `${name} ${r}:${c} ${String(v)}`).toBe(true);
        }
    }
    // Each department lists its own figures: 14 for care, 3 for service, 15 for sales, and for
    // marketing 4, then the heading 厂家市场支持 and the co-op ledger's 6 figures and 5 unclaimed rows.
    expect(wb.getWorksheet('售后')!.rowCount).toBe(HEADER_ROW + 3);
    const marketing = wb.getWorksheet('市场')!;
    expect(marketing.rowCount).toBe(HEADER_ROW + 4 + 1 + 6 + 5);
    expect(marketing.getCell(HEADER_ROW + 5, 1).value).toBe('厂家市场支持');
    expect(marketing.getCell(HEADER_ROW + 5, 2).value).toBeNull();
  });

  it('has the values worked out by hand, with percentage, percentage-point and yuan formats', async () => {
    const { wb } = await workbook(report());
    const care = wb.getWorksheet('客服')!;
    const sales = findRow(care, '销售回访率');
    expect(rowValues(care, sales, 6)).toEqual(['销售回访率', 7 / 9, 0.75, 25 / 9, DASH, DASH]);
    expect(care.getCell(sales, 2).numFmt).toContain('%');
    expect(care.getCell(sales, 3).numFmt).toContain('%');
    expect(care.getCell(sales, 4).numFmt).toContain('pp');
    expect(care.getCell(sales, 4).numFmt).toContain('+');
    expect(rowValues(care, findRow(care, '新增投诉'), 6)).toEqual(['新增投诉', 3, 5, -2, 1, 2]);
    expect(rowValues(care, findRow(care, '处理时长中位数(小时)'), 6)).toEqual(['处理时长中位数(小时)', 5, DASH, DASH, 1, 4]);

    const service = wb.getWorksheet('售后')!;
    const appt = findRow(service, '预约率');
    expect(rowValues(service, appt, 6)).toEqual(['预约率', 0.8, 0.5, 30, DASH, DASH]);
    expect(service.getCell(appt, 2).numFmt).toBe('0.0%');

    const marketing = wb.getWorksheet('市场')!;
    const spent = findRow(marketing, '费用支出(元)');
    expect(rowValues(marketing, spent, 6)).toEqual(['费用支出(元)', 1234.56, 1000, 234.56, 0, 1234.56]);
    expect(marketing.getCell(spent, 2).numFmt).toBe('#,##0.00');
    // The co-op ledger under its heading: 2400/3200 = 75 % against 50 %, +25 pp; yuan with two decimals.
    const coop = findRow(marketing, '厂家市场支持');
    expect(marketing.getCell(coop, 1).font?.bold).toBe(true);
    expect(rowValues(marketing, coop + 1, 6)).toEqual(['提交索赔(笔)', 2, 1, 1, 0, 2]);
    const rate = findRow(marketing, '批复率');
    expect(rate).toBeGreaterThan(coop);
    expect(rowValues(marketing, rate, 6)).toEqual(['批复率', 0.75, 0.5, 25, DASH, DASH]);
    expect(marketing.getCell(rate, 4).numFmt).toContain('pp');
    const over90 = findRow(marketing, '期末未索赔·90天以上(元)');
    expect(rowValues(marketing, over90, 4)).toEqual(['期末未索赔·90天以上(元)', 250.25, 0, 250.25]);
    expect(marketing.getCell(over90, 2).numFmt).toBe('#,##0.00');

    const salesSheet = wb.getWorksheet('销售')!;
    expect(rowValues(salesSheet, findRow(salesSheet, '订单金额(元)'), 2)).toEqual(['订单金额(元)', 456789]);
    expect(rowValues(salesSheet, findRow(salesSheet, '成交率'), 4)).toEqual(['成交率', 0.2, 0.125, 7.5]);
  });

  it('says the store, the period, its days and the revision, and marks the revised figures', async () => {
    const { wb } = await workbook(report());
    const care = wb.getWorksheet('客服')!;
    expect(care.getCell('A1').value).toBe('湖州一店（HZ01） 2026-11 月报');
    expect(care.getCell('A2').value).toBe('期间 2026-11-01 至 2026-11-30（Asia/Shanghai） · 上期 2026-10 · 去年同期 2025-11');
    // 09:30 UTC is 17:30 in Shanghai.
    expect(care.getCell('A3').value).toBe(
      '修订：3条迟到事件（最后一条于 2026-12-02 17:30 到达），变化的指标：销售回访率、新增投诉、目标（已标黄）',
    );
    const fillOf = (r: number) => (care.getCell(r, 2).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;
    expect(fillOf(findRow(care, '销售回访率'))).toBe('FFFFF2CC');
    expect(fillOf(findRow(care, '新增投诉'))).toBe('FFFFF2CC');
    expect(fillOf(findRow(care, '售后回访率'))).toBeUndefined();
    expect(wb.getWorksheet(PLAN_SHEET)!.getCell('A3').value).toBe(care.getCell('A3').value);
  });

  it('lists targets, budgets with their status and campaigns on 目标与预算', async () => {
    const { wb } = await workbook(report());
    const ws = wb.getWorksheet(PLAN_SHEET)!;
    const targets = findRow(ws, '月度目标');
    expect(rowValues(ws, targets + 1, 5)).toEqual([...TARGET_HEADERS]);
    // Orders: 2 of 10 (20 %, not met); deliveries 1 of 1 (100 %, met).
    expect(rowValues(ws, targets + 2, 5)).toEqual(['订单', 10, 2, 0.2, '否']);
    expect(rowValues(ws, targets + 3, 5)).toEqual(['交车', 1, 1, 1, '是']);
    expect(ws.getCell(targets + 2, 4).numFmt).toContain('%');

    const budgets = findRow(ws, '预算');
    expect(rowValues(ws, budgets + 1, 5)).toEqual([...BUDGET_HEADERS]);
    // Largest spend first: 950 of 1000 (95 %, warn), then 50 of 500 (10 %, ok).
    expect(rowValues(ws, budgets + 2, 5)).toEqual([QUOTED_BUDGET, 1000, 950, 0.95, '预警']);
    expect(rowValues(ws, budgets + 3, 5)).toEqual([FORMULA_BUDGET, 500, 50, 0.1, '正常']);
    // The dealer's text that looks like a formula is stored as text.
    expect(ws.getCell(budgets + 3, 1).type).toBe(ExcelJS.ValueType.String);

    const campaigns = findRow(ws, '活动');
    expect(rowValues(ws, campaigns + 1, 7)).toEqual([...CAMPAIGN_HEADERS]);
    // 950 yuan for 4 leads = 237.5 a lead; 456789 yuan of orders for 950 spent = 480.83…×.
    expect(rowValues(ws, campaigns + 2, 7)).toEqual(['c-double11', 4, 1, 456789, 950, 237.5, 456789 / 950]);
  });

  it('notes a partial period; a week has no targets; a group names its stores and each budget’s store', async () => {
    const week = report({
      store: undefined,
      stores: ['HZ01', 'NB02'],
      name: '浙北集团',
      period: '2026-W48',
      kind: 'week',
      start: '2026-11-23T00:00:00.000+08:00',
      end: '2026-11-30T00:00:00.000+08:00',
      asOf: '2026-11-27T06:05:00.000Z',
      partial: true,
      revised: null,
      previousPeriod: '2026-W47',
      lastYearPeriod: '2025-W48',
      figures: { ...reportFigures(november, null, null), targets: {} },
    });
    const { wb } = await workbook(week);
    const care = wb.getWorksheet('客服')!;
    expect(care.getCell('A1').value).toBe('浙北集团 2026-W48 周报');
    expect(care.getCell('A2').value).toBe(
      '期间 2026-11-23 至 2026-11-29（Asia/Shanghai） · 上期 2026-W47 · 去年同期 2025-W48 · 门店 HZ01、NB02',
    );
    expect(care.getCell('A3').value).toBe('本期尚未结束：数据截至 2026-11-27 14:05');
    // No compared periods: every comparison is a dash.
    expect(rowValues(care, findRow(care, '新增投诉'), 6)).toEqual(['新增投诉', 3, DASH, DASH, DASH, DASH]);
    const plan = wb.getWorksheet(PLAN_SHEET)!;
    expect(plan.getCell(findRow(plan, '月度目标') + 2, 1).value).toBe('目标仅见于月报');
    const budgets = findRow(plan, '门店');
    expect(rowValues(plan, budgets, 6)).toEqual(['门店', ...BUDGET_HEADERS]);
    expect(rowValues(plan, budgets + 1, 6)).toEqual(['HZ01', QUOTED_BUDGET, 1000, 950, 0.95, '预警']);
  });
});
