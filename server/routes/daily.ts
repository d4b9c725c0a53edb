/** GET /api/v1/stores/:store/daily?from=YYYY-MM-DD&to=YYYY-MM-DD — daily figures kept past the raw events' retention. */
import type { Request, Response } from 'express';
import { readDays } from '../../core/retention/daily-rollup.js';
import type { AppDeps } from '../deps.js';
import { storeParam } from './path-params.js';
import { mayReach } from './store-access.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function getDaily(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  const from = String(req.query.from ?? '0000-01-01');
  const to = String(req.query.to ?? '9999-12-31');
  const bad = [
    ...(DATE.test(from) ? [] : [{ path: 'from', message: 'must be YYYY-MM-DD' }]),
    ...(DATE.test(to) ? [] : [{ path: 'to', message: 'must be YYYY-MM-DD' }]),
  ];
  if (bad.length) {
    res.status(400).json({ error: 'invalid_query', details: bad });
    return;
  }
  if (!mayReach(req, res, store, 'read')) return;
  res.json({ store, days: await readDays(deps.redis, deps.config.prefix, store, from, to) });
}
