/** GET /api/v1/stores/:store/alerts — the latest alerts of a store, newest first. */
import type { Request, Response } from 'express';
import { recentAlerts } from '../../workers/alerts/raise-alert.js';
import { canSeeStore } from '../auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { storeParam } from './store-settings.js';

export async function getStoreAlerts(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  if (!canSeeStore(req.principal!, store)) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not read this store' });
    return;
  }
  res.json({ alerts: await recentAlerts(deps.redis, deps.config.prefix, store) });
}
