/** PUT/GET /api/v1/budgets/:budgetId — a promotion budget of one store and month. */
import type { Request, Response } from 'express';
import { budgetSettings } from '../../domain/settings.js';
import { loadBudget, saveBudget } from '../../core/books/budget-book.js';
import { requestRecheck } from '../../core/jobs/enqueue.js';
import type { AppDeps } from '../deps.js';
import { parsePut } from './parse-body.js';
import { budgetParam } from './path-params.js';
import { mayKeep, visibleRecord } from './store-access.js';

export async function putBudget(req: Request, res: Response, deps: AppDeps) {
  const put = parsePut(req, res, budgetParam, budgetSettings, 'invalid_budget');
  if (!put) return;
  const { id: budgetId, body: b } = put;
  const previous = await loadBudget(deps.redis, deps.config.prefix, budgetId);
  if (!mayKeep(req, res, b.store, previous, 'this key may not manage budgets of this store')) return;
  await deps.stores.ensure([b.store]);
  await saveBudget(deps.redis, deps.config.prefix, budgetId, b);
  // A changed amount can cross the warn or trip line without any spend: the workers re-check.
  await requestRecheck(deps.queues.maintenance, b.store);
  res.json({ budgetId, ...b });
}

export async function getBudget(req: Request, res: Response, deps: AppDeps) {
  const budgetId = budgetParam(req, res);
  if (!budgetId) return;
  const budget = await visibleBudget(req, res, deps, budgetId);
  if (budget) res.json({ budgetId, ...budget });
}

/** The budget when the key may see its store; otherwise null, a 404 sent. */
export async function visibleBudget(req: Request, res: Response, deps: AppDeps, budgetId: string) {
  return visibleRecord(req, res, await loadBudget(deps.redis, deps.config.prefix, budgetId), `no budget ${budgetId}`);
}
