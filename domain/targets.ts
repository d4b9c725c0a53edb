/**
 * Monthly targets' pace (刚性目标, kpis.md "targets"): actual ÷ (target × the elapsed share of the
 * month); 1 or more is on track. The snapshot holds it back (null) before the early-month guard
 * (early-month.ts) lifts; the wall tones it, and the `target_behind` alert watches it only once its
 * own guard (`targetPaceAfterDay`) has passed: a few days say little of a month.
 */
import { isEarlyDay } from './early-month.js';

/** On track from this pace. */
export const PACE_ON_TRACK = 1;
/** The default line under which a target is behind (alert setting `targetPaceBelow`, the wall's red). */
export const DEFAULT_TARGET_PACE_BELOW = 0.9;
/** The default last day of the month on which pace raises no alert (setting `targetPaceAfterDay`). */
export const DEFAULT_TARGET_PACE_AFTER_DAY = 10;

/**
 * What one store's target asks for by now, as the exact fraction target × elapsedMs ÷ monthMs
 * (integers: a store's month and the part of it gone by, in ms).
 */
export interface TargetDue {
  target: number;
  elapsedMs: number;
  monthMs: number;
}

/**
 * The pace of the month's actual (summed over the stores) against what their targets ask for by
 * now, Σ target × elapsed share of that store's own month; null before the guard lifts on
 * `localDay` (1 = the 1st) or when nothing is due yet. Unrounded: when the stores' months are as
 * long (the usual case), one division of integers — Σactual × monthMs ÷ Σ(target × elapsedMs) —
 * gives the double nearest the exact quotient; otherwise the shares are summed as doubles.
 */
export function targetPace(actual: number, due: readonly TargetDue[], localDay: number): number | null {
  if (isEarlyDay(localDay) || due.length === 0) return null;
  const monthMs = due[0]!.monthMs;
  if (due.every((d) => d.monthMs === monthMs)) {
    const byNow = due.reduce((s, d) => s + d.target * d.elapsedMs, 0);
    return byNow > 0 ? (actual * monthMs) / byNow : null;
  }
  const byNow = due.reduce((s, d) => s + (d.target * d.elapsedMs) / d.monthMs, 0);
  return byNow > 0 ? actual / byNow : null;
}

/** `behind` under the line, else `onTrack` from PACE_ON_TRACK, else `close`; null without a pace. */
export type PaceStanding = 'onTrack' | 'close' | 'behind';

export function paceStanding(pace: number | null | undefined, below = DEFAULT_TARGET_PACE_BELOW): PaceStanding | null {
  if (pace === null || pace === undefined || !Number.isFinite(pace)) return null;
  if (pace < below) return 'behind';
  return pace >= PACE_ON_TRACK ? 'onTrack' : 'close';
}

/** The early-month guard of the alert: pace is watched only after day `afterDay` of the month. */
export const targetPaceWatched = (localDay: number, afterDay: number): boolean => localDay > afterDay;

/** Whether a target is behind for the alert: past the guard day of the month and under the line. */
export function targetBehind(
  pace: number | null,
  localDay: number,
  rules: { targetPaceBelow: number; targetPaceAfterDay: number },
): boolean {
  return targetPaceWatched(localDay, rules.targetPaceAfterDay) && paceStanding(pace, rules.targetPaceBelow) === 'behind';
}
