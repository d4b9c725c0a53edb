/**
 * GET /api/v1/stores/:store/rejected — acknowledged events of the store that could not apply,
 * with the reason, oldest first (core/books/rejected-book.ts). Scope admin: the events carry the
 * customers' names and phones as sent.
 */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { listRejected } from '../../core/books/rejected-book.js';
import { reachableStore } from './store-access.js';

export async function getRejectedEvents(req: Request, res: Response, deps: AppDeps) {
  const store = reachableStore(req, res, 'read');
  if (!store) return;
  res.json({ store, ...(await listRejected(deps.redis, deps.config.prefix, store)) });
}
