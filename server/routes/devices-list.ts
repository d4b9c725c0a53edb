/** GET /api/v1/devices — every TV this key may manage, with online/offline, last seen and its last report. */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { listDevices } from '../../core/books/device-book.js';
import { canManageDevice } from './device-params.js';

export async function getDevices(req: Request, res: Response, deps: AppDeps) {
  const now = Date.now();
  const all = await listDevices(deps.redis, deps.config.prefix, deps.stores, now);
  const devices = all.filter((d) => canManageDevice(req.principal!, d));
  res.json({ devices, online: devices.filter((d) => d.online).length, at: new Date(now).toISOString() });
}
