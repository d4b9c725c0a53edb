/**
 * The demo's two years of history are a consistent sample of what the generator plans: a store's
 * full history would hold about 230,000 events (Redis ~900 bytes each), four stores 0.9 GB — more
 * than a demo should ask of a laptop. So each planned thing — a visit, a lead, an order with its
 * delivery, tasks, calls and survey, a repair with its booking, calls and survey, a complaint with
 * its handling — is kept or left out as a whole, in the same share for every family and day: counts
 * are that share of the plan, every ratio (callback and appointment rates, conversion, show rate,
 * satisfaction) stays what the plan gives, and a month compares with the month before and the year
 * before as the plan does. Spend follows the same share, with budgets of that share (`budgetIn`).
 *
 * Complaints and media mentions, a handful a week, are all kept.
 *
 * Besides, history leaves out what no report figure reads: stock movements (stock is counted on the
 * 1st of the month the demo starts in), post-sale tasks' openings (all were done long ago; reports
 * count completions), call attempts that reached nobody (met and missed are judged by reaching the
 * customer) and bookings called off (a cancelled booking is no appointment).
 *
 * Keeping is systematic, not a coin toss per thing: of each day's numbered visits (orders, …) the
 * kept ones are evenly spread, so a month's count is the plan's times the share within one or two,
 * and growth or a holiday dip shows as clearly in the sample as in the plan.
 */
import type { BudgetPlan } from './dealership.js';
import { hashSeed } from './random.js';
import type { EventBody } from './timeline.js';

/** Share of the plan the history keeps: sized for ≤ 200 MB of Redis and a start-up of about a minute (see README). */
export const HISTORY_SHARE = 0.2;

/** What a planned thing's events are named after: `HZ01-or-20261125-07-cb1` belongs to `HZ01-or-20261125-07`. */
function thingOf(id: string): string {
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

/** Whether an event planned for a history day goes into the history back-fill. */
export function keptInHistory(e: EventBody, seed: number, share: number): boolean {
  switch (e.type) {
    case 'material.moved':
    case 'appointment.cancelled':
      return false;
    case 'appointment.booked':
      // A booking later called off (`…-x1`) comes to nothing; the rest go with their repair.
      if (/-x\d+$/.test(e.appointmentId)) return false;
      break;
    case 'postsale.task':
      if (e.status === 'open') return false;
      break;
    case 'callback.attempted':
      if (e.outcome !== 'reached') return false;
      break;
    case 'spend.recorded':
    case 'media.mention':
    case 'complaint.opened':
    case 'complaint.responded':
    case 'complaint.resolved':
      // Spend is planned against the sampled budgets already. Mentions and complaints are a handful a
      // week: all kept, so that no month shows none, and they compare with the live month as they are.
      return true;
  }
  return inSample(thingOf(e.id), seed, share);
}

/** A budget as the history has it: the same share of its amount, in round thousands. */
export const budgetIn = (budget: BudgetPlan, share: number): BudgetPlan =>
  share >= 1 ? budget : { ...budget, amount: Math.max(1000, Math.round((budget.amount * share) / 1000) * 1000) };
