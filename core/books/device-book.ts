/**
 * The registry of screens in Redis (docs/wall.md, "Screen management 大屏管理"): each TV's settings,
 * its last report and when it was last seen, all under one hash tag (redis-keys.ts `deviceKeys`).
 * Nothing lives in a server's memory: any server answers for any TV.
 */
import {
  isOnHours,
  isOnline,
  MAX_DEVICES,
  type DeviceAssignment,
  type DeviceCommand,
  type DeviceReport,
  type DeviceSettings,
  type DeviceSettingsPatch,
  type DeviceStatus,
  type DeviceView,
} from '../../domain/devices.js';
import { DEFAULT_TIMEZONE } from '../../domain/settings.js';
import type { RedisConn } from '../redis/connections.js';
import { execAll } from '../redis/exec.js';
import { deviceKeys } from '../redis/keys.js';
import type { StoreRegistry } from './store-registry.js';

export type ReportOutcome = { kind: 'ok'; settings: DeviceSettings; created: boolean } | { kind: 'full' };

export async function loadDevice(redis: RedisConn, prefix: string, id: string): Promise<DeviceSettings | null> {
  const json = await redis.hget(deviceKeys(prefix).settings, id);
  return json ? (JSON.parse(json) as DeviceSettings) : null;
}

/**
 * A TV's report: registers a device not seen before (named after its screen, in `store`), then
 * keeps the report and the time in one transaction. A device already known keeps its settings:
 * the administrator's assignment wins over the TV's address.
 */
export async function recordReport(
  redis: RedisConn,
  prefix: string,
  report: DeviceReport,
  store: string | null,
  now: number,
): Promise<ReportOutcome> {
  const k = deviceKeys(prefix);
  let settings = await loadDevice(redis, prefix, report.deviceId);
  let created = false;
  if (!settings) {
    if ((await redis.hlen(k.settings)) >= MAX_DEVICES) return { kind: 'full' };
    const fresh: DeviceSettings = {
      id: report.deviceId,
      name: report.screen,
      screen: report.screen,
      store,
      schedule: null,
      celebrations: false,
      registeredAt: new Date(now).toISOString(),
    };
    // Two servers registering the same TV at once keep one record.
    created = (await redis.hsetnx(k.settings, fresh.id, JSON.stringify(fresh))) === 1;
    settings = created ? fresh : ((await loadDevice(redis, prefix, report.deviceId)) ?? fresh);
  }
  const { deviceId, page, userAgent, screenWidth, screenHeight, appVersion, heapUsedBytes, heapLimitBytes } = report;
  const status: DeviceStatus = {
    page,
    userAgent,
    screenWidth,
    screenHeight,
    appVersion,
    ...(heapUsedBytes === undefined ? {} : { heapUsedBytes }),
    ...(heapLimitBytes === undefined ? {} : { heapLimitBytes }),
    lastSeen: new Date(now).toISOString(),
  };
  await execAll(redis.multi().hset(k.status, deviceId, JSON.stringify(status)).zadd(k.seen, now, deviceId));
  return { kind: 'ok', settings, created };
}

export async function updateDevice(
  redis: RedisConn,
  prefix: string,
  id: string,
  patch: DeviceSettingsPatch,
): Promise<DeviceSettings | null> {
  const previous = await loadDevice(redis, prefix, id);
  if (!previous) return null;
  const next: DeviceSettings = { ...previous, ...patch };
  await redis.hset(deviceKeys(prefix).settings, id, JSON.stringify(next));
  return next;
}

/** Forgets a device (a TV taken away): its settings, last report and time, in one transaction. */
export async function forgetDevice(redis: RedisConn, prefix: string, id: string): Promise<boolean> {
  const k = deviceKeys(prefix);
  const [removed] = await execAll(redis.multi().hdel(k.settings, id).hdel(k.status, id).zrem(k.seen, id));
  return removed === 1;
}

async function viewsOf(
  stores: StoreRegistry,
  now: number,
  settings: DeviceSettings[],
  status: Map<string, DeviceStatus>,
  seen: Map<string, number>,
): Promise<DeviceView[]> {
  const all = await stores.all();
  return settings.map((d) => {
    const lastSeenMs = seen.get(d.id) ?? null;
    const zone = (d.store && all.get(d.store)?.timezone) || DEFAULT_TIMEZONE;
    return {
      ...d,
      online: isOnline(lastSeenMs, now),
      onHours: isOnHours(d.schedule, zone, now),
      lastSeen: lastSeenMs === null ? null : new Date(lastSeenMs).toISOString(),
      status: status.get(d.id) ?? null,
    };
  });
}

/** Every device, by name, with online/offline as of `now`. */
export async function listDevices(redis: RedisConn, prefix: string, stores: StoreRegistry, now: number): Promise<DeviceView[]> {
  const k = deviceKeys(prefix);
  const [settingsRaw, statusRaw, seenRaw] = await execAll(
    redis.multi().hgetall(k.settings).hgetall(k.status).zrange(k.seen, 0, -1, 'WITHSCORES'),
  );
  const settings = Object.values(settingsRaw as Record<string, string>).map((j) => JSON.parse(j) as DeviceSettings);
  const status = new Map(
    Object.entries(statusRaw as Record<string, string>).map(([id, j]) => [id, JSON.parse(j) as DeviceStatus]),
  );
  const pairs = seenRaw as string[];
  const seen = new Map<string, number>();
  for (let i = 0; i < pairs.length; i += 2) seen.set(pairs[i]!, Number(pairs[i + 1]));
  settings.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id));
  return viewsOf(stores, now, settings, status, seen);
}

export async function viewDevice(
  redis: RedisConn,
  prefix: string,
  stores: StoreRegistry,
  id: string,
  now: number,
): Promise<DeviceView | null> {
  const k = deviceKeys(prefix);
  const [settingsJson, statusJson, score] = (await execAll(
    redis.multi().hget(k.settings, id).hget(k.status, id).zscore(k.seen, id),
  )) as [string | null, string | null, string | null];
  if (!settingsJson) return null;
  const status = new Map<string, DeviceStatus>(statusJson ? [[id, JSON.parse(statusJson) as DeviceStatus]] : []);
  const seen = new Map<string, number>(score === null ? [] : [[id, Number(score)]]);
  const [view] = await viewsOf(stores, now, [JSON.parse(settingsJson) as DeviceSettings], status, seen);
  return view ?? null;
}

/** What the TV is told about itself: its settings, its store's name and time zone. */
export async function assignmentOf(stores: StoreRegistry, settings: DeviceSettings): Promise<DeviceAssignment> {
  const store = settings.store ? await stores.get(settings.store) : null;
  return { ...settings, storeName: store?.name ?? null, timezone: store?.timezone ?? DEFAULT_TIMEZONE };
}

/** Messages of the device channel: every server hands them to the TV's socket if it holds it. */
export type DeviceMessage = { deviceId: string } & (
  { command: DeviceCommand } | { assignment: DeviceAssignment } | { forgotten: true }
);

export async function publishDeviceMessage(redis: RedisConn, prefix: string, message: DeviceMessage): Promise<void> {
  await redis.publish(deviceKeys(prefix).commandChannel, JSON.stringify(message));
}
