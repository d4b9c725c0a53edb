/**
 * A period report as an Excel workbook (reports.md, `…/reports/2026-11.xlsx`): a sheet per
 * department with the comparable figures and their comparisons (市场 ends with the co-op ledger
 * under its heading 厂家市场支持), and a sheet 目标与预算 with the month's targets, the budgets and
 * the campaigns. Cells hold numbers (exactly the JSON's), and the
 * number formats show them: ratios as percentages, their changes in percentage points (the JSON's
 * delta for a ratio is already ×100), yuan with two decimals. An absent value (`null`) is a dash.
 * Every sheet starts with the same title block (store, period, its dates, and whether the figures
 * are partial or revised), so a sheet printed or forwarded alone still says what it is.
 */
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { TARGET_KEYS } from '../../domain/kpis.js';
import {
  DEPARTMENTS,
  FIGURE_SECTIONS,
  figureAt,
  REPORT_FIGURES,
  type Compared,
  type FigureSection,
  type FigureUnit,
  type Report,
} from '../../domain/reports.js';
import { BUDGET_STATUS_ZH, figureLabelZh, PERIOD_KIND_ZH, TARGET_LABELS } from './report-labels.js';

export const FIGURE_HEADERS = ['指标', '本期', '上期', '环比变化', '去年同期', '同比变化'] as const;
export const TARGET_HEADERS = ['指标', '目标', '实际', '完成率', '是否达成'] as const;
export const BUDGET_HEADERS = ['预算', '金额', '支出', '使用率', '状态'] as const;
export const CAMPAIGN_HEADERS = ['活动', '线索', '订单', '订单金额', '费用', '单线索成本', '费用产出率'] as const;
export const PLAN_SHEET = '目标与预算';
/** The department sheets' header row; the rows above it are the title block. */
export const HEADER_ROW = 4;
export const DASH = '—';

const COUNT = '#,##0';
const YUAN = '#,##0.00';
const PERCENT = '0.0%';
/** Excel formats with a sign: positive; negative; zero. */
const signed = (body: string) => `+${body};-${body};${body}`;

/** Each unit's format for a value and for a change (a ratio's change is in percentage points). */
export const UNIT_FORMATS: Record<FigureUnit, { value: string; change: string }> = {
  ratio: { value: PERCENT, change: signed('0.0"pp"') },
  count: { value: COUNT, change: signed(COUNT) },
  yuan: { value: YUAN, change: signed(YUAN) },
  hours: { value: '0.0', change: signed('0.0') },
  score: { value: '0.00', change: signed('0.00') },
  nps: { value: '0.0', change: signed('0.0') },
};

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7EAF0' } };
/** The rows of figures that late events changed (Revision.figures). */
const REVISED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
const NUMBER_WIDTH = 14;

/** A number with its format, or a dash for `null` (no data, or nothing to divide by). */
function put(cell: ExcelJS.Cell, value: number | null | undefined, numFmt: string) {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    cell.value = DASH;
    cell.alignment = { horizontal: 'right' };
    return;
  }
  cell.value = value;
  cell.numFmt = numFmt;
}

/** Width in Excel's character units: CJK and full-width characters take two. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! >= 0x2e80 ? 2 : 1;
  return w;
}

function localTime(iso: string, zone: string): string {
  const t = DateTime.fromISO(iso, { zone });
  return t.isValid ? t.toFormat('yyyy-MM-dd HH:mm') : iso;
}

/** The period's days: from the start's date to the last day before the (exclusive) end. */
function periodDays(report: Report): string {
  const start = DateTime.fromISO(report.start, { setZone: true });
  const last = DateTime.fromISO(report.end, { setZone: true }).minus({ milliseconds: 1 });
  if (!start.isValid || !last.isValid) return `${report.start} – ${report.end}`;
  const a = start.toFormat('yyyy-MM-dd');
  const b = last.toFormat('yyyy-MM-dd');
  return a === b ? a : `${a} 至 ${b}`;
}

