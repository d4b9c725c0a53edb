/** Report periods (reports.md, "Periods"): reading, bounds in a zone, and the periods compared. */
import { describe, expect, it } from 'vitest';
import {
  lastYearPeriod,
  parsePeriod,
  periodBounds,
  periodClose,
  shiftPeriod,
  trailingPeriods,
  type Period,
} from '../domain/periods.js';

const p = (id: string): Period => {
  const r = parsePeriod(id);
  if (!r.ok) throw new Error(r.reason);
  return r.period;
};

describe('reading a period', () => {
  it('takes months, ISO weeks, days and quarters', () => {
    expect(['2026-11', '2026-W48', '2026-11-23', '2026-Q4'].map((id) => p(id).kind)).toEqual(['month', 'week', 'day', 'quarter']);
  });

  it.each([
    ['2026-13', 'month 13 is not 01–12'],
    ['2026-02-30', '2026-02-30 is not a calendar date'],
    ['2025-W53', 'ISO year 2025 has weeks W01–W52'],
    ['2026-Q5', 'a period is YYYY-MM, YYYY-Www, YYYY-MM-DD or YYYY-Qn'],
    ['26-11', 'a period is YYYY-MM, YYYY-Www, YYYY-MM-DD or YYYY-Qn'],
    ['1999-12', 'year 1999 is out of range (2000–2999)'],
  ])('refuses %s: %s', (id, reason) => {
    expect(parsePeriod(id)).toEqual({ ok: false, reason });
  });

  it('knows 2026 has a 53rd ISO week', () => {
    expect(p('2026-W53').id).toBe('2026-W53');
  });
});

describe('bounds in a zone', () => {
  it('an ISO week runs Monday to Monday; week 1 holds the first Thursday', () => {
    // 1 Jan 2026 is a Thursday: week 1 starts Monday 29 Dec 2025.
    expect(periodBounds(p('2026-W01'), 'UTC')).toEqual({
      start: Date.parse('2025-12-29T00:00:00Z'),
      end: Date.parse('2026-01-05T00:00:00Z'),
    });
  });

  it('a Berlin month with the clocks going back is 31 days and an hour', () => {
    const { start, end } = periodBounds(p('2026-10'), 'Europe/Berlin');
    expect([start, end]).toEqual([Date.parse('2026-09-30T22:00:00Z'), Date.parse('2026-10-31T23:00:00Z')]);
    expect((end - start) / 3600_000).toBe(31 * 24 + 1);
  });

  it('a quarter in Shanghai, and its close a local day after its end', () => {
    expect(periodBounds(p('2026-Q4'), 'Asia/Shanghai')).toEqual({
      start: Date.parse('2026-10-01T00:00:00+08:00'),
      end: Date.parse('2027-01-01T00:00:00+08:00'),
    });
    expect(periodClose(p('2026-Q4'), 'Asia/Shanghai')).toBe(Date.parse('2027-01-02T00:00:00+08:00'));
  });
});

describe('the periods compared', () => {
  it.each([
    ['2026-01', '2025-12', '2025-01'],
    ['2026-W01', '2025-W52', '2025-W01'],
    ['2026-W53', '2026-W52', '2025-W52'],
    ['2026-03-01', '2026-02-28', '2025-03-01'],
    ['2028-02-29', '2028-02-28', '2027-02-28'],
    ['2026-Q1', '2025-Q4', '2025-Q1'],
  ])('%s: the one before is %s, last year’s %s', (id, previous, lastYear) => {
    expect([shiftPeriod(p(id), 1).id, lastYearPeriod(p(id)).id]).toEqual([previous, lastYear]);
  });

  it('lists the trailing periods oldest first', () => {
    expect(trailingPeriods(p('2026-W02'), 4).map((x) => x.id)).toEqual(['2025-W51', '2025-W52', '2026-W01', '2026-W02']);
  });
});
