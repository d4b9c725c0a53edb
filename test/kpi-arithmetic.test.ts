/** The pure KPI arithmetic against hand-worked numbers, no I/O. */
import { describe, expect, it } from 'vitest';
import { callbackFigure } from '../core/kpi/rates.js';
import { complaintsFigure, median } from '../core/kpi/complaints.js';
import { budgetLine, spendFigure } from '../core/kpi/spend.js';
import { budgetStatus } from '../domain/budgets.js';
import { elapsedFraction, windowsAt } from '../core/kpi/windows.js';

describe('callback figure', () => {
  it('met over met-or-due, pending and missed', () => {
    // 10 subjects in the window, 6 met; 5 past the deadline of which 3 met → 2 missed, 2 pending.
    expect(callbackFigure({ subjects: 10, met: 6, due: 5, dueMet: 3 })).toEqual({
      value: 0.75,
      numerator: 6,
      denominator: 8,
      pending: 2,
      missed: 2,
    });
    expect(callbackFigure({ subjects: 3, met: 0, due: 0, dueMet: 0 }).value).toBeNull();
  });
});

describe('complaints', () => {
  it('median of an even and odd count, null when none', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([48, 22])).toBe(35);
    const f = complaintsFigure({
      open: 1,
      overdue: 0,
      today: { opened: 0, resolved: 0, resolutionMs: [] },
      month: { opened: 3, resolved: 4, resolutionMs: [1_200_000, 2_400_000, 3_000_000, 36_000_000] },
    });
    // The middle two, (2 400 000 + 3 000 000) / 2 ms = 0.75 h, sent unrounded.
    expect(f.month.medianResolutionHours).toBe(0.75);
    expect(f.today.medianResolutionHours).toBeNull();
  });
});

describe('budgets', () => {
  it('warns at warnAt and trips at 100 %', () => {
    expect(budgetStatus(79_999_99, 100_000_00, 0.8)).toBe('ok');
    expect(budgetStatus(80_000_00, 100_000_00, 0.8)).toBe('warn');
    expect(budgetStatus(99_999_99, 100_000_00, 0.8)).toBe('warn');
    expect(budgetStatus(100_000_00, 100_000_00, 0.8)).toBe('tripped');
    // 0.7 × 300 = 210 exactly, although 0.7 * 30000 is 20999.999… in floating point.
    expect(budgetStatus(21000, 30000, 0.7)).toBe('warn');
  });

  it('forecasts the month-end spend at the pace so far and totals in fen', () => {
    const line = budgetLine(
      { budgetId: 'B', settings: { store: 'S', name: 'n', month: '2026-11', amount: 0.3, warnAt: 0.8 }, spentFen: 10 },
      0.25,
    );
    expect(line).toMatchObject({ amount: 0.3, spent: 0.1, ratio: 10 / 30, status: 'ok', forecast: 0.4 });
    const other = { ...line, budgetId: 'C', amount: 0.1, spent: 0.2, ratio: 2, status: 'tripped' as const };
    const total = spendFigure([line, other], 7);
    expect(total).toMatchObject({ amount: 0.4, spent: 0.3, ratio: 0.75, unbudgeted: 0.07 });
    expect(total.budgets.map((b) => b.budgetId)).toEqual(['C', 'B']);
  });
});

describe('windows', () => {
  it('starts today and the month at local midnight', () => {
    const w = windowsAt(Date.parse('2026-11-30T16:30:00Z'), 'Asia/Shanghai'); // 1 Dec 00:30 in Shanghai
    expect(w.month).toBe('2026-12');
    expect(new Date(w.todayStart).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(w.monthStart).toBe(w.todayStart);
    expect(w.days.map((d) => d.date)).toEqual(['2026-12-01']);
    expect(elapsedFraction(w)).toBeCloseTo(0.5 / (31 * 24), 10);
  });

  it('has a 25-hour day when daylight saving ends', () => {
    const w = windowsAt(Date.parse('2026-11-02T12:00:00Z'), 'America/Los_Angeles');
    const first = w.days[0]!;
    expect(first.date).toBe('2026-11-01');
    expect((first.end - first.start) / 3600_000).toBe(25);
    expect(new Date(w.monthStart).toISOString()).toBe('2026-11-01T07:00:00.000Z');
  });
});
