/** The co-op work lists (ledgers.md): spends to claim, and approved claims to chase for payment. */
import { unclaimedSpends, unpaidClaims } from '../../domain/coop.js';
import type { CoopUnclaimedItem, CoopUnpaidItem } from '../../domain/work-lists.js';
import type { RedisConn } from '../redis/connections.js';
import { readCoopLedger } from '../kpi/read-coop.js';
import { isoInZone } from '../kpi/windows.js';

export async function coopUnclaimed(
  redis: RedisConn,
  prefix: string,
  store: string,
  timezone: string,
  now: number,
): Promise<CoopUnclaimedItem[]> {
  const ledger = await readCoopLedger(redis, prefix, store);
  return unclaimedSpends(ledger, now, timezone).map((r) => ({ ...r, at: isoInZone(r.at, timezone) }));
}

export async function coopUnpaid(
  redis: RedisConn,
  prefix: string,
  store: string,
  timezone: string,
  now: number,
): Promise<CoopUnpaidItem[]> {
  const ledger = await readCoopLedger(redis, prefix, store);
  return unpaidClaims(ledger, now, timezone).map((r) => ({
    ...r,
    submittedAt: isoInZone(r.submittedAt, timezone),
    decidedAt: isoInZone(r.decidedAt, timezone),
  }));
}
