/** GET /api/v1/devices/:deviceId — one TV: its settings, online/offline and last report. */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { viewDevice } from '../../core/books/device-book.js';
import { deviceOfRequest } from './device-params.js';

export async function getDevice(req: Request, res: Response, deps: AppDeps) {
  const device = await deviceOfRequest(req, res, deps);
  if (!device) return;
  res.json(await viewDevice(deps.redis, deps.config.prefix, deps.stores, device.id, Date.now()));
}
