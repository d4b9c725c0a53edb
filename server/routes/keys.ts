/**
 * POST /api/v1/keys — an admin creates a key; its token is shown in this answer only.
 * GET /api/v1/keys — every key, revoked ones included, without hash or token.
 * DELETE /api/v1/keys/:keyId — revokes a key: 204 (again: 204), 404 for an unknown one.
 * Keys span stores: only an admin key for every store manages them.
 */
import type { Request, Response } from 'express';
import { newKeyBody } from '../../core/auth/api-keys.js';
import { requireAllStores } from '../auth/route-guards.js';
import type { AppDeps } from '../deps.js';
import { parseBody } from './parse-body.js';

export async function postKey(req: Request, res: Response, deps: AppDeps) {
  if (!requireAllStores(req, res)) return;
  const body = parseBody(req, res, newKeyBody, 'invalid_key');
  if (body === undefined) return;
  const { token, key } = await deps.keys.create(body);
  res.status(201).json({ token, ...key });
}

export async function getKeys(req: Request, res: Response, deps: AppDeps) {
  if (!requireAllStores(req, res)) return;
  res.json({ keys: await deps.keys.list() });
}

export async function deleteKey(req: Request, res: Response, deps: AppDeps) {
  if (!requireAllStores(req, res)) return;
  const keyId = String(req.params.keyId);
  if (!(await deps.keys.revoke(keyId))) {
    res.status(404).json({ error: 'not_found', message: `no key ${keyId.slice(0, 64)}` });
    return;
  }
  res.status(204).end();
}
