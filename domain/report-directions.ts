/**
 * Which way a report figure should move (reports.md, the comparisons): a rise in complaints is bad
 * news, a rise in a callback rate good news, a rise in total spend neither. The report page colours
 * its changes by this, and a summary that words them can too, so the rule has one home.
 */
export type Direction = 'upIsGood' | 'upIsBad' | 'neutral';

/** The figures (names as in REPORT_FIGURES) whose rise is bad news: the goal is fewer, or faster. */
const UP_IS_BAD = new Set([
  'complaints.opened',
  'complaints.medianResolutionHours',
  'complaints.openAtEnd',
  'complaints.overdueAtEnd',
  'spend.unbudgeted',
  'media.negative',
  // Claims turned down, and co-op money not yet claimed: the manufacturer's window is closing on it.
  'coop.decided.rejectedCount',
  'coop.unclaimedAtEnd.d0_30',
  'coop.unclaimedAtEnd.d31_60',
  'coop.unclaimedAtEnd.d61_90',
  'coop.unclaimedAtEnd.over90',
  'coop.unclaimedAtEnd.total',
]);

/**
 * Figures that are neither: more resolved complaints follow from more complaints, total spend and
 * mentions are judged against budget and tone elsewhere, and a survey count only says how many answered.
 */
const NEUTRAL = new Set([
  'complaints.resolved',
  'spend.spent',
  'media.total',
  'satisfaction.sales.count',
  'satisfaction.service.count',
]);

/** Every other figure (rates, leads, orders, satisfaction, members) is better when it rises. */
export function figureDirection(name: string): Direction {
  if (UP_IS_BAD.has(name)) return 'upIsBad';
  if (NEUTRAL.has(name)) return 'neutral';
  return 'upIsGood';
}

export type ChangeTone = 'good' | 'bad' | 'neutral';

/** The tone of a change: null or zero changes, and changes of neutral figures, are neutral. */
export function changeTone(name: string, delta: number | null): ChangeTone {
  if (delta === null || delta === 0 || !Number.isFinite(delta)) return 'neutral';
  const dir = figureDirection(name);
  if (dir === 'neutral') return 'neutral';
  return delta > 0 === (dir === 'upIsGood') ? 'good' : 'bad';
}
