/**
 * What a weekly or monthly summary says, in Chinese: the headline figures of the period with the
 * change to the period before, and the link to the full report page. Pure functions of the
 * report, one per medium (robot markdown, e-mail text and HTML), so all of them say the same.
 */
import { DateTime } from 'luxon';
import type { ComparedFigure, Report } from '../../domain/reports.js';
import { periodTitle, SUMMARY_NAMES, type ReportCadence } from '../../domain/report-delivery.js';
import type { Period } from '../../domain/periods.js';
import { markdownSafe } from '../notify/format.js';

type Unit = 'ratio' | 'count' | 'yuan';

export interface SummaryLine {
  label: string;
  /** The figure as shown: 85.7%, 12, 1,234.5 元, or — when there is nothing to count. */
  value: string;
  /** The change to the period before: 环比 +3.2个百分点, 环比 −2, 环比 持平, 环比 — (no data then). */
  change: string;
}

export interface Summary {
  /** 【周报】杭州一店 2026年第48周 */
  title: string;
  /** 11月23日–11月29日 */
  span: string;
  /** 截至 2026-11-30 09:00（Asia/Shanghai） */
  asOf: string;
  lines: SummaryLine[];
  url: string;
}

const number = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 2 });
const MINUS = '−';

function show(value: number | null, unit: Unit): string {
  if (value === null) return '—';
  if (unit === 'ratio') return `${(value * 100).toFixed(1)}%`;
  if (unit === 'yuan') return `${number.format(value)} 元`;
  return number.format(value);
}

function showChange(f: ComparedFigure, unit: Unit): string {
  const delta = f.previous?.delta ?? null;
  if (delta === null) return '环比 —';
  // Rounded as shown, so a change too small to show reads 持平 rather than +0.0.
  const shown = unit === 'ratio' ? Number(delta.toFixed(1)) : Math.round(delta * 100) / 100;
  if (shown === 0) return '环比 持平';
  const sign = shown > 0 ? '+' : MINUS;
  const size = Math.abs(shown);
  if (unit === 'ratio') return `环比 ${sign}${size.toFixed(1)}个百分点`;
  return `环比 ${sign}${number.format(size)}${unit === 'yuan' ? ' 元' : ''}`;
}

const line = (label: string, f: ComparedFigure, unit: Unit): SummaryLine => ({
  label,
  value: show(f.value, unit),
  change: showChange(f, unit),
});

/** The headline figures, in the order the operations centre reads them. */
export function summaryLines(report: Report): SummaryLine[] {
  const f = report.figures;
  return [
    line('销售回访率', f.salesCallbackRate, 'ratio'),
    line('售后回访率', f.serviceCallbackRate, 'ratio'),
    line('预约率', f.appointmentRate, 'ratio'),
    line('新增投诉', f.complaints.opened, 'count'),
    line('期末未结投诉', f.complaints.openAtEnd, 'count'),
    line('期末超时投诉', f.complaints.overdueAtEnd, 'count'),
    line('订单', f.orders.count, 'count'),
    line('交车', f.deliveries.count, 'count'),
    line('费用支出', f.spend.spent, 'yuan'),
  ];
}

/** The report page of the store and period. */
export const reportUrl = (publicUrl: string, store: string, period: string) =>
  `${publicUrl.replace(/\/+$/, '')}/reports/${encodeURIComponent(store)}/${encodeURIComponent(period)}`;

export function buildSummary(report: Report, period: Period, cadence: ReportCadence, publicUrl: string): Summary {
  const start = DateTime.fromISO(report.start, { setZone: true });
  // The end is exclusive (the next period's first midnight): the last day is the day before.
  const last = DateTime.fromISO(report.end, { setZone: true }).minus({ days: 1 });
  const asOf = DateTime.fromISO(report.asOf, { setZone: true }).setZone(report.timezone);
  return {
    title: `【${SUMMARY_NAMES[cadence]}】${report.name} ${periodTitle(period)}`,
    span: `${start.toFormat('M月d日')}–${last.toFormat('M月d日')}`,
    asOf: `截至 ${asOf.toFormat('yyyy-MM-dd HH:mm')}（${report.timezone}）`,
    lines: summaryLines(report),
    url: reportUrl(publicUrl, report.store ?? '', report.period),
  };
}

/** Plain text: the e-mail's text part, and what a text-only reader sees. */
export function summaryText(s: Summary): string {
  return [
    s.title,
    `${s.span} · ${s.asOf}`,
    '',
    ...s.lines.map((l) => `${l.label}：${l.value}（${l.change}）`),
    '',
    `完整报表：${s.url}`,
  ].join('\n');
}

/**
 * Robot markdown (WeCom, DingTalk, and the `markdown` field of the json format): quoted lines read
 * as a block in both robots. DingTalk joins single line breaks, so its lines are separated by a
 * blank line. The store's name is the only free text: its markup characters are neutralised.
 */
export function summaryMarkdown(s: Summary, lineBreak: '\n' | '\n\n' = '\n'): string {
  return [
    `#### ${markdownSafe(s.title)}`,
    `${s.span} · ${markdownSafe(s.asOf)}`,
    ...s.lines.map((l) => `> ${l.label}：**${l.value}**（${l.change}）`),
    `[查看完整报表](${s.url})`,
  ].join(lineBreak);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The e-mail's HTML part: a heading, a table of the figures, the link. */
export function summaryHtml(s: Summary): string {
  const rows = s.lines
    .map(
      (l) =>
        `<tr><td style="padding:4px 12px 4px 0">${escapeHtml(l.label)}</td>` +
        `<td style="padding:4px 12px;text-align:right"><b>${escapeHtml(l.value)}</b></td>` +
        `<td style="padding:4px 0;color:#666">${escapeHtml(l.change)}</td></tr>`,
    )
    .join('');
  return [
    '<!doctype html><html lang="zh-CN"><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(s.title)}</h2>`,
    `<p style="color:#666">${escapeHtml(s.span)} · ${escapeHtml(s.asOf)}</p>`,
    `<table style="border-collapse:collapse">${rows}</table>`,
    `<p><a href="${escapeHtml(s.url)}">查看完整报表</a>（附件为 Excel 版）</p>`,
    '</body></html>',
  ].join('\n');
}
