/**
 * Report periods (reports.md): a month `2026-11`, an ISO week `2026-W48`, a day `2026-11-23` or a
 * quarter `2026-Q4`, each `[start, end)` in a store's own time zone. The text names the period;
 * where it falls in time depends on the zone, so the bounds are always worked out for one zone.
 */
import { DateTime } from 'luxon';

export type PeriodKind = 'day' | 'week' | 'month' | 'quarter';

export interface Period {
  kind: PeriodKind;
  /** The period as written, normalised: '2026-11', '2026-W48', '2026-11-23', '2026-Q4'. */
  id: string;
  year: number;
  /** Month 1–12 (month, day), ISO week 1–53 (week) or quarter 1–4. */
  index: number;
  /** Day of the month (day periods only). */
  day?: number;
}

const PATTERNS: [PeriodKind, RegExp][] = [
  ['day', /^(\d{4})-(\d{2})-(\d{2})$/],
  ['week', /^(\d{4})-W(\d{2})$/],
  ['month', /^(\d{4})-(\d{2})$/],
  ['quarter', /^(\d{4})-Q([1-4])$/],
];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function idOf(kind: PeriodKind, year: number, index: number, day?: number): string {
  if (kind === 'day') return `${pad(year, 4)}-${pad(index)}-${pad(day!)}`;
  if (kind === 'week') return `${pad(year, 4)}-W${pad(index)}`;
  if (kind === 'month') return `${pad(year, 4)}-${pad(index)}`;
  return `${pad(year, 4)}-Q${index}`;
}

const make = (kind: PeriodKind, year: number, index: number, day?: number): Period =>
  day === undefined
    ? { kind, id: idOf(kind, year, index), year, index }
    : { kind, id: idOf(kind, year, index, day), year, index, day };

/** Reads a period, or says what is wrong with the text. */
export function parsePeriod(text: string): { ok: true; period: Period } | { ok: false; reason: string } {
  for (const [kind, re] of PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const year = Number(m[1]);
    const index = Number(m[2]);
    if (year < 2000 || year > 2999) return { ok: false, reason: `year ${year} is out of range (2000–2999)` };
    if (kind === 'day') {
      const day = Number(m[3]);
      if (!DateTime.fromObject({ year, month: index, day }, { zone: 'UTC' }).isValid) {
        return { ok: false, reason: `${text} is not a calendar date` };
      }
      return { ok: true, period: make('day', year, index, day) };
    }
    if (kind === 'month' && (index < 1 || index > 12)) return { ok: false, reason: `month ${m[2]} is not 01–12` };
    if (kind === 'week') {
      const weeks = DateTime.fromObject({ year, month: 12, day: 28 }, { zone: 'UTC' }).weekNumber;
      if (index < 1 || index > weeks) return { ok: false, reason: `ISO year ${year} has weeks W01–W${pad(weeks)}` };
    }
    return { ok: true, period: make(kind, year, index) };
  }
  return { ok: false, reason: 'a period is YYYY-MM, YYYY-Www, YYYY-MM-DD or YYYY-Qn' };
}

/** The first local instant of the period in `zone`. */
function startIn(p: Period, zone: string): DateTime {
  if (p.kind === 'day') return DateTime.fromObject({ year: p.year, month: p.index, day: p.day! }, { zone });
  if (p.kind === 'week') return DateTime.fromObject({ weekYear: p.year, weekNumber: p.index, weekday: 1 }, { zone });
  if (p.kind === 'month') return DateTime.fromObject({ year: p.year, month: p.index, day: 1 }, { zone });
  return DateTime.fromObject({ year: p.year, month: (p.index - 1) * 3 + 1, day: 1 }, { zone });
}

const LENGTH: Record<PeriodKind, Record<string, number>> = {
  day: { days: 1 },
  week: { weeks: 1 },
  month: { months: 1 },
  quarter: { months: 3 },
};

/** The period's `[start, end)` in ms, at local midnights of `zone` (DST days are 23 or 25 hours). */
export function periodBounds(p: Period, zone: string): { start: number; end: number } {
  const start = startIn(p, zone);
  return { start: start.toMillis(), end: start.plus(LENGTH[p.kind]).toMillis() };
}

/** The close of a period: one local day after its end. Late events are those applied after it. */
export function periodClose(p: Period, zone: string): number {
  return startIn(p, zone).plus(LENGTH[p.kind]).plus({ days: 1 }).toMillis();
}

/** The period of the same kind holding a local date. */
function periodAt(kind: PeriodKind, d: DateTime): Period {
  if (kind === 'day') return make('day', d.year, d.month, d.day);
  if (kind === 'week') return make('week', d.weekYear, d.weekNumber);
  if (kind === 'month') return make('month', d.year, d.month);
  return make('quarter', d.year, Math.ceil(d.month / 3));
}

/** The period `n` steps before (n = 1: the one just before; negative: after). */
export function shiftPeriod(p: Period, n: number): Period {
  const start = startIn(p, 'UTC');
  const unit = { day: 'days', week: 'weeks', month: 'months', quarter: 'months' }[p.kind];
  const steps = p.kind === 'quarter' ? 3 * n : n;
  return periodAt(p.kind, start.minus({ [unit]: steps }));
}

/**
 * The same period a year earlier: the same month, quarter or date; for a week the same ISO week
 * number of the previous ISO year (W53 becomes W52 when that year has no 53rd week). 29 February
 * compares with 28 February.
 */
export function lastYearPeriod(p: Period): Period {
  if (p.kind === 'week') {
    const weeks = DateTime.fromObject({ year: p.year - 1, month: 12, day: 28 }, { zone: 'UTC' }).weekNumber;
    return make('week', p.year - 1, Math.min(p.index, weeks));
  }
  if (p.kind === 'day') {
    const d = DateTime.fromObject({ year: p.year - 1, month: p.index, day: 1 }, { zone: 'UTC' });
    return make('day', p.year - 1, p.index, Math.min(p.day!, d.daysInMonth!));
  }
  return make(p.kind, p.year - 1, p.index);
}

/** The period of `kind` holding the moment `ms` in `zone` (the current period, for `now`). */
export function periodHolding(kind: PeriodKind, ms: number, zone: string): Period {
  return periodAt(kind, DateTime.fromMillis(ms, { zone }));
}

/** The last `count` periods ending with `p`, oldest first (the report's trend charts). */
export function trailingPeriods(p: Period, count: number): Period[] {
  return Array.from({ length: count }, (_, i) => shiftPeriod(p, count - 1 - i));
}
