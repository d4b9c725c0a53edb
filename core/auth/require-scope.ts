/**
 * Express guards: a valid bearer key (401, or 429 for an address past its refusals: key-gate.ts),
 * then a scope of the route (403). Both answer before the body is read.
 */
import type { NextFunction, Request, Response } from 'express';
import { clientAddress } from '../http/client-address.js';
import { refuse } from '../http/refusal.js';
import type { ApiKeys, Principal, Scope } from './api-keys.js';
import type { KeyGate } from './key-gate.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}

/** One scope, or several: any one of them lets the request through. */
type Scopes = Scope | readonly Scope[];

const UNAUTHORIZED = { error: 'unauthorized', message: 'a valid key is required: Authorization: Bearer <key>' };

/** The key: sets `req.principal`, else 401, or 429 with Retry-After for an address past its refusals. */
export const requireKey = (gate: KeyGate, trustedHops: number) => async (req: Request, res: Response, next: NextFunction) => {
  const check = await gate.check(bearer(req.headers.authorization), clientAddress(req, trustedHops));
  if (check.kind === 'rate_limited') {
    res.setHeader('Retry-After', String(check.retryAfterS));
    refuse(req, res, 429, { error: 'rate_limited', message: check.message, retryAfter: check.retryAfterS });
    return;
  }
  if (check.kind === 'unauthorized') {
    refuse(req, res, 401, UNAUTHORIZED);
    return;
  }
  req.principal = check.principal;
  next();
};

/** After requireKey: the key holds one of the scopes, else 403. */
export const requireScopeOf = (scope: Scopes) => (req: Request, res: Response, next: NextFunction) => {
  const anyOf: readonly Scope[] = typeof scope === 'string' ? [scope] : scope;
  if (!anyOf.some((s) => req.principal!.scopes.includes(s))) {
    const wanted = anyOf.map((s) => `"${s}"`).join(' or ');
    refuse(req, res, 403, { error: 'forbidden', message: `this key lacks the scope ${wanted}` });
    return;
  }
  next();
};

/** Key and scope in one guard, without the refusals per address: for an app of a few routes of its own. */
export const requireScope = (keys: ApiKeys, scope: Scopes) => async (req: Request, res: Response, next: NextFunction) => {
  const principal = await keys.resolve(bearer(req.headers.authorization));
  if (!principal) {
    refuse(req, res, 401, UNAUTHORIZED);
    return;
  }
  req.principal = principal;
  requireScopeOf(scope)(req, res, next);
};
