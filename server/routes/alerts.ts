/**
 * GET /api/v1/alerts (every store the key may read, or `?store=`) and
 * GET /api/v1/stores/:store/alerts: alerts newest first, filtered by state, kind and time; their
 * free text masked unless the key has scope `pii`.
 */
import type { Request, Response } from 'express';
import { alertListQuery, type AlertRecord, type AlertState } from '../../domain/alerts.js';
import { maskAlert } from '../../domain/masking.js';
import { issuesOf } from '../../domain/settings.js';
import { listAlerts } from '../../core/books/alert-book.js';
import { canSeeStore } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { storeParam } from './path-params.js';
import { mayReach } from './store-access.js';

const STATES: Record<string, AlertState[] | null> = {
  open: ['open'],
  acked: ['acked'],
  cleared: ['cleared'],
  active: ['open', 'acked'],
  all: null,
};

async function answer(req: Request, res: Response, deps: AppDeps, query: Record<string, unknown>) {
  const parsed = alertListQuery.safeParse(query);
  if (!parsed.success) {
    res.status(400).json({ error: 'invalid_query', details: issuesOf(parsed.error) });
    return;
  }
  const q = parsed.data;
  const principal = req.principal!;
  if (q.store && !mayReach(req, res, q.store, 'read')) return;
  const stores = q.store ? [q.store] : [...(await deps.stores.all()).keys()].filter((s) => canSeeStore(principal, s));
  const states = STATES[q.state];
  const opts = {
    limit: q.limit,
    ...(states ? { states: new Set(states) } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...(q.since ? { sinceMs: Date.parse(q.since) } : {}),
  };
  const lists = await Promise.all(stores.map((s) => listAlerts(deps.redis, deps.config.prefix, s, opts)));
  const alerts: AlertRecord[] = lists
    .flat()
    .sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id))
    .slice(0, q.limit);
  // Free text in alerts (reasons, titles, notes) is personal data: raw for `pii` keys only.
  res.json({ alerts: principal.scopes.includes('pii') ? alerts : alerts.map(maskAlert) });
}

export const getAlerts = (req: Request, res: Response, deps: AppDeps) => answer(req, res, deps, { ...req.query });

export async function getStoreAlerts(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  await answer(req, res, deps, { ...req.query, store });
}
