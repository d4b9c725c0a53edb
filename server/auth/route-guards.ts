/**
 * What every route of the table runs before its handler: the key and its scope (401/403), the
 * key's rate budget (429), and, for a path naming a store (`:store`), the key's store list (403).
 * Routes that find their store elsewhere (a budget, a material, an alert id, a body) check it in
 * their handler; test/keys-scopes.test.ts walks every route to keep it so.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { canSeeStore, type Scope } from './api-keys.js';
import { RateLimiter } from './rate-limit.js';
import { requireScope } from './require-scope.js';

export function pathStoreGuard(req: Request, res: Response, next: NextFunction) {
  const store = req.params.store;
  if (store !== undefined && !canSeeStore(req.principal!, String(store))) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not use this store' });
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
  return (route: { scope: Scope | readonly Scope[] }): RequestHandler[] => [
    requireScope(deps.keys, route.scope),
    // Posting events and imports has its own budget, so a flood of reads cannot starve the feed.
    route.scope === 'ingest' ? ingest : api,
    pathStoreGuard,
  ];
}
