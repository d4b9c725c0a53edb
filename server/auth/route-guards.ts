/**
 * What every route of the table runs before its body is read and its handler runs: the key (401,
 * or 429 for an address past its refused requests), the key's rate budget (429) — taken for every
 * request the key makes, refused ones included —, its scope (403), and, for a path naming a store
 * (`:store`), the key's store list (403). Routes that find their store elsewhere (a budget, a
 * material, an alert id, a body) check it in their handler; test/keys-scopes.test.ts walks every
 * route to keep it so.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { canSeeStore, type Scope } from '../../core/auth/api-keys.js';
import { refuse } from '../../core/http/refusal.js';
import { RateLimiter } from './rate-limit.js';
import { requireKey, requireScopeOf } from '../../core/auth/require-scope.js';

export function pathStoreGuard(req: Request, res: Response, next: NextFunction) {
  const store = req.params.store;
  if (store !== undefined && !canSeeStore(req.principal!, String(store))) {
    refuse(req, res, 403, { error: 'forbidden', message: 'this key may not use this store' });
    return;
  }
  next();
}

/** Only a key for every store may act on what spans stores (keys): a store-limited admin could otherwise mint an unlimited key. */
export function requireAllStores(req: Request, res: Response): boolean {
  if (req.principal!.stores === null) return true;
  res.status(403).json({ error: 'forbidden', message: 'only a key for every store may do this' });
  return false;
}

/** One rate limiter per app; `guard(route)` lists the handlers to put before the route's own. */
export function routeGuards(deps: AppDeps) {
  const limiter = new RateLimiter(deps.redis, deps.config);
  const ingest = limiter.guard('ingest');
  const api = limiter.guard('api');
  const key = requireKey(deps.gate, deps.config.trustProxyHops);
  return (route: { scope: Scope | readonly Scope[] }): RequestHandler[] => [
    key,
    // Posting events and imports has its own budget, so a flood of reads cannot starve the feed.
    route.scope === 'ingest' ? ingest : api,
    requireScopeOf(route.scope),
    pathStoreGuard,
  ];
}
