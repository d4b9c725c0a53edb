/**
 * The co-op ledger (厂家出帐台帐, ledgers.md): promotion spend under a manufacturer's co-op program
 * is partly paid back once a claim with evidence is approved. Its rules — which claim stands, how
 * old a spend is, when it is overdue — live here, for the figures, the work lists, the alert rules
 * and the reports alike. Pure: the ledger read from Redis comes in, figures and rows go out.
 *
 * Ages are whole days between store-local dates (a spend of 23:50 is a day old at 00:00), so
 * every age, bucket and list moves at the store's midnight, not at an hour of the day.
 */
import { DateTime, IANAZone } from 'luxon';
import type { RateFigure } from './kpis.js';

/** `eligible` and `unclaimed` cover the co-op spends of the last 365 days (age 0 to 364). */
export const COOP_WINDOW_DAYS = 365;
/** The work list `coopUnclaimed`: unclaimed for more than this many days. */
export const UNCLAIMED_LIST_AFTER_DAYS = 30;
/** The alert `coop_claim_window`: unclaimed for more than this many days (programs refuse claims after 60–90). */
export const CLAIM_WINDOW_AFTER_DAYS = 60;
/** `overdue` and the work list `coopUnpaid`: approved, not fully paid, the decision more than this many days old. */
export const UNPAID_AFTER_DAYS = 30;

export const COOP_AGE_BUCKETS = ['d0_30', 'd31_60', 'd61_90', 'over90'] as const;
export type CoopAgeBucket = (typeof COOP_AGE_BUCKETS)[number];

/** Edges inclusive on the lower bound: 30 days is d0_30, 31 is d31_60, 91 is over90. */
export const ageBucket = (days: number): CoopAgeBucket =>
  days <= 30 ? 'd0_30' : days <= 60 ? 'd31_60' : days <= 90 ? 'd61_90' : 'over90';

export type CoopOutcome = 'approved' | 'partial' | 'rejected';

/** A spend whose standing record carries a co-op program. */
export interface CoopSpend {
  spendId: string;
  budgetId: string;
  program: string;
  at: number;
  /** The spend, fen. */
  fen: number;
  /** 0 < share ≤ 1. */
  share: number;
}
/** A claim's standing submission (its latest by time). */
export interface CoopClaim {
  claimId: string;
  program: string;
  at: number;
  spendIds: string[];
  fen: number;
  evidence: number;
}
/** A claim's standing decision (its latest by time); kept before its claim arrives too. */
export interface CoopDecision {
  claimId: string;
  at: number;
  outcome: CoopOutcome;
  approvedFen: number;
  reason?: string;
}
/** One payment received; several for a claim add up. */
export interface CoopPayment {
  eventId: string;
  claimId: string;
  at: number;
  fen: number;
}
export interface CoopLedger {
  spends: CoopSpend[];
  claims: CoopClaim[];
  decisions: CoopDecision[];
  payments: CoopPayment[];
}

/** The part of a spend the program pays back, to the fen. */
export const coopFen = (s: Pick<CoopSpend, 'fen' | 'share'>): number => Math.round(s.fen * s.share);

/** The store-local calendar day of `ms`, as a day number (days since 1970-01-01 in that zone). */
function localDay(ms: number, zone: IANAZone): number {
  return Math.floor((ms + zone.offset(ms) * 60_000) / 86_400_000);
}

/** Whole days from the store-local date of `at` to that of `now` (0 on the same day; never below 0). */
export function ageDays(at: number, now: number, zone: string): number {
  const z = IANAZone.create(zone);
  return Math.max(0, localDay(now, z) - localDay(at, z));
}

/** Figures a group sums, in fen. */
export interface CoopCounts {
  eligibleFen: number;
  unclaimedFen: number;
  unclaimedCount: number;
  byAgeFen: Record<CoopAgeBucket, number>;
  claimedFen: number;
  approvedFen: number;
  receivedFen: number;
  outstandingFen: number;
  overdueFen: number;
  month: { claimedFen: number; approvedFen: number; receivedFen: number; rejectedCount: number };
  /** Claims decided in the last 365 days: approved ÷ claimed. */
  rate: { approvedFen: number; claimedFen: number };
}

export interface CoopFigure {
  eligible: number;
  unclaimed: { total: number; count: number; byAge: Record<CoopAgeBucket, number> };
  claimed: number;
  approved: number;
  received: number;
  outstanding: number;
  overdue: number;
  month: { claimed: number; approved: number; received: number; rejectedCount: number };
  approvalRate: RateFigure;
}

