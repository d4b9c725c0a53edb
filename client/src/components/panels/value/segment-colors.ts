import type { SegmentClass } from '../../../../../domain/kpis.js';

/** One colour per customer-value class, the same on the doughnut and the matrix. */
export const SEGMENT_COLORS: Record<SegmentClass, string> = {
  highStable: '#22c55e',
  highChurn: '#f43f5e',
  lowStable: '#38bdf8',
  lowChurn: '#f59e0b',
  none: '#64748b',
};
