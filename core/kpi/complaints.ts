/** Complaint figures (kpis.md) from counts and resolution durations. Pure. */
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

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const HOUR_MS = 3_600_000;

/** The median in whole ms turned into hours by one division: unrounded, as every figure sent. */
function windowFigure(c: ComplaintWindowCounts): ComplaintWindowFigure {
  const ms = median(c.resolutionMs);
  return { opened: c.opened, resolved: c.resolved, medianResolutionHours: ms === null ? null : ms / HOUR_MS };
}

export function complaintsFigure(c: ComplaintCounts): ComplaintsFigure {
  return { open: c.open, overdue: c.overdue, today: windowFigure(c.today), month: windowFigure(c.month) };
}
