/** PUT/GET /api/v1/targets/:store/:month — monthly sales targets (刚性销售目标). */
import type { Request, Response } from 'express';
import { monthKey, targetSettings } from '../../domain/settings.js';
import { globalKeys } from '../../core/redis/keys.js';
import { loadTargets, saveTargets } from '../../core/books/material-book.js';
import type { AppDeps } from '../deps.js';
import { storeParam } from './path-params.js';
import { parseBody } from './parse-body.js';

function monthParam(req: Request, res: Response): string | null {
  const r = monthKey.safeParse(req.params.month);
  if (!r.success) {
    res.status(400).json({ error: 'invalid_targets', details: [{ path: 'month', message: r.error.issues[0]!.message }] });
    return null;
  }
  return r.data;
}

export async function putTargets(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  const month = store && monthParam(req, res);
  if (!store || !month) return;
  const body = parseBody(req, res, targetSettings, 'invalid_targets');
  if (body === undefined) return;
  await deps.stores.ensure([store]);
  await saveTargets(deps.redis, deps.config.prefix, store, month, body);
  await deps.redis.publish(globalKeys(deps.config.prefix).changedChannel, store);
  res.json(body);
}

export async function getTargets(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  const month = store && monthParam(req, res);
  if (!store || !month) return;
  const t = await loadTargets(deps.redis, deps.config.prefix, store, month);
  if (!t) {
    res.status(404).json({ error: 'not_found', message: `no targets for ${store} in ${month}` });
    return;
  }
  res.json(t);
}
