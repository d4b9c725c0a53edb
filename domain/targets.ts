/**
 * Monthly targets' pace (刚性目标, kpis.md "targets"): actual ÷ (target × the elapsed share of the
 * month); 1 or more is on track. The wall tones it, and the `target_behind` alert watches it only
 * once its early-month guard (`targetPaceAfterDay`) has passed: a few days say little of a month.
 */

/** On track from this pace. */
export const PACE_ON_TRACK = 1;
/** The default line under which a target is behind (alert setting `targetPaceBelow`, the wall's red). */
export const DEFAULT_TARGET_PACE_BELOW = 0.9;
/** The default last day of the month on which pace raises no alert (setting `targetPaceAfterDay`). */
export const DEFAULT_TARGET_PACE_AFTER_DAY = 10;

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** The pace, to 4 places; null before any of the month has elapsed. */
export const targetPace = (target: number, actual: number, elapsed: number): number | null =>
  elapsed > 0 ? round4(actual / (target * elapsed)) : null;

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
