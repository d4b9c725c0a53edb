/** PUT/GET /api/v1/budgets/:budgetId — a promotion budget of one store and month. */
import type { Request, Response } from 'express';
import { eventId } from '../../domain/events.js';
import { budgetSettings } from '../../domain/settings.js';
import { canSeeStore } from '../../core/auth/api-keys.js';
import { loadBudget, saveBudget } from '../../core/books/budget-book.js';
import { requestRecheck } from '../../core/jobs/enqueue.js';
import type { AppDeps } from '../deps.js';
import { parseBody } from './parse-body.js';

export function budgetParam(req: Request, res: Response): string | null {
  const r = eventId.safeParse(req.params.budgetId);
  if (!r.success) {
    res
      .status(400)
      .json({ error: 'invalid_budget', details: [{ path: 'budgetId', message: 'must be 1-128 characters of A-Za-z0-9._:-' }] });
    return null;
  }
  return r.data;
}

export async function putBudget(req: Request, res: Response, deps: AppDeps) {
  const budgetId = budgetParam(req, res);
  if (!budgetId) return;
  const b = parseBody(req, res, budgetSettings, 'invalid_budget');
  if (b === undefined) return;
  // A store-limited key may neither name another store nor take over a budget of one.
  const previous = await loadBudget(deps.redis, deps.config.prefix, budgetId);
  if (!canSeeStore(req.principal!, b.store) || (previous && !canSeeStore(req.principal!, previous.store))) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not manage budgets of this store' });
    return;
  }
  await deps.stores.ensure([b.store]);
  await saveBudget(deps.redis, deps.config.prefix, budgetId, b);
  // A changed amount can cross the warn or trip line without any spend: the workers re-check.
  await requestRecheck(deps.queues.maintenance, b.store);
  res.json({ budgetId, ...b });
}

export async function getBudget(req: Request, res: Response, deps: AppDeps) {
  const budgetId = budgetParam(req, res);
  if (!budgetId) return;
  const budget = await loadBudget(deps.redis, deps.config.prefix, budgetId);
  if (!budget || !canSeeStore(req.principal!, budget.store)) {
    res.status(404).json({ error: 'not_found', message: `no budget ${budgetId}` });
    return;
  }
  res.json({ budgetId, ...budget });
}
