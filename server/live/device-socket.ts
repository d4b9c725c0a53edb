/**
 * TVs on the live socket (docs/wall.md, "Screen management 大屏管理"): a `deviceHello` registers
 * the device and ties the socket to its room; commands and settings from the admin API, and
 * celebrations from the workers, come to every server over Redis pub/sub and each hands them to
 * the TVs it holds (`local`), as screens and alerts are.
 */
import type { Socket } from 'socket.io';
import { deviceReport } from '../../domain/device-schemas.js';
import { storeOfPlaylist, type Celebration, type DeviceAssignment } from '../../domain/devices.js';
import type { ClientToServerEvents, LiveSocketData, ServerToClientEvents } from '../../domain/protocol.js';
import { issuesOf } from '../../domain/settings.js';
import { canSeeScreen } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { assignmentOf, loadDevice, recordReport, type DeviceMessage } from '../../core/books/device-book.js';
import type { Logger } from '../../core/observability/logger.js';
import { logFailure } from '../../core/redis/connections.js';
import { deviceKeys } from '../../core/redis/keys.js';
import { canManageDevice } from '../routes/device-params.js';
import { loadScreen } from '../../core/books/screen-book.js';
import { roomLimitError, type LiveNamespace } from './limits.js';
import { celebrateRoom, deviceRoom } from './rooms.js';

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;

const isCelebrateRoom = (room: string) => room.startsWith('celebrate:');

/** The rooms a TV's socket should be in for celebrations, given its settings. */
const celebrateRooms = (a: DeviceAssignment) => (a.celebrations && a.store ? [celebrateRoom(a.store)] : []);

export function onDeviceHello(socket: LiveSocket, deps: AppDeps, log: Logger, maxRooms: number): void {
  socket.on('deviceHello', async (payload, ack) => {
    if (typeof ack !== 'function') return;
    const parsed = deviceReport.safeParse(payload);
    if (!parsed.success) {
      ack({
        error: `invalid report: ${issuesOf(parsed.error)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; ')}`,
      });
      return;
    }
    const report = parsed.data;
    const room = deviceRoom(report.deviceId);
    // One device per connection: a socket cannot speak for every TV of the key.
    if ([...socket.rooms].some((r) => r.startsWith('device:') && r !== room)) {
      ack({ error: 'this connection already reports for another device' });
      return;
    }
    const tooMany = roomLimitError(socket, room, maxRooms);
    if (tooMany) {
      ack({ error: tooMany });
      return;
    }
    try {
      const { redis, config } = deps;
      const known = await loadDevice(redis, config.prefix, report.deviceId);
      let store = known?.store ?? null;
      if (!known) {
        const screen = await loadScreen(redis, config.prefix, report.screen);
        if (screen && !canSeeScreen(socket.data, screen.items)) {
          ack({ error: 'forbidden: this screen shows stores this key may not read' });
          return;
        }
        store = storeOfPlaylist(screen?.items) ?? socket.data.stores?.[0] ?? null;
      } else if (!canManageDevice(socket.data, known)) {
        ack({ error: 'forbidden: this device belongs to a store this key may not read' });
        return;
      }
      const outcome = await recordReport(redis, config.prefix, report, store, Date.now());
      if (outcome.kind === 'full') {
        ack({ error: 'too many devices registered: forget some (DELETE /api/v1/devices/{id})' });
        return;
      }
      const assignment = await assignmentOf(deps.stores, outcome.settings);
      await socket.join(room);
      for (const r of socket.rooms) if (isCelebrateRoom(r)) await socket.leave(r);
      await socket.join(celebrateRooms(assignment));
      if (outcome.created) log.info({ deviceId: report.deviceId, screen: report.screen, store }, 'device registered');
      ack({ data: assignment });
    } catch (err) {
      logFailure(log, err, 'deviceHello failed', { deviceId: report.deviceId });
      ack({ error: 'device registry unavailable, retry shortly' });
    }
  });
}

/** The pub/sub channels of devices, for the live namespace's subscriber. */
export const deviceChannels = (prefix: string) => {
  const k = deviceKeys(prefix);
  return [k.commandChannel, k.celebrationChannel];
};

/** Hands a device channel's message to the TVs this server holds; false: not a device channel. */
export async function forwardDeviceMessage(
  nsp: LiveNamespace,
  prefix: string,
  channel: string,
  message: string,
): Promise<boolean> {
  const k = deviceKeys(prefix);
  if (channel === k.celebrationChannel) {
    const celebration = JSON.parse(message) as Celebration;
    nsp.local.to(celebrateRoom(celebration.store)).emit('celebration', celebration);
    return true;
  }
  if (channel !== k.commandChannel) return false;
  const msg = JSON.parse(message) as DeviceMessage;
  const room = deviceRoom(msg.deviceId);
  if ('command' in msg) {
    nsp.local.to(room).emit('deviceCommand', msg.command);
    return true;
  }
  const sockets = await nsp.local.in(room).fetchSockets();
  for (const s of sockets) {
    const stale = [...s.rooms].filter((r) => isCelebrateRoom(r) || ('forgotten' in msg && r === room));
    for (const r of stale) s.leave(r);
    if ('assignment' in msg) {
      s.join(celebrateRooms(msg.assignment));
      s.emit('device', msg.assignment);
    }
  }
  return true;
}
