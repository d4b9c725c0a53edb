/** PUT/GET /api/v1/stores/:store/alert-rules — the store's alert thresholds (defaults until set). */
import type { Request, Response } from 'express';
import { alertRules } from '../../domain/alerts.js';
import { loadAlertRules, saveAlertRules } from '../../core/books/alert-rules-book.js';
import { requestRecheck } from '../../core/jobs/enqueue.js';
import type { AppDeps } from '../deps.js';
import { storeParam } from './path-params.js';
import { parsePut } from './parse-body.js';

export async function putAlertRules(req: Request, res: Response, deps: AppDeps) {
  const put = parsePut(req, res, storeParam, alertRules, 'invalid_alert_rules');
  if (!put) return;
  const { id: store, body } = put;
  await deps.stores.ensure([store]);
  await saveAlertRules(deps.redis, deps.config.prefix, store, body);
  // New thresholds can start or end conditions: the workers evaluate the store again.
  await requestRecheck(deps.queues.maintenance, store);
  res.json({ store, ...body });
}

export async function getAlertRules(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  res.json({ store, ...(await loadAlertRules(deps.redis, deps.config.prefix, store)) });
}
