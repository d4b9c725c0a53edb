/**
 * The report page's pure parts, worked out by hand: how a figure and its change are written, which
 * way is good news, the period in words, the picker's moves against a pinned clock, the addresses.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parsePeriod, type Period } from '../domain/periods.js';
import { changeTone, figureDirection } from '../domain/report-directions.js';
import { REPORT_FIGURES } from '../domain/reports.js';
import { formatChange, formatValue } from '../client/src/reports/figure-format.js';
import { nextPeriod, periodOf, previousPeriod, switchKind } from '../client/src/reports/period-steps.js';
import { periodTick, periodWords } from '../client/src/reports/period-words.js';
import { parseReportRoute, reportApiPath, reportPath } from '../client/src/reports/report-path.js';
import { dispositionName } from '../client/src/reports/report-download.js';
import { reportLinkPath } from '../client/src/staff/report-link.js';
import { GROUP } from '../domain/protocol.js';

const P = (id: string): Period => {
  const r = parsePeriod(id);
  if (!r.ok) throw new Error(r.reason);
  return r.period;
};
const SH = 'Asia/Shanghai';
const at = (iso: string) => DateTime.fromISO(iso, { zone: SH }).toMillis();

describe('figure values', () => {
  it('writes each unit at its precision, and nothing as a dash', () => {
    expect(formatValue('ratio', 7 / 9)).toBe('77.8%');
    expect(formatValue('ratio', 1)).toBe('100.0%');
    expect(formatValue('ratio', 0)).toBe('0.0%');
    expect(formatValue('yuan', 1234567)).toBe('¥1,234,567');
    expect(formatValue('yuan', 404800.5)).toBe('¥404,800.50');
    expect(formatValue('yuan', 1234.567)).toBe('¥1,234.57');
    expect(formatValue('count', 12345)).toBe('12,345');
    expect(formatValue('hours', 12.25)).toBe('12.3');
    expect(formatValue('nps', 100 / 3)).toBe('33.3');
    expect(formatValue('score', 86.666)).toBe('86.67');
    for (const unit of ['ratio', 'yuan', 'count', 'hours', 'nps', 'score'] as const) {
      expect(formatValue(unit, null)).toBe('—');
      expect(formatValue(unit, undefined)).toBe('—');
    }
  });
});

describe('changes', () => {
  it('an arrow and the size, ratios in percentage points; a change that rounds to nothing is flat', () => {
    // 7/9 against 6/8: 25/9 = 2.777… pp.
    expect(formatChange('salesCallbackRate', 'ratio', 25 / 9)).toEqual({ arrow: '▲', text: '2.8', tone: 'good' });
    expect(formatChange('salesCallbackRate', 'ratio', -30)).toEqual({ arrow: '▼', text: '30.0', tone: 'bad' });
    expect(formatChange('salesCallbackRate', 'ratio', 0.04)).toEqual({ arrow: '', text: '0', tone: 'neutral' });
    expect(formatChange('complaints.opened', 'count', 2)).toEqual({ arrow: '▲', text: '2', tone: 'bad' });
    expect(formatChange('complaints.opened', 'count', -2)).toEqual({ arrow: '▼', text: '2', tone: 'good' });
    expect(formatChange('orders.amount', 'yuan', -304800.5)).toEqual({ arrow: '▼', text: '¥304,800.50', tone: 'bad' });
    expect(formatChange('spend.spent', 'yuan', 8500)).toEqual({ arrow: '▲', text: '¥8,500', tone: 'neutral' });
    expect(formatChange('complaints.medianResolutionHours', 'hours', 1.25)).toEqual({ arrow: '▲', text: '1.3', tone: 'bad' });
    expect(formatChange('orders.count', 'count', null)).toBeNull();
  });

  it('up is bad for complaints, overdue, negative media, unbudgeted spend, resolution time, rejected and unclaimed co-op; good for rates', () => {
    const bad = REPORT_FIGURES.filter((d) => figureDirection(d.name) === 'upIsBad').map((d) => d.name);
    expect(bad).toEqual([
      'complaints.opened',
      'complaints.medianResolutionHours',
      'complaints.openAtEnd',
      'complaints.overdueAtEnd',
      'spend.unbudgeted',
      'media.negative',
      'coop.decided.rejectedCount',
      'coop.unclaimedAtEnd.d0_30',
      'coop.unclaimedAtEnd.d31_60',
      'coop.unclaimedAtEnd.d61_90',
      'coop.unclaimedAtEnd.over90',
      'coop.unclaimedAtEnd.total',
    ]);
    expect(changeTone('coop.paid.amount', 800)).toBe('good');
    for (const rate of REPORT_FIGURES.filter((d) => d.unit === 'ratio')) expect(figureDirection(rate.name)).toBe('upIsGood');
    expect(changeTone('media.negative', 1)).toBe('bad');
    expect(changeTone('serviceCallbackRate', 5)).toBe('good');
    expect(changeTone('serviceCallbackRate', 0)).toBe('neutral');
  });
});

describe('periods in words', () => {
  it('month, ISO week with its days, day and quarter, in both languages', () => {
    expect(periodWords(P('2026-11'), 'zh-CN')).toBe('2026年11月');
    expect(periodWords(P('2026-W48'), 'zh-CN')).toBe('2026年第48周 (11月23日–29日)');
    // Week 53 of 2026 runs from Monday 28 December to Sunday 3 January 2027.
    expect(periodWords(P('2026-W53'), 'zh-CN')).toBe('2026年第53周 (12月28日–1月3日)');
    expect(periodWords(P('2026-11-23'), 'zh-CN')).toBe('2026年11月23日');
    expect(periodWords(P('2026-Q4'), 'zh-CN')).toBe('2026年第4季度');
    expect(periodWords(P('2026-11'), 'en')).toBe('November 2026');
    expect(periodWords(P('2026-W48'), 'en')).toBe('Week 48, 2026 (23–29 Nov)');
    expect(periodWords(P('2026-W53'), 'en')).toBe('Week 53, 2026 (28 Dec – 3 Jan)');
    expect(periodWords(P('2026-11-23'), 'en')).toBe('23 November 2026');
    expect(periodWords(P('2026-Q4'), 'en')).toBe('Q4 2026');
  });

  it('short chart labels, with the year on the first and at January', () => {
    expect(periodTick(P('2026-11'), 'zh-CN', false)).toBe('11月');
    expect(periodTick(P('2026-01'), 'zh-CN', false)).toBe('2026年1月');
    expect(periodTick(P('2025-12'), 'en', true)).toBe('Dec 2025');
    expect(periodTick(P('2026-W48'), 'zh-CN', false)).toBe('W48');
    expect(periodTick(P('2026-Q1'), 'en', false)).toBe('2026 Q1');
  });
});

describe('the picker, against a pinned clock', () => {
  // Thursday 3 December 2026, 10:00 in Shanghai.
  const now = at('2026-12-03T10:00');

  it('steps back freely and forward up to the current period only', () => {
    expect(previousPeriod(P('2026-01')).id).toBe('2025-12');
    expect(nextPeriod(P('2026-11'), now, SH)?.id).toBe('2026-12');
    expect(nextPeriod(P('2026-12'), now, SH)).toBeNull();
    expect(nextPeriod(P('2026-W48'), now, SH)?.id).toBe('2026-W49');
    expect(nextPeriod(P('2026-W49'), now, SH)).toBeNull();
    expect(nextPeriod(P('2026-12-02'), now, SH)?.id).toBe('2026-12-03');
    expect(nextPeriod(P('2026-12-03'), now, SH)).toBeNull();
    expect(nextPeriod(P('2026-Q4'), now, SH)).toBeNull();
  });

  it('a change of kind lands on the latest period of the new kind within the old one', () => {
    // November's last day, Monday 30 November, is in week 49.
    expect(switchKind(P('2026-11'), 'week', now, SH).id).toBe('2026-W49');
    expect(switchKind(P('2026-11'), 'day', now, SH).id).toBe('2026-11-30');
    expect(switchKind(P('2026-11'), 'quarter', now, SH).id).toBe('2026-Q4');
    // The current quarter: not beyond today.
    expect(switchKind(P('2026-Q4'), 'month', now, SH).id).toBe('2026-12');
    expect(switchKind(P('2026-Q4'), 'day', now, SH).id).toBe('2026-12-03');
    expect(switchKind(P('2026-W48'), 'month', now, SH).id).toBe('2026-11');
  });

  it('no period in the address: the current month; a malformed one: none', () => {
    expect(periodOf(null, now, SH)?.id).toBe('2026-12');
    expect(periodOf('2026-13', now, SH)).toBeNull();
  });
});

describe('addresses', () => {
  it('reads /reports/{store|group}/{period}', () => {
    expect(parseReportRoute('/reports/HZ01/2026-11')).toEqual({ kind: 'report', store: 'HZ01', period: '2026-11' });
    expect(parseReportRoute('/reports/group/2026-W48/')).toEqual({ kind: 'report', store: '*', period: '2026-W48' });
    expect(parseReportRoute('/reports/HZ01')).toEqual({ kind: 'report', store: 'HZ01', period: null });
    expect(parseReportRoute('/reports/HZ01/nov')).toEqual({ kind: 'not-found' });
    expect(parseReportRoute('/reports')).toEqual({ kind: 'not-found' });
    expect(parseReportRoute('/reports/a b/2026-11')).toEqual({ kind: 'not-found' });
  });

  it('writes the page and API paths', () => {
    expect(reportPath('*', '2026-Q4')).toBe('/reports/group/2026-Q4');
    expect(reportPath('HZ01')).toBe('/reports/HZ01');
    expect(reportApiPath('HZ01', '2026-11', '/trend')).toBe('/api/v1/stores/HZ01/reports/2026-11/trend');
    expect(reportApiPath('*', '2026-11')).toBe('/api/v1/reports/2026-11');
  });

  it("the staff page's link is the report page's address", () => {
    for (const store of ['HZ01', GROUP, 'a_b-9']) {
      expect(reportLinkPath(store)).toBe(reportPath(store));
      expect(parseReportRoute(reportLinkPath(store))).toEqual({ kind: 'report', store, period: null });
    }
  });

  it("takes a download's name from Content-Disposition", () => {
    expect(dispositionName('attachment; filename="HZ01-2026-11.csv"')).toBe('HZ01-2026-11.csv');
    expect(dispositionName('attachment; filename="x.xlsx"; filename*=UTF-8\'\'%E6%8A%A5%E8%A1%A8.xlsx')).toBe('报表.xlsx');
    expect(dispositionName(null)).toBeNull();
  });
});
