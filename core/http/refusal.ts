/**
 * Answers a request refused before its body was read (no key, no scope, over a budget, no such
 * route). Node would otherwise read and throw away the rest of the body to keep the connection
 * for the next request — up to whatever the sender declared. A refused body still on its way
 * closes the connection instead.
 */
import type { Request, Response } from 'express';

export function bodyStillComing(req: Request): boolean {
  const declared = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  return declared && !req.complete;
}

export function refuse(req: Request, res: Response, status: number, body: object): void {
  if (bodyStillComing(req)) res.setHeader('Connection', 'close');
  res.status(status).json(body);
}
