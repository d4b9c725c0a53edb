/**
 * Complaints to handle, by urgency: every open complaint with the deadline it must meet next (the
 * response until there is one, then the resolution) and the time left, overdue ones first.
 */
import type { RedisConn } from '../redis/connections.js';
import type { OpenComplaintItem } from '../../domain/work-lists.js';
import type { Config } from '../config.js';
import { storeKeys } from '../redis/keys.js';
import { customerRef, customerText, loggedEvents } from './customers.js';

type Severity = OpenComplaintItem['severity'];
const H = 3600_000;
const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

interface ComplaintState {
  o?: string;
  oid?: string;
  sev?: Severity;
  r?: string;
}

export async function openComplaints(
  redis: RedisConn,
  prefix: string,
  store: string,
  now: number,
  deadlines: Config['complaintDeadlinesMs'],
  pii: boolean,
): Promise<OpenComplaintItem[]> {
  const k = storeKeys(prefix, store);
  const ids = await redis.zrange(k.complaints.open, 0, -1);
  if (!ids.length) return [];
  const states = (await redis.hmget(k.complaints.state, ...ids)).map((j) => (j ? (JSON.parse(j) as ComplaintState) : {}));
  const openings = await loggedEvents(
    redis,
    k.log,
    states.map((s) => s.oid ?? null),
  );
  const items: OpenComplaintItem[] = [];
  ids.forEach((complaintId, j) => {
    const s = states[j]!;
    if (!s.o) return;
    const opened = Number(s.o);
    const severity: Severity = s.sev && s.sev in SEVERITY_RANK ? s.sev : 'low';
    const resolutionDue = opened + deadlines.resolution[severity];
    const responseDue = opened + Math.min(deadlines.response[severity], deadlines.resolution[severity]);
    const phase = s.r ? 'resolution' : 'response';
    const deadline = phase === 'response' ? responseDue : resolutionDue;
    const item: OpenComplaintItem = {
      complaintId,
      severity,
      openedAt: new Date(opened).toISOString(),
      responded: !!s.r,
      responseDue: new Date(responseDue).toISOString(),
      resolutionDue: new Date(resolutionDue).toISOString(),
      phase,
      deadline: new Date(deadline).toISOString(),
      hoursLeft: Math.round(((deadline - now) / H) * 10) / 10,
      // As in the overdue count: past the deadline, not at it.
      overdue: now > deadline,
    };
    const opening = openings[j];
    if (opening?.type === 'complaint.opened' && opening.summary)
      item.summary = customerText(opening.summary, opening.customer, pii);
    const customer = customerRef(opening?.customer, pii);
    if (customer) item.customer = customer;
    items.push(item);
  });
  return items.sort(
    (a, b) =>
      a.deadline.localeCompare(b.deadline) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.complaintId.localeCompare(b.complaintId),
  );
}
