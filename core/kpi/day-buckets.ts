/** Puts event times into the local days of the month so far. Pure. */
import type { Windows } from './windows.js';

/** Index of the local day holding `ms`, or -1 when outside the month so far. */
export function dayIndex(days: Windows['days'], ms: number): number {
  let lo = 0;
  let hi = days.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = days[mid]!;
    if (ms < d.start) hi = mid - 1;
    else if (ms >= d.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Pairs of a ZRANGEBYSCORE … WITHSCORES answer. */
export function withScores(flat: string[]): { member: string; score: number }[] {
  const out: { member: string; score: number }[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i]!, score: Number(flat[i + 1]) });
  return out;
}
