/**
 * The early-month guard (kpis-operations.md, "pace"): before 00:00 of the 4th local day a month's
 * readings that extrapolate from the days so far (target pace, the budgets' month-end forecast)
 * are held back — two days of spend are not "8× the budget by the 31st". The snapshot sends target
 * `pace` as null until then; the wall holds the forecast back itself.
 */

/** The first local day of the month on which extrapolated readings are shown. */
export const READINGS_FROM_DAY = 4;

/** Whether a local day of the month (1 = the 1st) falls before the guard lifts. */
export const isEarlyDay = (localDay: number): boolean => localDay < READINGS_FROM_DAY;

/**
 * Whether a moment, written with its local offset as the snapshots' `asOf` is
 * ("2026-12-03T21:20:00.000+08:00"), falls before the guard lifts. The local day is read off the
 * text itself, so no time zone database is needed.
 */
export function isEarlyMonth(localIso: string): boolean {
  const day = Number(/^\d{4}-\d{2}-(\d{2})T/.exec(localIso)?.[1]);
  return Number.isInteger(day) && isEarlyDay(day);
}
