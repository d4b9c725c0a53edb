/**
 * Customer value (客户价值), kpis-operations.md: from each customer's value and last activity to
 * the five classes. Pure arithmetic: no Redis, no clock.
 *
 * - value: integer fen over the last 730 days (see fold.ts for what counts);
 * - high value (高价值): among the customers with value > 0 (n of them), k = max(1, floor(n / 5))
 *   — 20 % rounded down, at least one. The cut-off is the k-th highest value and every customer
 *   whose value reaches it is high: ties at the cut-off go up, so there may be more than k high
 *   customers, never fewer. Example: values 500, 400, 400, 300, 200, 100 (n = 6, k = 1): cut-off
 *   500, one high; values 400, 400, 300, 200, 100 (n = 5, k = 1): cut-off 400, two high.
 * - low value (低价值): the other customers with value > 0; none (无消费): value 0;
 * - likely to churn (易流失): value > 0 and no activity in the last `churnDays` days, that is the
 *   last activity is before now − churnDays × 24 h (activity exactly at that instant is recent).
 */
import { SEGMENT_CLASSES, type SegmentClass } from '../../domain/kpis.js';

export const DAY_MS = 86_400_000;
/** Value counts orders and repairs of the last 730 days. */
export const VALUE_DAYS = 730;

export interface CustomerValue {
  /** Fen over the value window. */
  valueFen: number;
  /** Time (ms) of the latest order, repair or showroom visit, null when none. */
  lastActivity: number | null;
}

export interface Classification {
  counts: Record<SegmentClass, number>;
  /** The lowest high value (fen), null when no customer has a value. */
  cutoffFen: number | null;
  /** The class of each customer, in the order given. */
  classes: SegmentClass[];
}

export const zeroCounts = (): Record<SegmentClass, number> =>
  Object.fromEntries(SEGMENT_CLASSES.map((c) => [c, 0])) as Record<SegmentClass, number>;

/** How many customers the top 20 % holds before ties: max(1, floor(n / 5)), 0 when n = 0. */
export const highCount = (n: number): number => (n === 0 ? 0 : Math.max(1, Math.floor(n / 5)));

/** The k-th highest of the positive values (fen), null when there is none. */
export function highCutoff(values: ArrayLike<number>): number | null {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > 0) n++;
  const k = highCount(n);
  if (k === 0) return null;
  const positive = new Float64Array(n);
  for (let i = 0, j = 0; i < values.length; i++) if (values[i]! > 0) positive[j++] = values[i]!;
  // A typed array sorts numerically and fast: ascending, so the k-th highest is k from the end.
  return positive.sort()[n - k]!;
}

/** `lastActivity` null (or -Infinity) means no activity at all: churning once there is a value. */
export const isChurn = (lastActivity: number | null, now: number, churnDays: number): boolean =>
  lastActivity === null || lastActivity < now - churnDays * DAY_MS;

/** Index into SEGMENT_CLASSES. */
const HIGH_STABLE = SEGMENT_CLASSES.indexOf('highStable');
const HIGH_CHURN = SEGMENT_CLASSES.indexOf('highChurn');
const LOW_STABLE = SEGMENT_CLASSES.indexOf('lowStable');
const LOW_CHURN = SEGMENT_CLASSES.indexOf('lowChurn');
const NONE = SEGMENT_CLASSES.indexOf('none');

/**
 * The classes of many customers held as columns (no object per customer): `lastActivity` in ms,
 * -Infinity for none. Returns each customer's class as an index into SEGMENT_CLASSES.
 */
export function classifyColumns(
  valueFen: ArrayLike<number>,
  lastActivity: ArrayLike<number>,
  now: number,
  churnDays: number,
): { counts: Record<SegmentClass, number>; cutoffFen: number | null; classes: Uint8Array } {
  const cutoffFen = highCutoff(valueFen);
  const churnBefore = now - churnDays * DAY_MS;
  const classes = new Uint8Array(valueFen.length);
  const tally = SEGMENT_CLASSES.map(() => 0);
  for (let i = 0; i < valueFen.length; i++) {
    const v = valueFen[i]!;
    let cls = NONE;
    if (v > 0 && cutoffFen !== null) {
      const churn = lastActivity[i]! < churnBefore;
      cls = v >= cutoffFen ? (churn ? HIGH_CHURN : HIGH_STABLE) : churn ? LOW_CHURN : LOW_STABLE;
    }
    classes[i] = cls;
    tally[cls]!++;
  }
  const counts = Object.fromEntries(SEGMENT_CLASSES.map((c, i) => [c, tally[i]!])) as Record<SegmentClass, number>;
  return { counts, cutoffFen, classes };
}

export function classify(customers: readonly CustomerValue[], now: number, churnDays: number): Classification {
  const r = classifyColumns(
    customers.map((c) => c.valueFen),
    customers.map((c) => c.lastActivity ?? -Infinity),
    now,
    churnDays,
  );
  return { counts: r.counts, cutoffFen: r.cutoffFen, classes: Array.from(r.classes, (i) => SEGMENT_CLASSES[i]!) };
}
