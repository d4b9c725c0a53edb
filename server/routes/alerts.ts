/**
 * GET /api/v1/stores/:store/alerts and GET /api/v1/alerts (group): the latest alerts, newest
 * first, so that a wall that (re)loads shows what happened before it connected.
 */
import type { Request, Response } from 'express';
import type { Alert } from '../../domain/alerts.js';
import { recentAlerts } from '../../workers/alerts/raise-alert.js';
import { canSeeStore } from '../auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { storeParam } from './store-settings.js';

const LATEST = 20;

export async function getStoreAlerts(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  if (!canSeeStore(req.principal!, store)) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not read this store' });
    return;
  }
  res.json({ alerts: await recentAlerts(deps.redis, deps.config.prefix, store, LATEST) });
}

export async function getGroupAlerts(req: Request, res: Response, deps: AppDeps) {
  const stores = [...(await deps.stores.all()).keys()].filter((s) => canSeeStore(req.principal!, s));
  const lists = await Promise.all(stores.map((s) => recentAlerts(deps.redis, deps.config.prefix, s, LATEST)));
  const alerts: Alert[] = lists
    .flat()
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, LATEST);
  res.json({ alerts });
}