export function titleLines(report: Report): [string, string, string] {
  const who = report.store ? `${report.name}（${report.store}）` : report.name;
  const title = `${who} ${report.period} ${PERIOD_KIND_ZH[report.kind]}`;
  const parts = [
    `期间 ${periodDays(report)}（${report.timezone}）`,
    `上期 ${report.previousPeriod}`,
    `去年同期 ${report.lastYearPeriod}`,
  ];
  if (report.stores) parts.push(`门店 ${report.stores.join('、')}`);
  let note = '';
  if (report.partial) note = `本期尚未结束：数据截至 ${localTime(report.asOf, report.timezone)}`;
  else if (report.revised) {
    const r = report.revised;
    note =
      `修订：${r.events}条迟到事件（最后一条于 ${localTime(r.lastAt, report.timezone)} 到达），` +
      `变化的指标：${r.figures.map(figureLabelZh).join('、')}（已标黄）`;
  }
  return [title, parts.join(' · '), note];
}

function addSheet(wb: ExcelJS.Workbook, name: string, report: Report, frozenRows: number): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    views: frozenRows > 0 ? [{ state: 'frozen', ySplit: frozenRows }] : [],
    // A4, as wide as the page: the same report printed from the browser is A4 too.
    pageSetup: { paperSize: 9 as ExcelJS.PaperSize, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const [title, period, note] = titleLines(report);
  ws.getCell('A1').value = title;
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A2').value = period;
  if (note) {
    ws.getCell('A3').value = note;
    ws.getCell('A3').font = { bold: true, color: { argb: report.revised ? 'FFC00000' : 'FF7F6000' } };
  }
  return ws;
}

function headerRow(ws: ExcelJS.Worksheet, row: number, headers: readonly string[]) {
  const r = ws.getRow(row);
  headers.forEach((h, i) => {
    const c = r.getCell(i + 1);
    c.value = h;
    c.font = { bold: true };
    c.fill = HEADER_FILL;
    c.border = { bottom: { style: 'thin' } };
    c.alignment = { horizontal: i === 0 ? 'left' : 'center' };
  });
}

function setWidths(ws: ExcelJS.Worksheet, firstColumnTexts: string[], columns: number) {
  const first = Math.min(40, Math.max(12, ...firstColumnTexts.map(textWidth)) + 2);
  ws.columns = Array.from({ length: columns }, (_, i) => ({ width: i === 0 ? first : NUMBER_WIDTH }));
}

function departmentSheet(wb: ExcelJS.Workbook, report: Report, dept: (typeof DEPARTMENTS)[number]) {
  const ws = addSheet(wb, dept.zh, report, HEADER_ROW);
  headerRow(ws, HEADER_ROW, FIGURE_HEADERS);
  const revised = new Set(report.revised?.figures ?? []);
  const defs = REPORT_FIGURES.filter((d) => d.department === dept.id);
  let at = HEADER_ROW + 1;
  let section: FigureSection | undefined;
  for (const def of defs) {
    // A section (市场's 厂家市场支持) opens with its own heading row, which holds no figure.
    if (def.section && def.section !== section) {
      const h = ws.getRow(at++).getCell(1);
      h.value = FIGURE_SECTIONS[def.section].zh;
      h.font = { bold: true };
      h.border = { bottom: { style: 'thin' } };
    }
    section = def.section;
    const f = figureAt(report.figures, def.name);
    const fmt = UNIT_FORMATS[def.unit];
    const row = ws.getRow(at++);
    row.getCell(1).value = def.zh;
    put(row.getCell(2), f.value, fmt.value);
    const compared = (c: Compared | null, col: number) => {
      put(row.getCell(col), c?.value, fmt.value);
      put(row.getCell(col + 1), c?.delta, fmt.change);
    };
    compared(f.previous, 3);
    compared(f.lastYear, 5);
    if (revised.has(def.name)) for (let col = 1; col <= FIGURE_HEADERS.length; col++) row.getCell(col).fill = REVISED_FILL;
  }
  setWidths(
    ws,
    defs.map((d) => d.zh),
    FIGURE_HEADERS.length,
  );
}

