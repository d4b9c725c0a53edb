/** GET /api/v1/stores/:store/kpis and GET /api/v1/kpis (group) — the snapshot, with the pipeline's freshness. */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { reachableStore } from './store-access.js';

export async function getStoreKpis(req: Request, res: Response, deps: AppDeps) {
  const store = reachableStore(req, res, 'read');
  if (!store) return;
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
