/**
 * A CSV import (导入): reads the uploaded file row by row, validates each row with the schemas of
 * the JSON API, queues the valid ones on the events queue in batches of up to 1000 (the same
 * apply jobs as `POST /api/v1/events`, so ids keep it idempotent) and records each invalid row
 * with its line and field. Rows are independent: a bad row is reported, the others are applied.
 */
import type { Job } from 'bullmq';
import type { RedisConn } from '../core/redis/connections.js';
import { differentBodyMessage, FirstOccurrences } from '../domain/event-identity.js';
import { MAX_BATCH, type PulseEvent } from '../domain/events.js';
import { MAX_IMPORT_ERRORS, type ImportRowError } from '../domain/imports.js';
import type { Config } from '../core/config.js';
import { csvRows } from '../core/imports/csv-events.js';
import {
  failImport,
  finishImport,
  loadImport,
  loadImportCsv,
  markRunning,
  saveCounts,
  type ImportCounts,
} from '../core/books/import-book.js';
import { retentionHorizon } from '../core/retention/expire-log.js';
import type { ImportJob, ImportResult, Queues } from '../core/jobs/queues.js';
import { enqueueApply } from '../core/jobs/enqueue.js';

export interface ImportsDeps {
  redis: RedisConn;
  events: Queues['events'];
  config: Pick<Config, 'prefix' | 'retentionDays'>;
  now?: () => number;
}

/** Rows read between two status writes (each a Redis write and a progress event). */
const ROWS_PER_REPORT = MAX_BATCH;

export async function runImport(
  deps: ImportsDeps,
  importId: string,
  onProgress: (percent: number) => Promise<void> = async () => undefined,
): Promise<ImportResult> {
  const { redis, config } = deps;
  const now = () => deps.now?.() ?? Date.now();
  const status = await loadImport(redis, config.prefix, importId);
  if (!status) throw new Error(`import ${importId} is not stored (expired?)`);
  if (status.state === 'done') return { rows: status.rows, accepted: status.accepted, rejected: status.rejected };
  const csv = await loadImportCsv(redis, config.prefix, importId);
  if (csv === null) throw new Error(`the file of import ${importId} is no longer stored`);
  await markRunning(redis, config.prefix, importId, now());
  await onProgress(0);

  const stores = status.owner.stores;
  // As for the JSON API: events older than the log keeps are refused.
  const horizon = retentionHorizon(now(), config.retentionDays);
  const counts: ImportCounts = { processed: 0, accepted: 0, duplicates: 0, rejected: 0, errorCount: 0, errors: [] };
  const reject = (issues: ImportRowError[]) => {
    counts.rejected++;
    counts.errorCount += issues.length;
    for (const i of issues) if (counts.errors.length < MAX_IMPORT_ERRORS) counts.errors.push(i);
  };
  /** The row that first had each event: a repeat is counted once, an id of a store with another body refused. */
  const firstRows = new FirstOccurrences<number>();
  let savedErrors = 0;
  let batch: PulseEvent[] = [];
  let batches = 0;
  const flush = async () => {
    if (!batch.length) return;
    // A fixed job id per batch: a retried import does not queue its batches twice.
    await enqueueApply(deps.events, batch, now(), `import-${importId}-${batches}`);
    batches++;
    batch = [];
  };

  for (const { row, event, issues } of csvRows(csv, now())) {
    counts.processed++;
    if (!event) {
      reject(issues);
    } else if (Date.parse(event.at) < horizon) {
      reject([{ row, path: 'at', message: `is older than the ${config.retentionDays}-day retention of raw events` }]);
    } else if (stores !== null && !stores.includes(event.store)) {
      reject([{ row, path: 'store', message: 'forbidden store' }]);
    } else {
      const seen = firstRows.see(event, row);
      if (seen.kind === 'conflict') {
        reject([{ row, path: 'id', message: differentBodyMessage(`row ${seen.first}`) }]);
      } else if (seen.kind === 'duplicate') {
        counts.duplicates++;
      } else {
        counts.accepted++;
        batch.push(event);
        if (batch.length >= MAX_BATCH) await flush();
      }
    }
    if (counts.processed % ROWS_PER_REPORT === 0) {
      await saveCounts(redis, config.prefix, importId, counts, counts.errors.length !== savedErrors);
      savedErrors = counts.errors.length;
      await onProgress(Math.min(99, Math.floor((counts.processed * 100) / Math.max(1, status.rows))));
    }
  }
  await flush();
  await finishImport(redis, config.prefix, importId, counts, now());
  await onProgress(100);
  return { rows: counts.processed, accepted: counts.accepted, rejected: counts.rejected };
}

export const createImportsProcessor = (deps: ImportsDeps) => async (job: Job<ImportJob, ImportResult>) => {
  try {
    return await runImport(deps, job.data.importId, (p) => job.updateProgress(p));
  } catch (err) {
    // The last attempt: the status says so, instead of running for ever.
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
      const message = err instanceof Error ? err.message : String(err);
      await failImport(deps.redis, deps.config.prefix, job.data.importId, message, deps.now?.() ?? Date.now()).catch(
        () => undefined,
      );
    }
    throw err;
  }
};
