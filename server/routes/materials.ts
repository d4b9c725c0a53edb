/** PUT/GET /api/v1/materials/:itemId — a promotional material and its reorder level. */
import type { Request, Response } from 'express';
import { eventId } from '../../domain/events.js';
import { materialSettings } from '../../domain/settings.js';
import { canSeeStore } from '../../core/auth/api-keys.js';
import { globalKeys } from '../../core/redis/keys.js';
import { loadMaterial, saveMaterial } from '../../core/books/material-book.js';
import type { AppDeps } from '../deps.js';
import { parseBody } from './parse-body.js';

function itemParam(req: Request, res: Response): string | null {
  const r = eventId.safeParse(req.params.itemId);
  if (!r.success) {
    res
      .status(400)
      .json({ error: 'invalid_material', details: [{ path: 'itemId', message: 'must be 1-128 characters of A-Za-z0-9._:-' }] });
    return null;
  }
  return r.data;
}

export async function putMaterial(req: Request, res: Response, deps: AppDeps) {
  const itemId = itemParam(req, res);
  if (!itemId) return;
  const body = parseBody(req, res, materialSettings, 'invalid_material');
  if (body === undefined) return;
  // A store-limited key may neither name another store nor take over a material of one.
  const previous = await loadMaterial(deps.redis, deps.config.prefix, itemId);
  if (!canSeeStore(req.principal!, body.store) || (previous && !canSeeStore(req.principal!, previous.store))) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not manage materials of this store' });
    return;
  }
  await deps.stores.ensure([body.store]);
  await saveMaterial(deps.redis, deps.config.prefix, itemId, body);
  await deps.redis.publish(globalKeys(deps.config.prefix).changedChannel, body.store);
  res.json({ itemId, ...body });
}

export async function getMaterial(req: Request, res: Response, deps: AppDeps) {
  const itemId = itemParam(req, res);
  if (!itemId) return;
  const m = await loadMaterial(deps.redis, deps.config.prefix, itemId);
  if (!m || !canSeeStore(req.principal!, m.store)) {
    res.status(404).json({ error: 'not_found', message: `no material ${itemId}` });
    return;
  }
  res.json({ itemId, ...m });
}
