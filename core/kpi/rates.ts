/**
 * Callback and appointment rates from counts. Pure: the counts come from Redis range queries,
 * the arithmetic is here so it can be checked against hand-worked examples.
 */
import { ratio, type CallbackFigure, type RateFigure } from '../../domain/kpis.js';

/** Counts of one window [start, now] of one callback kind, with `cutoff` = now − deadline. */
export interface CallbackCounts {
  /** Subjects with at in [start, now]. */
  subjects: number;
  /** Met subjects with at in [start, now]. */
  met: number;
  /** Subjects with at in [start, cutoff]: past their deadline. */
  due: number;
  /** Met subjects with at in [start, cutoff]. */
  dueMet: number;
}

export function callbackFigure(c: CallbackCounts): CallbackFigure {
  const missed = c.due - c.dueMet;
  const denominator = c.met + missed;
  return {
    value: ratio(c.met, denominator),
    numerator: c.met,
    denominator,
    pending: c.subjects - c.met - missed,
    missed,
  };
}

export function rateFigure(numerator: number, denominator: number): RateFigure {
  return { value: ratio(numerator, denominator), numerator, denominator };
}
