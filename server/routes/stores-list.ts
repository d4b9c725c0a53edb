/**
 * GET /api/v1/stores — the stores the key may read, with their names: what a store picker shows
 * (the staff page), without reading any figures. Sorted by code.
 */
import type { Request, Response } from 'express';
import { canSeeStore } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';

export async function getStores(req: Request, res: Response, deps: AppDeps) {
  const principal = req.principal!;
  const all = await deps.stores.all();
  const stores = [...all]
    .filter(([store]) => canSeeStore(principal, store))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([store, s]) => ({ store, name: s.name, timezone: s.timezone }));
  res.json({ stores });
}
