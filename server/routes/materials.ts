/** PUT/GET /api/v1/materials/:itemId — a promotional material and its reorder level. */
import type { Request, Response } from 'express';
import { materialSettings } from '../../domain/settings.js';
import { globalKeys } from '../../core/redis/keys.js';
import { loadMaterial, saveMaterial } from '../../core/books/material-book.js';
import type { AppDeps } from '../deps.js';
import { parsePut } from './parse-body.js';
import { itemParam } from './path-params.js';
import { mayKeep, visibleRecord } from './store-access.js';

export async function putMaterial(req: Request, res: Response, deps: AppDeps) {
  const put = parsePut(req, res, itemParam, materialSettings, 'invalid_material');
  if (!put) return;
  const { id: itemId, body } = put;
  const previous = await loadMaterial(deps.redis, deps.config.prefix, itemId);
  if (!mayKeep(req, res, body.store, previous, 'this key may not manage materials of this store')) return;
  await deps.stores.ensure([body.store]);
  await saveMaterial(deps.redis, deps.config.prefix, itemId, body);
  await deps.redis.publish(globalKeys(deps.config.prefix).changedChannel, body.store);
  res.json({ itemId, ...body });
}

export async function getMaterial(req: Request, res: Response, deps: AppDeps) {
  const itemId = itemParam(req, res);
  if (!itemId) return;
  const m = visibleRecord(req, res, await loadMaterial(deps.redis, deps.config.prefix, itemId), `no material ${itemId}`);
  if (m) res.json({ itemId, ...m });
}
