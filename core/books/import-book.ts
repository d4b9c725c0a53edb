/**
 * CSV imports in Redis: the uploaded file (kept until it is imported) and the status the API
 * answers with, both written before the upload is acknowledged. Everything expires a week after
 * its last change.
 */
import type { RedisConn } from '../redis/connections.js';
import type { ImportRowError, ImportState, ImportStatus } from '../../domain/imports.js';
import { importKeys } from '../redis/keys.js';

export const IMPORT_TTL_S = 7 * 24 * 3600;

/** Who uploaded it: the key, and the stores it may write to (null: every store). */
export interface ImportOwner {
  keyId: string;
  stores: string[] | null;
}

export interface ImportRecord extends ImportStatus {
  owner: ImportOwner;
}

/** Counters of a running import, written as it goes. */
export interface ImportCounts {
  processed: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errorCount: number;
  errors: ImportRowError[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function createImport(
  redis: RedisConn,
  prefix: string,
  a: { importId: string; csv: string; rows: number; owner: ImportOwner; now: number },
): Promise<void> {
  const k = importKeys(prefix, a.importId);
  await redis
    .multi()
    .set(k.csv, a.csv, 'EX', IMPORT_TTL_S)
    .hset(k.status, {
      state: 'queued' satisfies ImportState,
      rows: a.rows,
      processed: 0,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      errorCount: 0,
      errors: '[]',
      createdAt: iso(a.now),
      owner: JSON.stringify(a.owner),
    })
    .expire(k.status, IMPORT_TTL_S)
    .exec();
}

export async function loadImport(redis: RedisConn, prefix: string, importId: string): Promise<ImportRecord | null> {
  const h = await redis.hgetall(importKeys(prefix, importId).status);
  if (!h.state) return null;
  const rows = Number(h.rows);
  const processed = Number(h.processed);
  const state = h.state as ImportState;
  return {
    importId,
    state,
    rows,
    processed,
    accepted: Number(h.accepted),
    // Statuses written before duplicates were counted have none.
    duplicates: Number(h.duplicates ?? 0),
    rejected: Number(h.rejected),
    progress: state === 'done' || rows === 0 ? 100 : Math.floor((processed * 100) / rows),
    errors: JSON.parse(h.errors ?? '[]') as ImportRowError[],
    errorCount: Number(h.errorCount),
    createdAt: h.createdAt!,
    startedAt: h.startedAt ?? null,
    finishedAt: h.finishedAt ?? null,
    ...(h.failure ? { failure: h.failure } : {}),
    owner: JSON.parse(h.owner!) as ImportOwner,
  };
}

export const loadImportCsv = (redis: RedisConn, prefix: string, importId: string) => redis.get(importKeys(prefix, importId).csv);

const countFields = (c: ImportCounts, withErrors = true) => ({
  processed: c.processed,
  accepted: c.accepted,
  duplicates: c.duplicates,
  rejected: c.rejected,
  errorCount: c.errorCount,
  ...(withErrors ? { errors: JSON.stringify(c.errors) } : {}),
});

export async function markRunning(redis: RedisConn, prefix: string, importId: string, now: number): Promise<void> {
  const k = importKeys(prefix, importId).status;
  await redis.multi().hset(k, 'state', 'running').hsetnx(k, 'startedAt', iso(now)).exec();
}

/** `withErrors: false` when the list has not grown since the last save (it can be large). */
export async function saveCounts(redis: RedisConn, prefix: string, importId: string, counts: ImportCounts, withErrors = true) {
  await redis.hset(importKeys(prefix, importId).status, countFields(counts, withErrors));
}

/** Done: the final counts, and the file is dropped (the status stays for a week). */
export async function finishImport(
  redis: RedisConn,
  prefix: string,
  importId: string,
  counts: ImportCounts,
  now: number,
): Promise<void> {
  const k = importKeys(prefix, importId);
  await redis
    .multi()
    .hset(k.status, { ...countFields(counts), state: 'done', finishedAt: iso(now) })
    .expire(k.status, IMPORT_TTL_S)
    .del(k.csv)
    .exec();
}

/** Failed for good (its retries spent): the file is kept the week, to look at. */
export async function failImport(
  redis: RedisConn,
  prefix: string,
  importId: string,
  failure: string,
  now: number,
): Promise<void> {
  const k = importKeys(prefix, importId).status;
  if (!(await redis.exists(k))) return;
  await redis
    .multi()
    .hset(k, { state: 'failed', failure, finishedAt: iso(now) })
    .expire(k, IMPORT_TTL_S)
    .exec();
}
