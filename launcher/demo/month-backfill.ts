/**
 * The month so far of one store, as the demo back-fills it: every event since the 1st, and with
 * them the opening (and response) of each complaint resolved since the 1st but opened before it.
 * Without its opening a complaint resolved this month has no handling time, and the wall would show
 * 已结 2 beside a median handling time of "—" — as no real complaint desk would.
 */
import type { PulseEvent } from '../../domain/events.js';
import type { StoreProfile } from './dealership.js';
import { generateStoreEvents } from './generate.js';

/** How far before the 1st a complaint resolved this month may have been opened (the slowest take ~8 days). */
const COMPLAINT_REACH_MS = 14 * 24 * 3_600_000;

export function monthBackfill(
  store: StoreProfile,
  opts: { seed: number; from: number; now: number; demoStart: number },
): PulseEvent[] {
  const month = generateStoreEvents(store, {
    seed: opts.seed,
    from: opts.from,
    to: opts.now + 1,
    now: opts.now,
    demoStart: opts.demoStart,
  });
  const resolved = new Set(month.filter((e) => e.type === 'complaint.resolved').map((e) => e.complaintId));
  const before = generateStoreEvents(store, {
    seed: opts.seed,
    from: opts.from - COMPLAINT_REACH_MS,
    to: opts.from,
    now: opts.now,
    demoStart: opts.demoStart,
  }).filter((e) => (e.type === 'complaint.opened' || e.type === 'complaint.responded') && resolved.has(e.complaintId));
  return [...before, ...month];
}
