/**
 * The period picker's moves, given a clock: one period back or forward, never past the current
 * period (a period wholly in the future has no report), and a change of kind that lands on the
 * latest period of the new kind within the old one (month → its last week, or this week when the
 * month is the current one).
 */
import { parsePeriod, periodBounds, periodHolding, shiftPeriod, type Period, type PeriodKind } from '../../../domain/periods.js';

/** The period after `p`, or null when it has not begun at `now` in `zone`. */
export function nextPeriod(p: Period, now: number, zone: string): Period | null {
  const next = shiftPeriod(p, -1);
  return periodBounds(next, zone).start <= now ? next : null;
}

export const previousPeriod = (p: Period): Period => shiftPeriod(p, 1);

export function switchKind(p: Period, kind: PeriodKind, now: number, zone: string): Period {
  if (kind === p.kind) return p;
  const { end } = periodBounds(p, zone);
  return periodHolding(kind, Math.min(end - 1, now), zone);
}

/** The period in the address, or the current month when there is none. Null: not a period. */
export function periodOf(text: string | null, now: number, zone: string): Period | null {
  if (text === null) return periodHolding('month', now, zone);
  const parsed = parsePeriod(text);
  return parsed.ok ? parsed.period : null;
}
