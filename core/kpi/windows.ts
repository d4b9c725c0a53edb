/** Time windows in a store's own time zone (kpis.md): today and month, both ending now. */
import { DateTime } from 'luxon';

export interface Windows {
  now: number;
  timezone: string;
  todayStart: number;
  monthStart: number;
  /** Start of next month: the month's length is monthEnd − monthStart. */
  monthEnd: number;
  /** 'YYYY-MM' of now, the month a budget must name to be current. */
  month: string;
  /** Local days of the month up to today: [start, end) in ms with their 'YYYY-MM-DD'. */
  days: { date: string; start: number; end: number }[];
}

function computeWindows(now: number, timezone: string): Windows {
  const local = DateTime.fromMillis(now, { zone: timezone });
  const month = local.startOf('month');
  const today = local.startOf('day');
  const days: Windows['days'] = [];
  for (let d = month; d <= today; d = d.plus({ days: 1 })) {
    days.push({ date: d.toFormat('yyyy-MM-dd'), start: d.toMillis(), end: d.plus({ days: 1 }).toMillis() });
  }
  return {
    now,
    timezone,
    todayStart: today.toMillis(),
    monthStart: month.toMillis(),
    monthEnd: month.plus({ months: 1 }).toMillis(),
    month: local.toFormat('yyyy-MM'),
    days,
  };
}

/** The last windows computed per time zone: every moment of the same local day has the same ones. */
const lastByZone = new Map<string, Windows>();

/** The windows at `now`. Read-only: moments of the same local day share the `days` list. */
export function windowsAt(now: number, timezone: string): Windows {
  const last = lastByZone.get(timezone);
  if (last && now >= last.todayStart && now < last.days[last.days.length - 1]!.end) return { ...last, now };
  const w = computeWindows(now, timezone);
  lastByZone.set(timezone, w);
  return { ...w };
}

/** Share of the month gone by now, in (0, 1]. */
export function elapsedFraction(w: Pick<Windows, 'now' | 'monthStart' | 'monthEnd'>): number {
  return (w.now - w.monthStart) / (w.monthEnd - w.monthStart);
}

/** The local day of the month of `now` (1 = the 1st): the early-month guard's day. */
export const localDayOf = (w: Pick<Windows, 'days'>): number => w.days.length;

/** The month's length and the part of it gone by, in ms: the exact terms of a target's pace. */
export const monthClockOf = (w: Pick<Windows, 'now' | 'monthStart' | 'monthEnd'>): { elapsedMs: number; monthMs: number } => ({
  elapsedMs: w.now - w.monthStart,
  monthMs: w.monthEnd - w.monthStart,
});

/** The snapshot's `asOf`: local time with offset, e.g. 2026-11-23T14:05:00.000+08:00. */
export function isoInZone(now: number, timezone: string): string {
  return DateTime.fromMillis(now, { zone: timezone }).toISO() ?? new Date(now).toISOString();
}
