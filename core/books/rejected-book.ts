/**
 * Rejected events (拒收事件): acknowledged events that could not apply — refused by their script
 * (a stock that would leave the exact range, a key of the wrong type, a record that cannot be
 * read) or failed in Redis. Neither logged nor counted, each is kept here per store with the
 * reason until it is sent again and applies (its script then removes it), so that nothing
 * acknowledged is silently lost (docs/operations-faults.md).
 */
import type { PulseEvent } from '../../domain/events.js';
import type { RedisConn } from '../redis/connections.js';
import { pipelineByGroup } from '../redis/exec.js';
import { storeKeys } from '../redis/keys.js';
import { areLogged } from '../events/event-log.js';

export interface RejectedEvent {
  event: PulseEvent;
  reason: string;
  /** When it was rejected (RFC 3339). */
  rejectedAt: string;
}

/** As listed: the event's id, type and time up front. */
export interface RejectedLine extends RejectedEvent {
  id: string;
  type: PulseEvent['type'];
  at: string;
}

/** The most a listing shows (the oldest first); `total` counts them all. */
export const MAX_REJECTED_LISTED = 1000;

export async function recordRejected(redis: RedisConn, prefix: string, rejected: readonly RejectedEvent[]): Promise<void> {
  const answers = await pipelineByGroup(
    redis,
    rejected,
    (r) => r.event.store,
    (p, r) => p.hset(storeKeys(prefix, r.event.store).rejected, r.event.id, JSON.stringify(r)),
  );
  for (const [err] of answers) if (err) throw err;
}

/**
 * A store's rejected events, oldest first. An event that applied since (sent again by another
 * way than the one that removes it, or by a job that raced the rejection) is left out.
 */
export async function listRejected(
  redis: RedisConn,
  prefix: string,
  store: string,
): Promise<{ total: number; items: RejectedLine[] }> {
  const k = storeKeys(prefix, store);
  const all = Object.values(await redis.hgetall(k.rejected)).map((json) => JSON.parse(json) as RejectedEvent);
  if (!all.length) return { total: 0, items: [] };
  const logged = await areLogged(
    redis,
    prefix,
    store,
    all.map((r) => r.event.id),
  );
  const open = all.filter((_, i) => !logged[i]);
  open.sort((a, b) => a.rejectedAt.localeCompare(b.rejectedAt) || a.event.id.localeCompare(b.event.id));
  return {
    total: open.length,
    items: open.slice(0, MAX_REJECTED_LISTED).map((r) => ({
      id: r.event.id,
      type: r.event.type,
      at: r.event.at,
      reason: r.reason,
      rejectedAt: r.rejectedAt,
      event: r.event,
    })),
  };
}
