/** Colours of figures, by what their number means. */
import { paceStanding, type PaceStanding } from '../../domain/targets.js';

export type Tone = 'ok' | 'warn' | 'bad';

const PACE_TONE: Record<PaceStanding, Tone> = { onTrack: 'ok', close: 'warn', behind: 'bad' };

/** Target pace (domain/targets.ts): on track green, a little behind amber, further behind red. */
export function paceTone(pace: number | null | undefined): Tone | undefined {
  const standing = paceStanding(pace);
  return standing === null ? undefined : PACE_TONE[standing];
}

/** A count whose goal is zero (negative mentions, overdue tasks): red above it, green at it. */
export const zeroGoalTone = (n: number): Tone => (n > 0 ? 'bad' : 'ok');
