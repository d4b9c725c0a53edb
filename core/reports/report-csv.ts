/**
 * A period report as CSV (reports.md, `Accept: text/csv`): one row per comparable figure in
 * REPORT_FIGURES order — its dotted name, its label, the value, the previous period's value and
 * the change to it, last year's value and the change to it — then the month's targets. Numbers are
 * written exactly as in the JSON (no rounding: a ratio is 0.7777777777777778, its change in
 * percentage points); an empty cell is `null`. UTF-8 with a BOM and CRLF line ends, so Excel in a
 * Chinese locale opens it as it should.
 */
import { TARGET_KEYS } from '../../domain/kpis.js';
import { figureAt, REPORT_FIGURES, type Report } from '../../domain/reports.js';
import { csvCell } from '../imports/csv.js';
import { TARGET_LABELS, TARGET_PARTS } from './report-labels.js';

export const REPORT_CSV_COLUMNS = ['figure', 'label', 'value', 'previous', 'change', 'lastYear', 'lastYearChange'] as const;

export type ReportCsvValue = string | number | boolean | null | undefined;

/**
 * A spreadsheet reads a text cell starting with = + - @ (or a tab or CR before one) as a formula
 * (CSV injection); such text is written with a leading apostrophe. Numbers are never text here, so
 * a negative change stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function reportCsvCell(value: ReportCsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return csvCell(FORMULA_START.test(value) ? `'${value}` : value);
}

export function reportCsv(report: Report, lang: 'zh-CN' | 'en' = 'zh-CN'): string {
  const zh = lang === 'zh-CN';
  const rows: ReportCsvValue[][] = [[...REPORT_CSV_COLUMNS]];
  for (const def of REPORT_FIGURES) {
    const f = figureAt(report.figures, def.name);
    rows.push([
      def.name,
      zh ? def.zh : def.en,
      f.value,
      f.previous?.value,
      f.previous?.delta,
      f.lastYear?.value,
      f.lastYear?.delta,
    ]);
  }
  // Targets have no comparisons: a month's target is set for that month alone.
  for (const key of TARGET_KEYS) {
    const t = report.figures.targets[key];
    if (!t) continue;
    for (const part of ['target', 'actual', 'progress', 'met'] as const) {
      const label = zh ? `${TARGET_LABELS[key].zh}${TARGET_PARTS[part].zh}` : `${TARGET_LABELS[key].en} ${TARGET_PARTS[part].en}`;
      rows.push([`targets.${key}.${part}`, label, t[part], null, null, null, null]);
    }
  }
  return '\uFEFF' + rows.map((r) => r.map(reportCsvCell).join(',') + '\r\n').join('');
}
