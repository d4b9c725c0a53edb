/** GET /api/v1/stores/:store/kpis and GET /api/v1/kpis (group) — the snapshot, with the pipeline's freshness. */
import type { Request, Response } from 'express';
import { canSeeStore } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { storeParam } from './store-settings.js';

export async function getStoreKpis(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  if (!canSeeStore(req.principal!, store)) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not read this store' });
    return;
  }
  const snapshot = await deps.kpis.store(store);
  if (!snapshot) {
    res.status(404).json({ error: 'not_found', message: `no store ${store}` });
    return;
  }
  res.json({ ...snapshot, freshness: deps.freshness.current });
}

export async function getGroupKpis(req: Request, res: Response, deps: AppDeps) {
  const snapshot = await deps.kpis.group(Date.now(), req.principal!.stores);
  res.json({ ...snapshot, freshness: deps.freshness.current });
}
