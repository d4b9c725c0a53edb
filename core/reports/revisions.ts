/**
 * What changed in a period after its close (reports.md, "Late events and revisions"): the period's
 * events applied after it, from the late-event records the apply scripts keep by event time.
 */
import { parseLateRecord } from '../../domain/revisions.js';
import type { RedisConn } from '../redis/connections.js';
import { storeKeys } from '../redis/keys.js';

export interface LateCounts {
  events: number;
  /** ms of the last arrival, 0 when none. */
  lastAt: number;
  /** ms of the first arrival, Infinity when none. */
  firstAt: number;
  figures: Set<string>;
}

export const noLateEvents = (): LateCounts => ({ events: 0, lastAt: 0, firstAt: Infinity, figures: new Set() });

/** The store's events of `[start, end)` that arrived after `close`. */
export async function readLateEvents(
  redis: RedisConn,
  prefix: string,
  store: string,
  bounds: { start: number; end: number },
  close: number,
): Promise<LateCounts> {
  const members = await redis.zrangebyscore(storeKeys(prefix, store).late, bounds.start, `(${bounds.end}`);
  const out = noLateEvents();
  for (const m of members) {
    const rec = parseLateRecord(m);
    if (!rec || rec.arrivedAt <= close) continue;
    out.events++;
    out.lastAt = Math.max(out.lastAt, rec.arrivedAt);
    out.firstAt = Math.min(out.firstAt, rec.arrivedAt);
    for (const f of rec.figures) out.figures.add(f);
  }
  return out;
}

export function mergeLate(list: LateCounts[]): LateCounts {
  const out = noLateEvents();
  for (const l of list) {
    out.events += l.events;
    out.lastAt = Math.max(out.lastAt, l.lastAt);
    out.firstAt = Math.min(out.firstAt, l.firstAt);
    for (const f of l.figures) out.figures.add(f);
  }
  return out;
}
