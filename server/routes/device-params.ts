/** The `:deviceId` of the device routes, and the device itself if the calling key may manage it. */
import type { Request, Response } from 'express';
import { deviceId } from '../../domain/device-schemas.js';
import type { DeviceSettings } from '../../domain/devices.js';
import { canSeeStore, type Principal } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { loadDevice } from '../../core/books/device-book.js';

/** A store-limited key manages the TVs of its stores only; a TV of no store is the whole group's. */
export const canManageDevice = (p: Pick<Principal, 'stores'>, d: Pick<DeviceSettings, 'store'>) =>
  p.stores === null || (d.store !== null && canSeeStore(p, d.store));

/** The device named in the path, or null with the answer sent: 400 for a malformed id, 404 for none (or another store's). */
export async function deviceOfRequest(req: Request, res: Response, deps: AppDeps): Promise<DeviceSettings | null> {
  const id = deviceId.safeParse(req.params.deviceId);
  if (!id.success) {
    res.status(400).json({ error: 'invalid_device', details: [{ path: 'deviceId', message: id.error.issues[0]!.message }] });
    return null;
  }
  const device = await loadDevice(deps.redis, deps.config.prefix, id.data);
  if (!device || !canManageDevice(req.principal!, device)) {
    res.status(404).json({ error: 'not_found', message: `no device ${id.data}` });
    return null;
  }
  return device;
}
