/** PUT/GET /api/v1/stores/:store/alert-rules — the store's alert thresholds (defaults until set). */
import type { Request, Response } from 'express';
import { alertRules } from '../../domain/alerts.js';
import { issuesOf } from '../../domain/settings.js';
import { loadAlertRules } from '../../workers/alerts/engine.js';
import type { AppDeps } from '../deps.js';
import { storeKeys } from '../redis-keys.js';
import { storeParam } from './store-settings.js';

export async function putAlertRules(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  const parsed = alertRules.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: 'invalid_alert_rules', details: issuesOf(parsed.error) });
    return;
  }
  await deps.stores.ensure([store]);
  await deps.redis.set(storeKeys(deps.config.prefix, store).alertRules, JSON.stringify(parsed.data));
  // New thresholds can start or end conditions: the workers evaluate the store again.
  await deps.queues.maintenance.add('recheck', { kind: 'recheck', store }, { removeOnComplete: true, attempts: 5 });
  res.json({ store, ...parsed.data });
}

export async function getAlertRules(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  res.json({ store, ...(await loadAlertRules(deps.redis, deps.config.prefix, store)) });
}
