/**
 * Reads the last customer-value run of a store for the API: the `segments` figure of the snapshot
 * and the `highChurn` work list (masked unless the key has scope `pii`).
 */
import type { RedisConn } from '../redis/connections.js';
import type { SegmentsFigure } from '../../domain/kpis.js';
import { maskName, maskPhone } from '../../domain/masking.js';
import type { ChurnCustomerItem, CustomerRef } from '../../domain/work-lists.js';
import { zeroCounts } from './classify.js';
import { HIGH_CHURN_CAP, segmentKeys, type SegmentsSummary } from './segment-store.js';

export async function readSegmentsSummary(redis: RedisConn, prefix: string, store: string): Promise<SegmentsSummary | null> {
  const json = await redis.get(segmentKeys(prefix, store).summary);
  return json ? (JSON.parse(json) as SegmentsSummary) : null;
}

/** The `segments` figure: computedAt null and zero counts until the first run. */
export async function readSegments(redis: RedisConn, prefix: string, store: string): Promise<SegmentsFigure> {
  const summary = await readSegmentsSummary(redis, prefix, store);
  if (!summary) return { computedAt: null, counts: zeroCounts() };
  return { computedAt: summary.computedAt, counts: { ...zeroCounts(), ...summary.counts } };
}

function masked(c: CustomerRef): CustomerRef {
  const out: CustomerRef = { id: c.id };
  if (c.name !== undefined) out.name = maskName(c.name);
  if (c.phone !== undefined) out.phone = maskPhone(c.phone);
  return out;
}

/**
 * The high-value customers likely to churn, most valuable first (then the longest silent); names
 * and phones masked unless `pii`. The stored list holds at most HIGH_CHURN_CAP customers: the full
 * count is `readSegments(…).counts.highChurn`.
 */
export async function readHighChurn(
  redis: RedisConn,
  prefix: string,
  store: string,
  opts: { pii: boolean; limit?: number },
): Promise<ChurnCustomerItem[]> {
  const json = await redis.get(segmentKeys(prefix, store).highChurn);
  if (!json) return [];
  const items = (JSON.parse(json) as ChurnCustomerItem[]).slice(0, Math.max(0, opts.limit ?? HIGH_CHURN_CAP));
  return opts.pii ? items : items.map((i) => ({ ...i, customer: masked(i.customer) }));
}
