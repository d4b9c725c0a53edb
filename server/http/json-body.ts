/**
 * A body sent to the API must be JSON (`Content-Type: application/json`): anything else is 415,
 * rather than a confusing 400 about a body the server did not read. The CSV import reads its own
 * `text/csv` body (and answers 415 to anything else).
 */
import type { NextFunction, Request, Response } from 'express';

const CSV_ROUTE = '/v1/imports'; // relative to /api, where this is mounted

export function jsonBodiesOnly(req: Request, res: Response, next: NextFunction) {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.is('application/json') || (req.path === CSV_ROUTE && req.method === 'POST')) return next();
  res.status(415).json({ error: 'unsupported_media_type', message: 'send the body as JSON: Content-Type: application/json' });
}
