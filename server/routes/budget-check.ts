/**
 * POST /api/v1/budgets/:budgetId/check {amount, override?} — the breaker (跳闸): 200 when the
 * planned spend stays under the budget; 409 with the shortfall when it would trip it or the budget
 * has tripped. A key with scope `admin` may let it through with a reason: logged, counted on the
 * budget and announced as a `budget_override` alert.
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { budgetCheckBody, type BudgetOverride, type BudgetRefusal } from '../../domain/breaker.js';
import { maskOverride } from '../../domain/masking.js';
import { monthKey } from '../../domain/settings.js';
import { newAlertId, publishAlert, recordAlert, mergeRecord } from '../../core/books/alert-book.js';
import { listOverrides, logOverride } from '../../core/books/budget-overrides.js';
import { requestRecheck } from '../../core/jobs/enqueue.js';
import type { AppDeps } from '../deps.js';
import { checkPlannedSpend } from '../../core/kpi/breaker.js';
import { windowsAt } from '../../core/kpi/windows.js';
import { storeKeys } from '../../core/redis/keys.js';
import { visibleBudget } from './budgets.js';
import { budgetParam } from './path-params.js';
import { reachableStore } from './store-access.js';
import { parseBody } from './parse-body.js';

const money = (yuan: number) => `¥${yuan.toLocaleString('zh-CN')}`;

export async function postBudgetCheck(req: Request, res: Response, deps: AppDeps) {
  const budgetId = budgetParam(req, res);
  if (!budgetId) return;
  const body = parseBody(req, res, budgetCheckBody, 'invalid_check');
  if (body === undefined) return;
  const { redis, config } = deps;
  const budget = await visibleBudget(req, res, deps, budgetId);
  if (!budget) return;
  const principal = req.principal!;
  const spentFen = Number((await redis.hget(storeKeys(config.prefix, budget.store).spend.byBudget, budgetId)) ?? 0);
  const result = checkPlannedSpend(budgetId, budget, spentFen, Math.round(body.amount * 100));
  if (result.fits) {
    res.json(result);
    return;
  }
  const wanted = body.override;
  if (!wanted) {
    const tripped = spentFen >= Math.round(budget.amount * 100);
    const body: BudgetRefusal = {
      error: tripped ? 'budget_tripped' : 'budget_would_trip',
      message: tripped
        ? `预算已跳闸：${budget.name} 已用 ${money(result.spent)} / ${money(result.budget)}`
        : `超出预算：计划支出后将超出 ${money(result.shortfall)}`,
      ...result,
    };
    res.status(409).json(body);
    return;
  }
  if (!principal.scopes.includes('admin')) {
    res.status(403).json({ error: 'forbidden', message: 'only a key with scope "admin" may override the breaker' });
    return;
  }
  const now = Date.now();
  const override: BudgetOverride = {
    overrideId: randomBytes(8).toString('base64url'),
    budgetId,
    store: budget.store,
    month: budget.month,
    amount: result.amount,
    shortfall: result.shortfall,
    reason: wanted.reason,
    by: wanted.by ?? principal.name,
    keyName: principal.name,
    at: new Date(now).toISOString(),
  };
  await logOverride(redis, config.prefix, override);
  const alert = {
    id: newAlertId(budget.store),
    store: budget.store,
    kind: 'budget_override' as const,
    severity: 'warning' as const,
    message: `预算越权批准：${budget.name} 计划支出 ${money(result.amount)}，超出 ${money(result.shortfall)}；${override.by}：${override.reason}`,
    at: override.at,
    data: {
      budgetId,
      name: budget.name,
      amount: result.amount,
      shortfall: result.shortfall,
      by: override.by,
      reason: override.reason,
    },
  };
  await recordAlert(redis, config.prefix, alert);
  await publishAlert(
    redis,
    config.prefix,
    'alert',
    mergeRecord(alert, JSON.stringify({ state: 'open', history: [{ at: alert.at, action: 'raised' }] })),
  );
  // The workers hand it to the webhooks and refresh the walls (the budget's override count).
  await requestRecheck(deps.queues.maintenance, budget.store);
  res.json({ ...result, override });
}

/** Reasons (and who gave them) are free text: raw for `pii` keys only. */
const shownOverrides = (req: Request, list: BudgetOverride[]) =>
  req.principal!.scopes.includes('pii') ? list : list.map(maskOverride);

/** GET /api/v1/stores/:store/overrides[?month=YYYY-MM] — this month's (or the given month's) overrides, newest first. */
export async function getStoreOverrides(req: Request, res: Response, deps: AppDeps) {
  const store = reachableStore(req, res, 'read');
  if (!store) return;
  let month = typeof req.query.month === 'string' ? req.query.month : undefined;
  const valid = month === undefined ? null : monthKey.safeParse(month);
  if (valid && !valid.success) {
    res.status(400).json({ error: 'invalid_query', details: [{ path: 'month', message: valid.error.issues[0]!.message }] });
    return;
  }
  if (!month) month = windowsAt(Date.now(), (await deps.stores.get(store))?.timezone ?? 'Asia/Shanghai').month;
  const overrides = await listOverrides(deps.redis, deps.config.prefix, store, { month });
  res.json({ store, month, overrides: shownOverrides(req, overrides) });
}

/** GET /api/v1/budgets/:budgetId/overrides */
export async function getBudgetOverrides(req: Request, res: Response, deps: AppDeps) {
  const budgetId = budgetParam(req, res);
  if (!budgetId) return;
  const budget = await visibleBudget(req, res, deps, budgetId);
  if (!budget) return;
  const overrides = await listOverrides(deps.redis, deps.config.prefix, budget.store, { budgetId });
  res.json({ budgetId, overrides: shownOverrides(req, overrides) });
}
