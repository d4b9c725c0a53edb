/** DELETE /api/v1/devices/:deviceId — forgets a TV taken away: 204. A TV still on registers again with its next report. */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { forgetDevice, publishDeviceMessage } from '../../core/books/device-book.js';
import { deviceOfRequest } from './device-params.js';

export async function deleteDevice(req: Request, res: Response, deps: AppDeps) {
  const device = await deviceOfRequest(req, res, deps);
  if (!device) return;
  await forgetDevice(deps.redis, deps.config.prefix, device.id);
  await publishDeviceMessage(deps.redis, deps.config.prefix, { deviceId: device.id, forgotten: true });
  res.status(204).end();
}
