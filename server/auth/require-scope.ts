/** Express guard: a bearer key with the scope, else 401 (no or unknown key) or 403 (wrong scope). */
import type { NextFunction, Request, Response } from 'express';
import type { ApiKeys, Principal, Scope } from './api-keys.js';

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

export const requireScope = (keys: ApiKeys, scope: Scopes) => async (req: Request, res: Response, next: NextFunction) => {
  const principal = await keys.resolve(bearer(req.headers.authorization));
  if (!principal) {
    res.status(401).json({ error: 'unauthorized', message: 'a valid key is required: Authorization: Bearer <key>' });
    return;
  }
  const anyOf: readonly Scope[] = typeof scope === 'string' ? [scope] : scope;
  if (!anyOf.some((s) => principal.scopes.includes(s))) {
    const wanted = anyOf.map((s) => `"${s}"`).join(' or ');
    res.status(403).json({ error: 'forbidden', message: `this key lacks the scope ${wanted}` });
    return;
  }
  req.principal = principal;
  next();
};