export const NO_COOP: CoopCounts = {
  eligibleFen: 0,
  unclaimedFen: 0,
  unclaimedCount: 0,
  byAgeFen: { d0_30: 0, d31_60: 0, d61_90: 0, over90: 0 },
  claimedFen: 0,
  approvedFen: 0,
  receivedFen: 0,
  outstandingFen: 0,
  overdueFen: 0,
  month: { claimedFen: 0, approvedFen: 0, receivedFen: 0, rejectedCount: 0 },
  rate: { approvedFen: 0, claimedFen: 0 },
};

/** The spend ids named by a standing claim. */
export const claimedSpendIds = (claims: readonly CoopClaim[]): Set<string> => new Set(claims.flatMap((c) => c.spendIds));

/** The payments that count: those of a submitted claim (a payment of a claim not yet submitted waits for it). */
export function standingPayments(ledger: CoopLedger): CoopPayment[] {
  const standing = new Set(ledger.claims.map((c) => c.claimId));
  return ledger.payments.filter((p) => standing.has(p.claimId));
}

/** Received per standing claim. */
function receivedByClaim(payments: readonly CoopPayment[]): Map<string, number> {
  const received = new Map<string, number>();
  for (const p of payments) received.set(p.claimId, (received.get(p.claimId) ?? 0) + p.fen);
  return received;
}

/** A bounded interval of the store's local calendar, [start, end). */
interface Span {
  start: number;
  end: number;
}
const within = (at: number, s: Span) => at >= s.start && at < s.end;

/** The store's current month, [local 1st 00:00, next 1st 00:00). */
export function monthSpan(now: number, zone: string): Span {
  const start = DateTime.fromMillis(now, { zone }).startOf('month');
  return { start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() };
}

/** The ledger's figures for one store at `now`, in fen. */
export function coopCounts(ledger: CoopLedger, now: number, zone: string): CoopCounts {
  const c = structuredClone(NO_COOP);
  const claimed = claimedSpendIds(ledger.claims);
  for (const s of ledger.spends) {
    const age = ageDays(s.at, now, zone);
    if (age >= COOP_WINDOW_DAYS) continue;
    const fen = coopFen(s);
    c.eligibleFen += fen;
    if (claimed.has(s.spendId)) continue;
    c.unclaimedFen += fen;
    c.unclaimedCount++;
    c.byAgeFen[ageBucket(age)] += fen;
  }
  const month = monthSpan(now, zone);
  const decisions = new Map(ledger.decisions.map((d) => [d.claimId, d]));
  const payments = standingPayments(ledger);
  const received = receivedByClaim(payments);
  for (const claim of ledger.claims) {
    c.claimedFen += claim.fen;
    if (within(claim.at, month)) c.month.claimedFen += claim.fen;
    const got = received.get(claim.claimId) ?? 0;
    c.receivedFen += got;
    const d = decisions.get(claim.claimId);
    if (!d) continue;
    c.approvedFen += d.approvedFen;
    if (within(d.at, month)) {
      c.month.approvedFen += d.approvedFen;
      if (d.outcome === 'rejected') c.month.rejectedCount++;
    }
    const decidedAge = ageDays(d.at, now, zone);
    if (decidedAge < COOP_WINDOW_DAYS) {
      c.rate.approvedFen += d.approvedFen;
      c.rate.claimedFen += claim.fen;
    }
    if (d.approvedFen > got) {
      c.outstandingFen += d.approvedFen - got;
      if (decidedAge > UNPAID_AFTER_DAYS) c.overdueFen += d.approvedFen - got;
    }
  }
  for (const p of payments) if (within(p.at, month)) c.month.receivedFen += p.fen;
  return c;
}

/** Store figures summed (the group). */
export function addCoopCounts(a: CoopCounts, b: CoopCounts): CoopCounts {
  const byAgeFen = { ...a.byAgeFen };
  for (const k of COOP_AGE_BUCKETS) byAgeFen[k] += b.byAgeFen[k];
  return {
    eligibleFen: a.eligibleFen + b.eligibleFen,
    unclaimedFen: a.unclaimedFen + b.unclaimedFen,
    unclaimedCount: a.unclaimedCount + b.unclaimedCount,
    byAgeFen,
    claimedFen: a.claimedFen + b.claimedFen,
    approvedFen: a.approvedFen + b.approvedFen,
    receivedFen: a.receivedFen + b.receivedFen,
    outstandingFen: a.outstandingFen + b.outstandingFen,
    overdueFen: a.overdueFen + b.overdueFen,
    month: {
      claimedFen: a.month.claimedFen + b.month.claimedFen,
      approvedFen: a.month.approvedFen + b.month.approvedFen,
      receivedFen: a.month.receivedFen + b.month.receivedFen,
      rejectedCount: a.month.rejectedCount + b.month.rejectedCount,
    },
    rate: { approvedFen: a.rate.approvedFen + b.rate.approvedFen, claimedFen: a.rate.claimedFen + b.rate.claimedFen },
  };
}

