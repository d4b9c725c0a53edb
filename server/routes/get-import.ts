/**
 * GET /api/v1/imports/:importId — where a CSV import stands: state, rows read, accepted, rejected,
 * the problems by row. A key limited to some stores sees only the imports it uploaded itself.
 */
import type { Request, Response } from 'express';
import type { ImportStatus } from '../../domain/imports.js';
import type { AppDeps } from '../deps.js';
import { loadImport } from '../../core/books/import-book.js';

const IMPORT_ID_RE = /^imp-[0-9a-f]{24}$/;

export async function getImport(req: Request, res: Response, deps: AppDeps) {
  const importId = String(req.params.importId);
  const record = IMPORT_ID_RE.test(importId) ? await loadImport(deps.redis, deps.config.prefix, importId) : null;
  const principal = req.principal!;
  if (!record || (principal.stores !== null && principal.keyId !== record.owner.keyId)) {
    res.status(404).json({ error: 'not_found', message: `no import ${importId.slice(0, 64)}` });
    return;
  }
  const status: ImportStatus & { owner?: unknown } = { ...record };
  delete status.owner;
  res.json(status);
}
