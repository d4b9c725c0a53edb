/**
 * The JSON body of an API route, read and parsed after the route's guards (server/app.ts): only a
 * request whose key, scope and rate budget passed costs reading and parsing up to 1 MiB.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { jsonBodiesOnly } from './json-body.js';
import { bodyStillComing } from '../../core/http/refusal.js';

const LIMIT = 1024 * 1024;
const parser = express.json({ limit: LIMIT });

function parseJson(req: Request, res: Response, next: NextFunction) {
  // Declared too large (and not compressed, where the limit is on the inflated size): the parser
  // would read the whole body before refusing it. Refused here unread, and the connection closed.
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (Number(req.headers['content-length'] ?? 0) > LIMIT && encoding === 'identity') {
    res.setHeader('Connection', 'close');
    next(Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 }));
    return;
  }
  parser(req, res, (err?: unknown) => {
    if (err && bodyStillComing(req)) res.setHeader('Connection', 'close');
    next(err);
  });
}

/** Not JSON: 415 (json-body.ts); JSON: parsed into req.body (400 when malformed, 413 past 1 MiB). */
export const jsonBody = [jsonBodiesOnly, parseJson];
