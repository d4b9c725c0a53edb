/**
 * POST /api/v1/imports — a CSV file of events (`Content-Type: text/csv`, up to 20 MiB). The header
 * is checked and the rows counted here; the file is stored in Redis and its job queued before the
 * 202 {importId, rows}, so an acknowledged file is never lost. The rows are read in the background.
 */
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { MAX_IMPORT_BYTES } from '../../domain/imports.js';
import { enqueueImport } from '../../core/jobs/enqueue.js';
import type { AppDeps } from '../deps.js';
import { inspectCsv } from '../../core/imports/csv-events.js';
import { createImport } from '../../core/books/import-book.js';

/** The body of this route only: text (UTF-8 unless the request names another charset, e.g. gbk). */
const csvBody = express.text({ type: 'text/csv', limit: MAX_IMPORT_BYTES, defaultCharset: 'utf-8' });

const readBody = (req: Request, res: Response) =>
  new Promise<(Error & { type?: string }) | undefined>((resolve) => {
    csvBody(req, res, (err?: unknown) => resolve(err as (Error & { type?: string }) | undefined));
  });

export async function postImport(req: Request, res: Response, deps: AppDeps) {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'text/csv') {
    res.status(415).json({ error: 'unsupported_media_type', message: 'send the file as Content-Type: text/csv' });
    return;
  }
  const err = await readBody(req, res);
  if (err?.type === 'entity.too.large') {
    res.status(413).json({ error: 'too_large', message: 'the file exceeds 20 MiB: split it' });
    return;
  }
  if (err?.type === 'charset.unsupported' || err?.type === 'encoding.unsupported') {
    res.status(415).json({ error: 'unsupported_media_type', message: err.message });
    return;
  }
  if (err) throw err;
  const csv: unknown = req.body;
  if (typeof csv !== 'string' || csv.length === 0) {
    res.status(400).json({ error: 'invalid_csv', details: [{ row: 1, path: '(file)', message: 'is empty' }] });
    return;
  }
  const { rows, issues } = inspectCsv(csv);
  if (issues.length) {
    res.status(400).json({ error: 'invalid_csv', details: issues.slice(0, 100) });
    return;
  }
  const principal = req.principal!;
  const importId = `imp-${randomBytes(12).toString('hex')}`;
  await createImport(deps.redis, deps.config.prefix, {
    importId,
    csv,
    rows,
    owner: { keyId: principal.keyId, stores: principal.stores },
    now: Date.now(),
  });
  await enqueueImport(deps.queues.imports, importId);
  res.status(202).location(`/api/v1/imports/${importId}`).json({ importId, rows });
}
