/**
 * CSV imports (`POST /api/v1/imports`): the same events as the JSON API, one row an event,
 * processed in the background. Valid rows are applied, invalid ones reported by row.
 */

/** The largest CSV accepted in one upload. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Row problems kept for the status answer; `errorCount` counts them all. */
export const MAX_IMPORT_ERRORS = 1000;

export const IMPORT_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** A problem of one row: `row` is the line of the file where the row starts (the header is 1). */
export interface ImportRowError {
  row: number;
  /** The column, `(row)` for the row as a whole, `(event)` for the event as a whole. */
  path: string;
  message: string;
}

/** `GET /api/v1/imports/{importId}`. */
export interface ImportStatus {
  importId: string;
  state: ImportState;
  /** Data rows in the file (blank lines not counted). */
  rows: number;
  /** Rows read so far. */
  processed: number;
  /** Rows valid and queued to apply (an id already applied changes nothing, as for the JSON API). */
  accepted: number;
  /** Rows repeating an earlier row of the file exactly (same store, id and fields): counted once, not errors. */
  duplicates: number;
  /** Rows refused, each with at least one error. */
  rejected: number;
  /** 0–100. */
  progress: number;
  /** The first `MAX_IMPORT_ERRORS` problems, by row. */
  errors: ImportRowError[];
  /** Every problem, also those beyond the list. */
  errorCount: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Why a failed import stopped. */
  failure?: string;
}
