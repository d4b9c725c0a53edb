/**
 * POST /api/v1/devices/:deviceId/reload and …/identify — the TV reloads its page, or shows its name
 * full-screen for 10 s. Sent to whichever server holds the TV's socket; 202 with whether the TV is
 * online (an offline TV misses the command: nothing is queued for later).
 */
import type { Request, Response } from 'express';
import { IDENTIFY_MS, isOnline, type DeviceCommand } from '../../domain/devices.js';
import type { AppDeps } from '../deps.js';
import { publishDeviceMessage } from '../../core/books/device-book.js';
import { deviceKeys } from '../../core/redis/keys.js';
import { deviceOfRequest } from './device-params.js';

async function send(req: Request, res: Response, deps: AppDeps, command: (name: string) => DeviceCommand) {
  const device = await deviceOfRequest(req, res, deps);
  if (!device) return;
  const score = await deps.redis.zscore(deviceKeys(deps.config.prefix).seen, device.id);
  await publishDeviceMessage(deps.redis, deps.config.prefix, { deviceId: device.id, command: command(device.name) });
  res.status(202).json({
    deviceId: device.id,
    sent: command(device.name).command,
    online: isOnline(score === null ? null : Number(score), Date.now()),
  });
}

export const postDeviceReload = (req: Request, res: Response, deps: AppDeps) =>
  send(req, res, deps, () => ({ command: 'reload' }));
export const postDeviceIdentify = (req: Request, res: Response, deps: AppDeps) =>
  send(req, res, deps, (name) => ({ command: 'identify', name, ms: IDENTIFY_MS }));