const yuan = (fen: number) => fen / 100;

/** As sent: yuan to the fen, the approval rate one division of fen (unrounded). */
export function coopFigure(c: CoopCounts): CoopFigure {
  const byAge = Object.fromEntries(COOP_AGE_BUCKETS.map((k) => [k, yuan(c.byAgeFen[k])])) as Record<CoopAgeBucket, number>;
  return {
    eligible: yuan(c.eligibleFen),
    unclaimed: { total: yuan(c.unclaimedFen), count: c.unclaimedCount, byAge },
    claimed: yuan(c.claimedFen),
    approved: yuan(c.approvedFen),
    received: yuan(c.receivedFen),
    outstanding: yuan(c.outstandingFen),
    overdue: yuan(c.overdueFen),
    month: {
      claimed: yuan(c.month.claimedFen),
      approved: yuan(c.month.approvedFen),
      received: yuan(c.month.receivedFen),
      rejectedCount: c.month.rejectedCount,
    },
    approvalRate: {
      value: c.rate.claimedFen === 0 ? null : c.rate.approvedFen / c.rate.claimedFen,
      numerator: yuan(c.rate.approvedFen),
      denominator: yuan(c.rate.claimedFen),
    },
  };
}

// ── Work lists and alerts ────────────────────────────────────────────────────────────────────

/** A co-op spend not yet claimed (work list `coopUnclaimed`, alert `coop_claim_window`). */
export interface CoopUnclaimedRow {
  spendId: string;
  budgetId: string;
  program: string;
  /** The spend's time, ms. */
  at: number;
  /** The spend, yuan. */
  amount: number;
  share: number;
  /** What the program pays back, yuan. */
  coopAmount: number;
  ageDays: number;
}

/** Unclaimed co-op spends of the last 365 days older than `afterDays`, the oldest first. */
export function unclaimedSpends(
  ledger: CoopLedger,
  now: number,
  zone: string,
  afterDays = UNCLAIMED_LIST_AFTER_DAYS,
): CoopUnclaimedRow[] {
  const claimed = claimedSpendIds(ledger.claims);
  const rows: CoopUnclaimedRow[] = [];
  for (const s of ledger.spends) {
    if (claimed.has(s.spendId)) continue;
    const age = ageDays(s.at, now, zone);
    if (age <= afterDays || age >= COOP_WINDOW_DAYS) continue;
    rows.push({
      spendId: s.spendId,
      budgetId: s.budgetId,
      program: s.program,
      at: s.at,
      amount: yuan(s.fen),
      share: s.share,
      coopAmount: yuan(coopFen(s)),
      ageDays: age,
    });
  }
  return rows.sort((a, b) => a.at - b.at || a.spendId.localeCompare(b.spendId));
}

/** An approved claim not fully paid (work list `coopUnpaid`). */
export interface CoopUnpaidRow {
  claimId: string;
  program: string;
  outcome: CoopOutcome;
  submittedAt: number;
  decidedAt: number;
  claimed: number;
  approved: number;
  received: number;
  outstanding: number;
  /** Days since the decision. */
  ageDays: number;
}

/** Claims approved (in full or in part) and not fully paid more than 30 days after the decision, the oldest decision first. */
export function unpaidClaims(ledger: CoopLedger, now: number, zone: string, afterDays = UNPAID_AFTER_DAYS): CoopUnpaidRow[] {
  const decisions = new Map(ledger.decisions.map((d) => [d.claimId, d]));
  const received = receivedByClaim(standingPayments(ledger));
  const rows: CoopUnpaidRow[] = [];
  for (const claim of ledger.claims) {
    const d = decisions.get(claim.claimId);
    if (!d) continue;
    const got = received.get(claim.claimId) ?? 0;
    const age = ageDays(d.at, now, zone);
    if (d.approvedFen <= got || age <= afterDays) continue;
    rows.push({
      claimId: claim.claimId,
      program: claim.program,
      outcome: d.outcome,
      submittedAt: claim.at,
      decidedAt: d.at,
      claimed: yuan(claim.fen),
      approved: yuan(d.approvedFen),
      received: yuan(got),
      outstanding: yuan(d.approvedFen - got),
      ageDays: age,
    });
  }
  return rows.sort((a, b) => a.decidedAt - b.decidedAt || a.claimId.localeCompare(b.claimId));
}
