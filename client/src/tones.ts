/** Colours of figures, by what their number means. */
export type Tone = 'ok' | 'warn' | 'bad';

/** Target pace: 1 or more is on track; a little behind is amber, further behind red. */
export function paceTone(pace: number | null | undefined): Tone | undefined {
  if (pace === null || pace === undefined || !Number.isFinite(pace)) return undefined;
  if (pace >= 1) return 'ok';
  return pace >= 0.9 ? 'warn' : 'bad';
}

/** A count whose goal is zero (negative mentions, overdue tasks): red above it, green at it. */
export const zeroGoalTone = (n: number): Tone => (n > 0 ? 'bad' : 'ok');
