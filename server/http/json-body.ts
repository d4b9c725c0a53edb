/**
 * A body sent to the API must be JSON (`Content-Type: application/json`, UTF-8): anything else is
 * 415 `unsupported_media_type`, rather than a confusing 400 about a body the server did not read.
 * The CSV import reads its own `text/csv` body (and answers 415 to anything else, JSON included:
 * the JSON parser leaves it alone).
 */
import express, { type NextFunction, type Request, type Response } from 'express';

const CSV_UPLOAD = '/api/v1/imports';

/** POST /api/v1/imports, however this is mounted (under /api or on the route) and however the path is spelt. */
const isCsvUpload = (req: Request) =>
  req.method === 'POST' && (req.baseUrl + req.path).toLowerCase().replace(/\/+$/, '') === CSV_UPLOAD;

/** The JSON parser of the API: up to 1 MiB, any route but the CSV upload. */
export const jsonBody = express.json({
  limit: '1mb',
  type: (req) => !isCsvUpload(req as Request) && Boolean((req as Request).is('application/json')),
});

export function jsonBodiesOnly(req: Request, res: Response, next: NextFunction) {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || req.is('application/json') || isCsvUpload(req)) return next();
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
