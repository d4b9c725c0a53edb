/**
 * PUT /api/v1/devices/:deviceId — names a TV, assigns its playlist, store, on-hours and
 * celebrations (the fields given; the others stay). The TV takes the change within a second.
 */
import type { Request, Response } from 'express';
import { deviceSettingsPatch } from '../../domain/device-schemas.js';
import { screenName } from '../../domain/screens.js';
import { canSeeScreen } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { assignmentOf, publishDeviceMessage, updateDevice, viewDevice } from '../../core/books/device-book.js';
import { loadScreen } from '../../core/books/screen-book.js';
import { canManageDevice, deviceOfRequest } from './device-params.js';
import { parseBody } from './parse-body.js';

export async function putDevice(req: Request, res: Response, deps: AppDeps) {
  const device = await deviceOfRequest(req, res, deps);
  if (!device) return;
  const patch = parseBody(req, res, deviceSettingsPatch, 'invalid_device');
  if (patch === undefined) return;
  const { redis, config } = deps;
  if (patch.screen !== undefined && patch.screen !== device.screen) {
    const screen = await loadScreen(redis, config.prefix, screenName.parse(patch.screen));
    if (!screen) {
      res.status(400).json({ error: 'invalid_device', details: [{ path: 'screen', message: `no screen ${patch.screen}` }] });
      return;
    }
    if (!canSeeScreen(req.principal!, screen.items)) {
      res.status(403).json({ error: 'forbidden', message: 'this key may not assign a screen showing other stores or the group' });
      return;
    }
  }
  // A store no event or setting has named yet has no time zone and no minute tick: a typo, not a store.
  if (patch.store && !(await deps.stores.get(patch.store))) {
    res.status(400).json({ error: 'invalid_device', details: [{ path: 'store', message: `no store ${patch.store}` }] });
    return;
  }
  if (!canManageDevice(req.principal!, { store: patch.store === undefined ? device.store : patch.store })) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not move a device out of its stores' });
    return;
  }
  const next = await updateDevice(redis, config.prefix, device.id, patch);
  if (!next) {
    res.status(404).json({ error: 'not_found', message: `no device ${device.id}` });
    return;
  }
  await publishDeviceMessage(redis, config.prefix, { deviceId: next.id, assignment: await assignmentOf(deps.stores, next) });
  res.json(await viewDevice(redis, config.prefix, deps.stores, next.id, Date.now()));
}
