/**
 * The co-op ledger (厂家出帐) of one budget-month: the spend officer claims the month's co-op spends
 * from the manufacturer a few weeks after the month closes, with the invoices and proof of each
 * (投放截图, 活动照片); the manufacturer approves in full, in part or not at all, and pays what it
 * approves late and often in parts.
 *
 * - The claim (申报) goes in 10–28 days after the month end, on a working day; one in seven is late
 *   (38–55 days), so the month's first spends cross 60 days unclaimed, and late claims are cut or
 *   refused more often (programs take claims up to 60 days after the activity).
 * - An invoice-billed budget (a show, point-of-sale materials) now and then misses an invoice at
 *   claim time (缺发票): that spend is left out and, three times in four, claimed later in a
 *   supplementary claim (补报) that is itself often refused as too late; otherwise it stays unclaimed.
 * - The decision (审核) comes 10–35 days after the claim; payment (到账) 12–60 days after it, in two
 *   parts two times in five — so some approved claims wait more than 30 days for their money.
 *
 * Pure: planned from (seed, budget-month) and the month's spends as they stand, so every range
 * that reaches the budget-month plans it alike.
 */
import { DateTime } from 'luxon';
import { coopFen, type CoopOutcome } from '../../domain/coop.js';
import { coopProgramName, type BudgetPlan } from './dealership.js';
import { between, chance, intBetween, pick, rngFor, weighted, type Rng } from './random.js';
import type { PlannedSpend } from './spend.js';
import { DAY, hm, type Sink } from './timeline.js';

/** Months before a range whose claims, decisions and payments can still land in it (≤ 207 days after the month). */
export const COOP_REACH_MONTHS = 8;

/** Chance that a month's claim is filed late, 38–55 days after the month end. */
const LATE_CLAIM = 0.15;
/** Chance that an invoice is missing when the month is claimed (invoice-billed budgets only). */
const MISSING_INVOICE = 0.05;

const PARTIAL_REASONS = [
  '部分发票抬头不符，相应费用不予支持',
  '超出年度核定额度部分不予支持',
  '部分投放截图不清晰，按可核实金额支持',
  '两张发票未加盖发票专用章，相应金额不予支持',
] as const;
const REJECTED_REASONS = ['活动未事先报备厂家', '证明材料不全：缺少活动现场照片', '投放渠道不在厂家认可媒体名单内'] as const;
const TOO_LATE = '超过申报时限（活动结束后 60 天内申报）';

/** The first working day (Mon–Fri) from the local day of `ms` on, at an office hour. */
function officeAt(rng: Rng, ms: number, zone: string): number {
  let day = DateTime.fromMillis(ms, { zone }).startOf('day');
  while (day.weekday >= 6) day = day.plus({ days: 1 });
  return day.plus({ minutes: between(rng, hm(9, 30), hm(17, 30)) }).toMillis();
}

const fenOf = (yuan: number): number => Math.round(yuan * 100);
const yuanOf = (fen: number): number => fen / 100;

/** The month's claims of a co-op budget, their decisions and payments. */
export function planCoop(sink: Sink, budget: BudgetPlan, month: DateTime, spends: readonly PlannedSpend[], seed: number): void {
  if (!budget.coop || !spends.length) return;
  const zone = sink.store.timezone;
  const budgetId = spends[0]!.budgetId;
  const rng = rngFor(seed, budgetId, 'coop');
  const program = coopProgramName(budget.coop.program, month.year);
  const share = budget.coop.share;
  const monthEnd = month.plus({ months: 1 }).toMillis();

  // Ad platforms send one monthly statement; invoices come one by one and one can go missing.
  const missing = new Set(
    budget.rhythm === 'daily' ? [] : spends.filter(() => chance(rng, MISSING_INVOICE)).map((s) => s.spendId),
  );
  if (missing.size === spends.length) missing.delete(spends[0]!.spendId);
  const late = chance(rng, LATE_CLAIM);
  const claimAt = officeAt(rng, monthEnd + (late ? between(rng, 38, 55) : between(rng, 10, 28)) * DAY, zone);
  const claimId = `CL-${budgetId}`;
  const main = spends.filter((s) => !missing.has(s.spendId));
  claim(rng, sink, { claimId, program, share, at: claimAt, spends: main, late });

  const left = spends.filter((s) => missing.has(s.spendId));
  if (left.length && chance(rng, 3 / 4)) {
    const at = officeAt(rng, claimAt + between(rng, 20, 40) * DAY, zone);
    claim(rng, sink, { claimId: `${claimId}-b`, program, share, at, spends: left, late: true });
  }
}

