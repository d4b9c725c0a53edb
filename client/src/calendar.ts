/** Points for the calendar charts: running totals of daily figures, and straight reference lines. */
import type { CalendarPoint } from './components/charts/CalendarChart.vue';

/**
 * The running total of `daily` (one value per day of the month so far, today last) as points at the
 * end of each day, starting from 0 on the 1st; today's point sits at `elapsedDays`, where the month
 * stands now. Values are multiplied by `scale` (e.g. 100 / target for a percentage of a target).
 */
export function runningTotal(daily: readonly number[], elapsedDays: number, scale = 1): CalendarPoint[] {
  const points: CalendarPoint[] = [{ x: 0, y: 0 }];
  let sum = 0;
  const n = daily.length;
  daily.forEach((v, i) => {
    sum += Number.isFinite(v) ? v : 0;
    const x = i < n - 1 ? i + 1 : Math.min(n, Math.max(n - 1 + 0.02, elapsedDays));
    points.push({ x, y: sum * scale });
  });
  return points;
}

/** A straight line from (x0, y0) to (x1, y1). */
export const straight = (x0: number, y0: number, x1: number, y1: number): CalendarPoint[] => [
  { x: x0, y: y0 },
  { x: x1, y: y1 },
];

/** A round top for an axis: 1, 2 or 5 times a power of ten, at least `v`. */
export function niceCeil(v: number): number {
  if (!Number.isFinite(v) || v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
