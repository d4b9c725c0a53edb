/**
 * Complaints to handle, by urgency: every open complaint with the deadline it must meet next (the
 * response until there is one, then the resolution) and the time left, overdue ones first.
 */
import type { RedisConn } from '../redis/connections.js';
import {
  complaintDueTimes,
  complaintSeverity,
  isPastDeadline,
  nextComplaintDeadline,
  type ComplaintDeadlines,
} from '../../domain/complaints.js';
import { hoursLeft, type OpenComplaintItem } from '../../domain/work-lists.js';
import { storeKeys } from '../redis/keys.js';
import { customerRef, customerText, loggedEvents } from './customers.js';

type Severity = OpenComplaintItem['severity'];
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
  deadlines: ComplaintDeadlines,
  pii: boolean,
): Promise<OpenComplaintItem[]> {
  const k = storeKeys(prefix, store);
  const ids = await redis.zrange(k.complaints.open, 0, -1);
  if (!ids.length) return [];
  const states = (await redis.hmget(k.complaints.state, ...ids)).map((j) => (j ? (JSON.parse(j) as ComplaintState) : {}));
  const openings = await loggedEvents(
    redis,
    prefix,
    store,
    states.map((s) => s.oid ?? null),
  );
  const items: OpenComplaintItem[] = [];
  ids.forEach((complaintId, j) => {
    const s = states[j]!;
    if (!s.o) return;
    const opened = Number(s.o);
    const times = { openedAt: opened, severity: complaintSeverity(s.sev), responded: !!s.r, resolved: false };
    const due = complaintDueTimes(times, deadlines);
    const next = nextComplaintDeadline(times, deadlines)!;
    const item: OpenComplaintItem = {
      complaintId,
      severity: times.severity,
      openedAt: new Date(opened).toISOString(),
      responded: times.responded,
      responseDue: new Date(due.response).toISOString(),
      resolutionDue: new Date(due.resolution).toISOString(),
      phase: next.phase,
      deadline: new Date(next.at).toISOString(),
      hoursLeft: hoursLeft(next.at, now),
      overdue: isPastDeadline(next.at, now),
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
