/** Open complaints past a deadline, the longest overdue first. */
import type { RedisConn } from '../redis/connections.js';
import type { OverdueComplaintItem } from '../../domain/work-lists.js';
import { storeKeys } from '../redis/keys.js';
import { withScores } from '../kpi/day-buckets.js';
import { customerRef, customerText, loggedEvents } from './customers.js';

interface ComplaintState {
  o?: string;
  oid?: string;
  sev?: OverdueComplaintItem['severity'];
  r?: string;
}

export async function overdueComplaints(
  redis: RedisConn,
  prefix: string,
  store: string,
  now: number,
  pii: boolean,
): Promise<OverdueComplaintItem[]> {
  const k = storeKeys(prefix, store);
  const due = withScores(await redis.zrangebyscore(k.complaints.due, '-inf', `(${now}`, 'WITHSCORES'));
  if (!due.length) return [];
  const states = (await redis.hmget(k.complaints.state, ...due.map((d) => d.member))).map((j) =>
    j ? (JSON.parse(j) as ComplaintState) : {},
  );
  const openings = await loggedEvents(
    redis,
    prefix,
    store,
    states.map((s) => s.oid ?? null),
  );
  return due.map((d, j) => {
    const s = states[j]!;
    const opening = openings[j];
    const item: OverdueComplaintItem = {
      complaintId: d.member,
      severity: s.sev ?? 'low',
      openedAt: new Date(Number(s.o)).toISOString(),
      responded: !!s.r,
      overdueSince: new Date(d.score).toISOString(),
    };
    if (opening?.type === 'complaint.opened' && opening.summary)
      item.summary = customerText(opening.summary, opening.customer, pii);
    const customer = customerRef(opening?.customer, pii);
    if (customer) item.customer = customer;
    return item;
  });
}
