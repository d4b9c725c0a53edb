/** What a key may do with a store's data: each check sends the 403 or 404 itself and says whether to go on. */
import type { Request, Response } from 'express';
import { canSeeStore } from '../../core/auth/api-keys.js';
import { storeParam } from './path-params.js';

export type StoreAction = 'read' | 'manage';

/** True when the key may reach the store; otherwise a 403 has been sent. */
export function mayReach(req: Request, res: Response, store: string, action: StoreAction): boolean {
  if (canSeeStore(req.principal!, store)) return true;
  res.status(403).json({ error: 'forbidden', message: `this key may not ${action} this store` });
  return false;
}

/** The store of the path when the key may reach it; otherwise null, a 400 or 403 sent. */
export function reachableStore(req: Request, res: Response, action: StoreAction): string | null {
  const store = storeParam(req, res);
  return store && mayReach(req, res, store, action) ? store : null;
}

/**
 * Saving a record of a store (a budget, a material): a store-limited key may neither name another
 * store nor take over a record of one. False once a 403 saying `refusal` has been sent.
 */
export function mayKeep(req: Request, res: Response, store: string, previous: { store: string } | null, refusal: string) {
  if (canSeeStore(req.principal!, store) && (!previous || canSeeStore(req.principal!, previous.store))) return true;
  res.status(403).json({ error: 'forbidden', message: refusal });
  return false;
}

/** The record when it exists and the key may see its store; otherwise null, a 404 sent (the same either way). */
export function visibleRecord<T extends { store: string }>(req: Request, res: Response, record: T | null, notFound: string) {
  if (record && canSeeStore(req.principal!, record.store)) return record;
  res.status(404).json({ error: 'not_found', message: notFound });
  return null;
}
