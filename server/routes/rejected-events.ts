/**
 * GET /api/v1/stores/:store/rejected — acknowledged events of the store that could not apply,
 * with the reason, oldest first (core/books/rejected-book.ts). Scope admin: the events carry the
 * customers' names and phones as sent.
 */
import type { Request, Response } from 'express';
import { canSeeStore } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { listRejected } from '../../core/books/rejected-book.js';
import { storeParam } from './store-settings.js';

export async function getRejectedEvents(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  if (!canSeeStore(req.principal!, store)) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not read this store' });
    return;
  }
  res.json({ store, ...(await listRejected(deps.redis, deps.config.prefix, store)) });
}
