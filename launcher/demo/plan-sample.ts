/**
 * The demo runs a consistent sample of what the generator plans, the same share on every day — the
 * two years of history, the month so far and the live feed alike — so that a report comparing this
 * month (or week) with the one before or the year before compares like with like. A store's full
 * plan would be about 230,000 events over the history (Redis ~900 bytes each), four stores 0.9 GB —
 * more than a demo should ask of a laptop; at the share, a store sells some 30–50 cars a month, as
 * a mid-sized 4S store does.
 *
 * Each planned thing — a visit, a lead, an order with its delivery, tasks, calls and survey, a repair
 * with its booking, calls and survey — is kept or left out as a whole, in the same share for every
 * family and day: counts are that share of the plan, every ratio (callback and appointment rates,
 * conversion, show rate, satisfaction) stays what the plan gives. Stock goes out with the things
 * kept (`generate.ts` samples the occasions), spend follows the same share, with budgets of that
 * share (`budgetIn`), and complaints are planned about the repairs kept (2–5 % of them). Media
 * mentions, a handful a week whatever the store's size, are all kept.
 *
 * History besides leaves out what no report figure reads (`readByReports`): stock movements and
 * stocktakes (the books of stock open on the 1st of the month the demo starts in), post-sale tasks'
 * openings (all were done long ago; reports count completions), call attempts that reached nobody
 * (met and missed are judged by reaching the customer) and bookings called off (a cancelled booking
 * is no appointment). The live month keeps them: the wall shows open tasks, missed calls and stock.
 * Co-op claims, decisions and payments are planned from the sampled budgets' spends, and all kept.
 *
 * Keeping is systematic, not a coin toss per thing: of each day's numbered visits (orders, …) the
 * kept ones are evenly spread, so a month's count is the plan's times the share within one or two,
 * and growth or a holiday dip shows as clearly in the sample as in the plan.
 */
import type { BudgetPlan } from './dealership.js';
import { hashSeed } from './random.js';
import type { EventBody } from './timeline.js';

/**
 * Share of the plan the demo runs, every month alike: sized for ≤ 200 MB of Redis and a history load
 * of about a minute (see README); more would not fit the memory, less would leave the live wall still.
 */
export const DEMO_SHARE = 0.2;

/** What a planned thing's events are named after: `HZ01-or-20261125-07-cb1` belongs to `HZ01-or-20261125-07`. */
export function thingOf(id: string): string {
  const base = id.split('.')[0]!.replace(/-(cb\d+|svy|insurance|loan|plate|inspection|pickup_notice)$/, '');
  // A booking is kept with the repair it books: `HZ01-ap-20261125-007` books `HZ01-ro-20261125-0007`.
  const booking = /^(.+)-ap-(\d{8})-(\d+)$/.exec(base);
  return booking ? `${booking[1]}-ro-${booking[2]}-${booking[3]!.padStart(4, '0')}` : base;
}

/**
 * Whether a planned thing is in the sample: its number n in its day's sequence is kept when
 * ⌊n·share + φ⌋ steps up, φ a phase of its own per sequence — `share` of every run of numbers.
 */
export function inSample(thing: string, seed: number, share: number): boolean {
  if (share >= 1) return true;
  const m = /^(.*?)(\d+)$/.exec(thing);
  const phase = hashSeed(seed, 'history', m ? m[1]! : thing) / 4294967296;
  if (!m) return phase < share;
  const n = Number(m[2]);
  return Math.floor(n * share + phase) > Math.floor((n - 1) * share + phase);
}

/** Whether a planned event is in the sample: the one rule for every day the demo plans. */
export function keptInSample(e: EventBody, seed: number, share: number): boolean {
  switch (e.type) {
    case 'material.moved':
    case 'material.counted':
      // Issued with the occasions kept, restocked to what they issue: sampled where they are planned.
      return true;
    case 'spend.recorded':
    case 'coop.claim.submitted':
    case 'coop.claim.decided':
    case 'coop.claim.paid':
    case 'complaint.opened':
    case 'complaint.responded':
    case 'complaint.resolved':
      // Planned against the sample already: spend against its budgets (co-op claims against that
      // spend), complaints about its repairs.
      return true;
    case 'media.mention':
      // The press writes about a store whatever its size: a handful a week, all kept.
      return true;
  }
  return inSample(thingOf(e.id), seed, share);
}

/** Whether a report figure reads the event: what the history holds of the sample. */
export function readByReports(e: EventBody): boolean {
  switch (e.type) {
    case 'material.moved':
    case 'material.counted':
    case 'appointment.cancelled':
      return false;
    case 'appointment.booked':
      // A booking later called off (`…-x1`) comes to nothing.
      return !/-x\d+$/.test(e.appointmentId);
    case 'postsale.task':
      return e.status !== 'open';
    case 'callback.attempted':
      return e.outcome === 'reached';
  }
  return true;
}

/** A budget as the demo runs it: the same share of its amount, in round thousands. */
export const budgetIn = (budget: BudgetPlan, share: number): BudgetPlan =>
  share >= 1 ? budget : { ...budget, amount: Math.max(1000, Math.round((budget.amount * share) / 1000) * 1000) };
