/** Complaint figures (kpis.md) from counts and resolution durations. Pure. */
import { median } from '../../domain/reports.js';
import type { ComplaintWindowFigure, ComplaintsFigure } from '../../domain/kpis.js';

export interface ComplaintWindowCounts {
  opened: number;
  resolved: number;
  /** Ms from opening to resolution of complaints resolved in the window that have an opening. */
  resolutionMs: number[];
}

export interface ComplaintCounts {
  open: number;
  overdue: number;
  today: ComplaintWindowCounts;
  month: ComplaintWindowCounts;
}

export { median };

const HOUR_MS = 3_600_000;

/** The median in whole ms turned into hours by one division: unrounded, as every figure sent. */
function windowFigure(c: ComplaintWindowCounts): ComplaintWindowFigure {
  const ms = median(c.resolutionMs);
  return { opened: c.opened, resolved: c.resolved, medianResolutionHours: ms === null ? null : ms / HOUR_MS };
}

export function complaintsFigure(c: ComplaintCounts): ComplaintsFigure {
  return { open: c.open, overdue: c.overdue, today: windowFigure(c.today), month: windowFigure(c.month) };
}
