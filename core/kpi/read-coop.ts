/**
 * Reads a store's co-op ledger (ledgers.md) from its four hashes: the co-op spends, the standing
 * submissions and decisions of the claims, and the payments. The records are few (a store files
 * tens of claims a year), so they are read whole; the arithmetic is domain/coop.ts.
 */
import type { ChainableCommander } from 'ioredis';
import type { CoopClaim, CoopDecision, CoopLedger, CoopOutcome, CoopPayment, CoopSpend } from '../../domain/coop.js';
import type { RedisConn } from '../redis/connections.js';
import { storeKeys } from '../redis/keys.js';

/** 'at|event id|payload' (core/events/plans/latest-record.lua). */
function latestRecord(raw: string): { at: number; payload: string } | null {
  const a = raw.indexOf('|');
  const b = raw.indexOf('|', a + 1);
  if (a < 0 || b < 0) return null;
  const at = Number(raw.slice(0, a));
  return Number.isFinite(at) ? { at, payload: raw.slice(b + 1) } : null;
}

const parsed = <T>(json: string): T | null => {
  try {
    return JSON.parse(json) as T;
  } catch {
    return null;
  }
};

/** The ledger from the hashes as HGETALL gives them. A record that cannot be read is left out. */
export function coopLedgerOf(
  spends: Record<string, string>,
  claims: Record<string, string>,
  decisions: Record<string, string>,
  payments: Record<string, string>,
): CoopLedger {
  const ledger: CoopLedger = { spends: [], claims: [], decisions: [], payments: [] };
  for (const [spendId, json] of Object.entries(spends)) {
    const s = parsed<Omit<CoopSpend, 'spendId'>>(json);
    if (s) ledger.spends.push({ spendId, budgetId: s.budgetId, program: s.program, at: s.at, fen: s.fen, share: s.share });
  }
  for (const [claimId, raw] of Object.entries(claims)) {
    const r = latestRecord(raw);
    const c = r && parsed<Omit<CoopClaim, 'claimId' | 'at'>>(r.payload);
    if (r && c)
      ledger.claims.push({ claimId, at: r.at, program: c.program, spendIds: c.spendIds, fen: c.fen, evidence: c.evidence });
  }
  for (const [claimId, raw] of Object.entries(decisions)) {
    const r = latestRecord(raw);
    const d = r && parsed<{ outcome: CoopOutcome; approvedFen: number; reason?: string }>(r.payload);
    if (r && d) ledger.decisions.push({ claimId, at: r.at, ...d } satisfies CoopDecision);
  }
  for (const [eventId, json] of Object.entries(payments)) {
    const p = parsed<Omit<CoopPayment, 'eventId'>>(json);
    if (p) ledger.payments.push({ eventId, claimId: p.claimId, at: p.at, fen: p.fen });
  }
  return ledger;
}

/** Queues the four reads on a pipeline; `take` turns their answers (in order) into the ledger. */
export function queueCoopLedger(p: ChainableCommander, prefix: string, store: string): void {
  const c = storeKeys(prefix, store).coop;
  p.hgetall(c.spends);
  p.hgetall(c.claims);
  p.hgetall(c.decisions);
  p.hgetall(c.payments);
}

export async function readCoopLedger(redis: RedisConn, prefix: string, store: string): Promise<CoopLedger> {
  const p = redis.pipeline();
  queueCoopLedger(p, prefix, store);
  const res = (await p.exec()) ?? [];
  const [spends, claims, decisions, payments] = res.map(([err, v]) => {
    if (err) throw err;
    return v as Record<string, string>;
  }) as [Record<string, string>, Record<string, string>, Record<string, string>, Record<string, string>];
  return coopLedgerOf(spends, claims, decisions, payments);
}
