/**
 * The month so far of one store, as the demo back-fills it: every event since the 1st (the demo's
 * sample of the plan, `plan-sample.ts`, the same share as the history's months), and with
 * them the opening (and response) of each complaint resolved since the 1st but opened before it.
 * Without its opening a complaint resolved this month has no handling time, and the wall would show
 * 已结 2 beside a median handling time of "—" — as no real complaint desk would.
 */
import type { PulseEvent } from '../../domain/events.js';
import type { StoreProfile } from './dealership.js';
import { generateStoreEvents } from './generate.js';
import { DEMO_SHARE } from './plan-sample.js';

/**
 * What the demo plans for a range of its month and of the live run after it: the plan at the demo's
 * share, the same sample as the history's months (`plan-sample.ts`), so this month compares with
 * the ones before like with like.
 */
export function livePlan(
  store: StoreProfile,
  opts: { seed: number; from: number; to: number; now: number; demoStart: number; share?: number },
): PulseEvent[] {
  return generateStoreEvents(store, { ...opts, share: opts.share ?? DEMO_SHARE });
}

/** How far before the 1st a complaint resolved this month may have been opened (the slowest take ~8 days). */
const COMPLAINT_REACH_MS = 14 * 24 * 3_600_000;

export function monthBackfill(
  store: StoreProfile,
  opts: { seed: number; from: number; now: number; demoStart: number; share?: number },
): PulseEvent[] {
  const { seed, now, demoStart, share } = opts;
  const month = livePlan(store, { seed, from: opts.from, to: now + 1, now, demoStart, share });
  const resolved = new Set(month.filter((e) => e.type === 'complaint.resolved').map((e) => e.complaintId));
  const before = livePlan(store, { seed, from: opts.from - COMPLAINT_REACH_MS, to: opts.from, now, demoStart, share }).filter(
    (e) => (e.type === 'complaint.opened' || e.type === 'complaint.responded') && resolved.has(e.complaintId),
  );
  return [...before, ...month];
}