function claim(
  rng: Rng,
  sink: Sink,
  c: { claimId: string; program: string; share: number; at: number; spends: readonly PlannedSpend[]; late: boolean },
): void {
  const zone = sink.store.timezone;
  const { claimId } = c;
  const fen = c.spends.reduce((sum, s) => sum + coopFen({ fen: fenOf(s.amount), share: c.share }), 0);
  // An invoice per spend, and the proof: statements, screenshots, photos of the event.
  const evidence = c.spends.length + intBetween(rng, 2, 6);
  sink.add(c.at, {
    id: `${claimId}.submitted`,
    type: 'coop.claim.submitted',
    claimId,
    program: c.program,
    spendIds: c.spends.map((s) => s.spendId),
    amount: yuanOf(fen),
    evidence,
  });

  const outcome: CoopOutcome = weighted(
    rng,
    c.late ? { approved: 40, partial: 30, rejected: 30 } : { approved: 78, partial: 16, rejected: 6 },
  );
  const decidedAt = officeAt(rng, c.at + between(rng, 10, 35) * DAY, zone);
  // The manufacturer approves a part in whole yuan, never all of it nor nothing.
  const approvedFen =
    outcome === 'approved'
      ? fen
      : outcome === 'rejected'
        ? 0
        : Math.max(100, Math.min(fen - 100, Math.round((fen * between(rng, 0.7, 0.95)) / 100) * 100));
  if (outcome === 'partial' && (approvedFen <= 0 || approvedFen >= fen)) {
    // A claim too small to cut (a yuan or two) is approved as it stands.
    return decide(rng, sink, claimId, decidedAt, 'approved', fen);
  }
  decide(rng, sink, claimId, decidedAt, outcome, approvedFen, c.late);
}

function decide(
  rng: Rng,
  sink: Sink,
  claimId: string,
  at: number,
  outcome: CoopOutcome,
  approvedFen: number,
  late = false,
): void {
  const zone = sink.store.timezone;
  const reason =
    outcome === 'partial'
      ? { reason: pick(rng, PARTIAL_REASONS) }
      : outcome === 'rejected'
        ? { reason: late ? TOO_LATE : pick(rng, REJECTED_REASONS) }
        : {};
  sink.add(at, {
    id: `${claimId}.decided`,
    type: 'coop.claim.decided',
    claimId,
    outcome,
    approvedAmount: yuanOf(approvedFen),
    ...reason,
  });
  if (approvedFen === 0) return;
  const firstAt = officeAt(rng, at + between(rng, 12, 60) * DAY, zone);
  // Two times in five the manufacturer pays part now and the rest with a later batch.
  const parts = approvedFen >= 200 && chance(rng, 0.4);
  const firstFen = parts ? Math.round((approvedFen * between(rng, 0.4, 0.7)) / 100) * 100 : approvedFen;
  const paid = (n: number, ms: number, fen: number) =>
    sink.add(ms, { id: `${claimId}.paid${n}`, type: 'coop.claim.paid', claimId, amount: yuanOf(fen) });
  if (!parts || firstFen <= 0 || firstFen >= approvedFen) return paid(1, firstAt, approvedFen);
  paid(1, firstAt, firstFen);
  paid(2, officeAt(rng, firstAt + between(rng, 15, 45) * DAY, zone), approvedFen - firstFen);
}
