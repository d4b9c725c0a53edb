/**
 * The co-op ledger over a period (ledgers.md, "in the period reports"): claims submitted, decided
 * and paid in it, and the co-op spends still unclaimed at its end by their age at that moment.
 * The same rules as the live figure (domain/coop.ts): a claim's latest submission and latest
 * decision stand, payments add up, a decision or payment of a claim never submitted counts for
 * nothing, and ages are whole days between store-local dates. Pure: the ledger comes in whole.
 */
import {
  ageBucket,
  ageDays,
  claimedSpendIds,
  coopFen,
  COOP_AGE_BUCKETS,
  COOP_WINDOW_DAYS,
  standingPayments,
  type CoopAgeBucket,
  type CoopLedger,
} from './coop.js';

/** A store's co-op ledger over one period, in fen: sums that add across stores. */
export interface CoopPeriodCounts {
  /** Claims whose standing submission is in the period. */
  submitted: { count: number; fen: number };
  /** Claims whose standing decision is in the period: approved, what those claims asked, rejections. */
  decided: { approvedFen: number; claimedFen: number; rejectedCount: number };
  /** Payments received in the period. */
  paidFen: number;
  /** Co-op spends (the program's part) not claimed at the period's end, by their age then. */
  unclaimedAtEnd: { fen: number; count: number; byAgeFen: Record<CoopAgeBucket, number> };
}

export function emptyCoopPeriodCounts(): CoopPeriodCounts {
  return {
    submitted: { count: 0, fen: 0 },
    decided: { approvedFen: 0, claimedFen: 0, rejectedCount: 0 },
    paidFen: 0,
    unclaimedAtEnd: { fen: 0, count: 0, byAgeFen: { d0_30: 0, d31_60: 0, d61_90: 0, over90: 0 } },
  };
}

/** The report figures (domain/reports.ts names) of the unclaimed spends at the end: each age, then the total. */
export const UNCLAIMED_AT_END_PARTS = [...COOP_AGE_BUCKETS, 'total'] as const;
export const UNCLAIMED_AT_END_FIGURES = UNCLAIMED_AT_END_PARTS.map((k) => `coop.unclaimedAtEnd.${k}`);

/**
 * The ledger over `[start, end)` as seen at `now`: a period still running counts up to now, and its
 * unclaimed spends are aged at now rather than at an end not reached yet. A claim counts as made at
 * the end when its standing submission is before the end; a resubmission after it takes the claim
 * out of that end's picture, as the ledger keeps only the standing one.
 */
export function coopPeriodCounts(
  ledger: CoopLedger,
  span: { start: number; end: number },
  now: number,
  zone: string,
): CoopPeriodCounts {
  const c = emptyCoopPeriodCounts();
  // Events count up to the period's last millisecond, or up to now.
  const last = Math.min(span.end - 1, now);
  const inPeriod = (at: number) => at >= span.start && at <= last;
  // The moment the spends are aged at: the end itself (the next period's first local midnight), or now.
  const atEnd = Math.min(span.end, now);

  const claims = new Map(ledger.claims.map((cl) => [cl.claimId, cl]));
  for (const cl of ledger.claims) {
    if (!inPeriod(cl.at)) continue;
    c.submitted.count++;
    c.submitted.fen += cl.fen;
  }
  for (const d of ledger.decisions) {
    const claim = claims.get(d.claimId);
    if (!claim || !inPeriod(d.at)) continue;
    c.decided.approvedFen += d.approvedFen;
    c.decided.claimedFen += claim.fen;
    if (d.outcome === 'rejected') c.decided.rejectedCount++;
  }
  for (const p of standingPayments(ledger)) if (inPeriod(p.at)) c.paidFen += p.fen;

  const claimedByEnd = claimedSpendIds(ledger.claims.filter((cl) => cl.at <= last));
  for (const s of ledger.spends) {
    if (s.at > last || claimedByEnd.has(s.spendId)) continue;
    const age = ageDays(s.at, atEnd, zone);
    if (age >= COOP_WINDOW_DAYS) continue;
    const fen = coopFen(s);
    c.unclaimedAtEnd.fen += fen;
    c.unclaimedAtEnd.count++;
    c.unclaimedAtEnd.byAgeFen[ageBucket(age)] += fen;
  }
  return c;
}

/** Store counts summed (the group: each store read in its own zone). */
export function addCoopPeriodCounts(a: CoopPeriodCounts, b: CoopPeriodCounts): CoopPeriodCounts {
  const byAgeFen = { ...a.unclaimedAtEnd.byAgeFen };
  for (const k of COOP_AGE_BUCKETS) byAgeFen[k] += b.unclaimedAtEnd.byAgeFen[k];
  return {
    submitted: { count: a.submitted.count + b.submitted.count, fen: a.submitted.fen + b.submitted.fen },
    decided: {
      approvedFen: a.decided.approvedFen + b.decided.approvedFen,
      claimedFen: a.decided.claimedFen + b.decided.claimedFen,
      rejectedCount: a.decided.rejectedCount + b.decided.rejectedCount,
    },
    paidFen: a.paidFen + b.paidFen,
    unclaimedAtEnd: {
      fen: a.unclaimedAtEnd.fen + b.unclaimedAtEnd.fen,
      count: a.unclaimedAtEnd.count + b.unclaimedAtEnd.count,
      byAgeFen,
    },
  };
}

/** Whether the ledger shows anything in the period (a compared period without it is `null`). */
export const hasCoopData = (c: CoopPeriodCounts): boolean =>
  c.submitted.count + c.decided.claimedFen + c.paidFen + c.unclaimedAtEnd.count > 0;
