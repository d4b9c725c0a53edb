/**
 * Complaint deadlines (投诉时效, kpis.md "Complaints"): by severity, a response and a resolution
 * deadline counted from the opening. A complaint is overdue once a deadline it has not met is past
 * (not at it). The event script (core/events/plans/complaint.lua) receives the deadlines from here
 * as arguments; the work lists, the alert rule and the overdue count all read the same rule.
 */
import { SEVERITIES } from './events.js';

export type ComplaintSeverity = (typeof SEVERITIES)[number];
export type ComplaintPhase = 'response' | 'resolution';

/** Deadlines, ms after the opening, by severity. */
export interface ComplaintDeadlines {
  response: Record<ComplaintSeverity, number>;
  resolution: Record<ComplaintSeverity, number>;
}

const H = 3600_000;

/** The deadlines of kpis.md, hours after the opening. */
export const COMPLAINT_DEADLINE_HOURS: ComplaintDeadlines = {
  response: { low: 24, medium: 24, high: 4 },
  resolution: { low: 120, medium: 72, high: 24 },
};

export const COMPLAINT_DEADLINES_MS: ComplaintDeadlines = {
  response: { low: 24 * H, medium: 24 * H, high: 4 * H },
  resolution: { low: 120 * H, medium: 72 * H, high: 24 * H },
};

/** A severity as stored; anything unknown counts as `low`. */
export const complaintSeverity = (raw: unknown): ComplaintSeverity =>
  (SEVERITIES as readonly unknown[]).includes(raw) ? (raw as ComplaintSeverity) : 'low';

/**
 * The two deadlines of a severity, ms after the opening. A response is due by the response deadline
 * but never after the resolution's: resolving is also an answer.
 */
export function complaintDeadlineOffsets(severity: ComplaintSeverity, d: ComplaintDeadlines): Record<ComplaintPhase, number> {
  return { response: Math.min(d.response[severity], d.resolution[severity]), resolution: d.resolution[severity] };
}

/** What the deadline rule needs to know of one complaint. */
export interface ComplaintTimes {
  openedAt: number;
  severity: ComplaintSeverity;
  responded: boolean;
  resolved: boolean;
}

/** The moments each deadline falls. */
export function complaintDueTimes(
  c: Pick<ComplaintTimes, 'openedAt' | 'severity'>,
  d: ComplaintDeadlines,
): Record<ComplaintPhase, number> {
  const o = complaintDeadlineOffsets(c.severity, d);
  return { response: c.openedAt + o.response, resolution: c.openedAt + o.resolution };
}

/** The deadline to meet next: the response until there is one, then the resolution; none once resolved. */
export function nextComplaintDeadline(c: ComplaintTimes, d: ComplaintDeadlines): { phase: ComplaintPhase; at: number } | null {
  if (c.resolved) return null;
  const due = complaintDueTimes(c, d);
  const phase: ComplaintPhase = c.responded ? 'resolution' : 'response';
  return { phase, at: due[phase] };
}

/** Overdue: past the deadline, not at it. */
export const isPastDeadline = (deadline: number, now: number): boolean => now > deadline;

/**
 * The deadline a complaint has missed by now, the resolution's first: level 2 of the alert. None
 * when resolved, or when every deadline still to meet lies ahead.
 */
export function passedComplaintDeadline(
  c: ComplaintTimes,
  now: number,
  d: ComplaintDeadlines,
): { phase: ComplaintPhase; at: number } | null {
  if (c.resolved) return null;
  const due = complaintDueTimes(c, d);
  if (isPastDeadline(due.resolution, now)) return { phase: 'resolution', at: due.resolution };
  if (!c.responded && isPastDeadline(due.response, now)) return { phase: 'response', at: due.response };
  return null;
}

/**
 * The complaint script's deadline arguments: the response offsets of low, medium, high, then the
 * resolution offsets, ms. With them the script keeps each open complaint at its next deadline.
 */
export function complaintDeadlineArgs(d: ComplaintDeadlines): string[] {
  const offsets = SEVERITIES.map((s) => complaintDeadlineOffsets(s, d));
  return [...offsets.map((o) => String(o.response)), ...offsets.map((o) => String(o.resolution))];
}
