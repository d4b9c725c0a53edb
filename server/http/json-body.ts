/**
 * A body sent to the API must be JSON (`Content-Type: application/json`, UTF-8): anything else is
 * 415 `unsupported_media_type`, rather than a confusing 400 about a body the server did not read.
 * The CSV import reads its own `text/csv` body (server/routes/index.ts `readsOwnBody`) and answers
 * 415 to anything else, JSON included.
 */
import type { NextFunction, Request, Response } from 'express';

export function jsonBodiesOnly(req: Request, res: Response, next: NextFunction) {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.is('application/json')) return next();
  res.status(415).json({ error: 'unsupported_media_type', message: 'send the body as JSON: Content-Type: application/json' });
}

/** The `error` of each client error status the body parser or the router raises; any other 4xx is `bad_request`. */
const ERROR_NAMES: Record<number, string> = { 413: 'too_large', 415: 'unsupported_media_type' };

/** The answer to a 4xx raised by the body parser or the router: its own error name and a message saying what to send. */
export function clientErrorBody(err: Error & { type?: string; status?: number }): { error: string; message: string } {
  const error = ERROR_NAMES[err.status ?? 400] ?? 'bad_request';
  if (err.type === 'charset.unsupported') {
    return { error, message: 'send the body as JSON in UTF-8: Content-Type: application/json; charset=utf-8' };
  }
  if (err.type === 'encoding.unsupported') {
    return { error, message: 'send the body uncompressed, or with Content-Encoding gzip, deflate or br' };
  }
  return { error, message: err.message };
}
