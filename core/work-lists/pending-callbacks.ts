/** Callbacks to make: subjects neither met nor past their deadline, the soonest deadline first. */
import type { RedisConn } from '../redis/connections.js';
import { callbackDeadline, callbackDueCutoff, callbackStanding } from '../../domain/callbacks.js';
import { hoursLeft, type PendingCallbackItem } from '../../domain/work-lists.js';
import { storeKeys, type CallbackKind } from '../redis/keys.js';
import { withScores } from '../kpi/day-buckets.js';
import { customerRef, loggedEvents } from './customers.js';

export async function pendingCallbacks(
  redis: RedisConn,
  prefix: string,
  store: string,
  now: number,
  deadlineMs: Record<CallbackKind, number>,
  pii: boolean,
): Promise<PendingCallbackItem[]> {
  const k = storeKeys(prefix, store);
  const items: PendingCallbackItem[] = [];
  for (const kind of ['sales', 'service'] as const) {
    const c = k.callback(kind);
    const d = deadlineMs[kind];
    // Not yet due: after the due cutoff, and not in the future.
    const subjects = withScores(await redis.zrangebyscore(c.subjectsByTime, `(${callbackDueCutoff(now, d)}`, now, 'WITHSCORES'));
    if (!subjects.length) continue;
    const ids = subjects.map((s) => s.member);
    const [met, eventIds] = await Promise.all([redis.zmscore(c.met, ...ids), redis.hmget(c.subjectEvent, ...ids)]);
    const events = await loggedEvents(redis, prefix, store, eventIds);
    subjects.forEach((s, j) => {
      if (callbackStanding(s.score, met[j] !== null, now, d) !== 'pending') return;
      const deadline = callbackDeadline(s.score, d);
      const item: PendingCallbackItem = {
        kind,
        subjectId: s.member,
        at: new Date(s.score).toISOString(),
        deadline: new Date(deadline).toISOString(),
        hoursLeft: hoursLeft(deadline, now),
      };
      const customer = customerRef(events[j]?.customer, pii);
      if (customer) item.customer = customer;
      items.push(item);
    });
  }
  return items.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.subjectId.localeCompare(b.subjectId));
}