/** A section of the plan sheet: its heading, its table's header, then its rows (or why there are none). */
function section(ws: ExcelJS.Worksheet, at: number, heading: string, headers: readonly string[], empty: string | null): number {
  const h = ws.getCell(at, 1);
  h.value = heading;
  h.font = { bold: true, size: 12 };
  headerRow(ws, at + 1, headers);
  if (empty !== null) {
    const c = ws.getCell(at + 2, 1);
    c.value = empty;
    c.font = { italic: true, color: { argb: 'FF808080' } };
  }
  return at + 2;
}

function planSheet(wb: ExcelJS.Workbook, report: Report) {
  const ws = addSheet(wb, PLAN_SHEET, report, 0);
  const { targets, spend, campaigns } = report.figures;
  const firstColumn: string[] = [];

  const targetKeys = TARGET_KEYS.filter((k) => targets[k]);
  const noTargets = report.kind === 'month' ? '本月未设目标' : '目标仅见于月报';
  let row = section(ws, 5, '月度目标', TARGET_HEADERS, targetKeys.length ? null : noTargets);
  for (const key of targetKeys) {
    const t = targets[key]!;
    const r = ws.getRow(row++);
    r.getCell(1).value = TARGET_LABELS[key].zh;
    put(r.getCell(2), t.target, COUNT);
    put(r.getCell(3), t.actual, COUNT);
    put(r.getCell(4), t.progress, PERCENT);
    r.getCell(5).value = t.met ? '是' : '否';
    r.getCell(5).alignment = { horizontal: 'center' };
    firstColumn.push(TARGET_LABELS[key].zh);
  }
  if (!targetKeys.length) row++;

  // A group's budgets come from several stores, whose budget names may repeat: the store leads.
  const group = !!report.stores;
  const budgetHeaders = group ? ['门店', ...BUDGET_HEADERS] : [...BUDGET_HEADERS];
  row = section(ws, row + 1, '预算', budgetHeaders, spend.budgets.length ? null : '本期无预算支出');
  for (const b of spend.budgets) {
    const r = ws.getRow(row++);
    let col = 1;
    if (group) r.getCell(col++).value = b.store;
    // Budget names are the dealer's own text: a string cell, never read as a formula.
    r.getCell(col++).value = b.name;
    put(r.getCell(col++), b.amount, YUAN);
    put(r.getCell(col++), b.spent, YUAN);
    put(r.getCell(col++), b.ratio, PERCENT);
    const status = r.getCell(col);
    status.value = b.status ? BUDGET_STATUS_ZH[b.status] : DASH;
    status.alignment = { horizontal: 'center' };
    if (b.status === 'tripped') status.font = { bold: true, color: { argb: 'FFC00000' } };
    else if (b.status === 'warn') status.font = { bold: true, color: { argb: 'FF7F6000' } };
    firstColumn.push(group ? b.store : b.name);
  }
  if (!spend.budgets.length) row++;

  row = section(ws, row + 1, '活动', CAMPAIGN_HEADERS, campaigns.length ? null : '本期无活动数据');
  for (const c of campaigns) {
    const r = ws.getRow(row++);
    r.getCell(1).value = c.campaignId;
    put(r.getCell(2), c.leads, COUNT);
    put(r.getCell(3), c.orders, COUNT);
    put(r.getCell(4), c.orderAmount, YUAN);
    put(r.getCell(5), c.spend, YUAN);
    put(r.getCell(6), c.costPerLead, YUAN);
    put(r.getCell(7), c.returnRatio, '0.00"×"');
    firstColumn.push(c.campaignId);
  }

  setWidths(ws, firstColumn, CAMPAIGN_HEADERS.length);
  // In a group's budget table the name is the second column: as wide as the names.
  if (group) ws.getColumn(2).width = Math.min(40, Math.max(NUMBER_WIDTH, ...spend.budgets.map((b) => textWidth(b.name) + 2)));
}

export async function reportWorkbook(report: Report): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Showroom Pulse 展厅脉搏';
  // The workbook's dates are the report's, so the same report gives the same properties.
  const asOf = new Date(report.asOf);
  if (!Number.isNaN(asOf.getTime())) wb.created = wb.modified = asOf;
  wb.title = titleLines(report)[0];
  for (const dept of DEPARTMENTS) departmentSheet(wb, report, dept);
  planSheet(wb, report);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
