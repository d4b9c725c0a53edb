/**
 * Where the segmentation keeps its result: a summary (the counts of the five classes) and the
 * high-value customers likely to churn, the call list (高价值易流失). Both keys carry the store's
 * hash tag; one transaction replaces both and bumps the store's seq. `read-segments.ts` reads them
 * back for the API.
 */
import type { RedisConn } from '../redis/connections.js';
import type { SegmentClass } from '../../domain/kpis.js';
import { execAll } from '../redis/exec.js';
import { storeKeys } from '../redis/keys.js';
import type { ChurnCustomerItem } from '../../domain/work-lists.js';

/** The call list keeps the most valuable customers; the count in the summary is complete. */
export const HIGH_CHURN_CAP = 500;

export function segmentKeys(prefix: string, store: string) {
  const k = (s: string) => `${prefix}:{${store}}:${s}`;
  return {
    /** STRING: SegmentsSummary JSON. */
    summary: k('seg:summary'),
    /** STRING: JSON array of ChurnCustomerItem (unmasked), most valuable first, at most HIGH_CHURN_CAP. */
    highChurn: k('seg:churn'),
  };
}

export interface SegmentsSummary {
  /** The `now` the run computed for. */
  computedAt: string;
  counts: Record<SegmentClass, number>;
  /** Customers seen (the sum of the counts). */
  customers: number;
  /** The lowest high value (yuan), null when no customer has a value. */
  cutoff: number | null;
  churnDays: number;
  /** Log entries read. */
  scanned: number;
}

export async function writeSegments(
  redis: RedisConn,
  prefix: string,
  store: string,
  summary: SegmentsSummary,
  highChurn: ChurnCustomerItem[],
): Promise<void> {
  const keys = segmentKeys(prefix, store);
  // The snapshot shows the counts: the store's seq moves with them.
  await execAll(
    redis
      .multi()
      .set(keys.summary, JSON.stringify(summary))
      .set(keys.highChurn, JSON.stringify(highChurn.slice(0, HIGH_CHURN_CAP)))
      .incr(storeKeys(prefix, store).seq),
  );
}
