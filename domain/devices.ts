/**
 * The registry of screens (大屏管理): a device is one physical TV opened on `/screen/{name}`,
 * known by a random id it keeps in its local storage. A screen is the playlist it plays; an
 * administrator names the device, assigns it a playlist, its store, its on-hours (`schedule`) and
 * whether it celebrates orders and deliveries. The TV reports every 30 s over the live socket.
 *
 * This file is the one home of the device rules: what a report and a setting may hold, when a
 * device counts as online, when it should be on (its schedule in its store's time zone), and when
 * a silent one raises an alert. Every function takes "now": clocks are handed in. The schemas of
 * reports and settings are in device-schemas.ts: the TV's page imports this file, and no zod.
 */
import { DateTime } from 'luxon';
import { maskName } from './masking.js';
export type { DeviceReport, DeviceSchedule, DeviceSettingsPatch, ScheduleSpan } from './device-schemas.js';
import type { DeviceReport, DeviceSchedule } from './device-schemas.js';

/** A TV reports this often; online means a report within ONLINE_WITHIN_MS. */
export const DEVICE_REPORT_MS = 30_000;
/** Three reports missed: the TV is offline. */
export const ONLINE_WITHIN_MS = 90_000;
/** A TV that should be on and has said nothing for this long raises an alert (大屏离线). */
export const SILENT_ALERT_MS = 5 * 60_000;
/** How long `identify` shows the device's name full-screen. */
export const IDENTIFY_MS = 10_000;
/** Devices kept per deployment: a key that registers endless ids is refused past it. */
export const MAX_DEVICES = 2_000;

export interface DeviceSettings {
  id: string;
  name: string;
  screen: string;
  store: string | null;
  schedule: DeviceSchedule;
  celebrations: boolean;
  registeredAt: string;
}

export type DeviceStatus = Omit<DeviceReport, 'deviceId' | 'screen'> & { lastSeen: string };

/** A device as the admin API lists it. */
export interface DeviceView extends DeviceSettings {
  online: boolean;
  /** Inside its on-hours now (always, without a schedule). */
  onHours: boolean;
  lastSeen: string | null;
  status: DeviceStatus | null;
}

/** What the TV itself is told (ack of `deviceHello`, `device` pushes): its settings and its store's name and zone. */
export interface DeviceAssignment extends DeviceSettings {
  storeName: string | null;
  timezone: string;
}

/** A command of the admin API for one TV. */
export type DeviceCommand = { command: 'reload' } | { command: 'identify'; name: string; ms: number };

/** An order signed or a car delivered, as walls celebrate it: no personal data beyond a masked name. */
export interface Celebration {
  store: string;
  kind: 'order.signed' | 'vehicle.delivered';
  /** The car, when the event names it. */
  model: string | null;
  /** The customer's name, masked (王*明), when the event names one. */
  customer: string | null;
  at: string;
}

export const isOnline = (lastSeenMs: number | null, now: number): boolean =>
  lastSeenMs !== null && now - lastSeenMs <= ONLINE_WITHIN_MS;

const minutesOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));

/** Whether `now` falls in the schedule, read in the time zone `zone`. */
export function isOnHours(schedule: DeviceSchedule, zone: string, now: number): boolean {
  if (!schedule) return true;
  const local = DateTime.fromMillis(now, { zone });
  const day = local.weekday;
  const yesterday = day === 1 ? 7 : day - 1;
  const minute = local.hour * 60 + local.minute;
  return schedule.some((span) => {
    const from = minutesOf(span.from);
    const to = minutesOf(span.to);
    if (from === to) return span.days.includes(day);
    if (from < to) return span.days.includes(day) && minute >= from && minute < to;
    // Past midnight: the evening of a listed day, or the small hours after one.
    return (span.days.includes(day) && minute >= from) || (span.days.includes(yesterday) && minute < to);
  });
}

/**
 * A TV is silent (大屏离线) when it should be on now and was already meant to be on SILENT_ALERT_MS
 * ago (a TV switched on at opening time gets its five minutes to start), and nothing was heard
 * from it for SILENT_ALERT_MS. It clears by itself when the TV reports or its on-hours end.
 */
export function isSilent(
  device: Pick<DeviceSettings, 'schedule'>,
  zone: string,
  lastSeenMs: number | null,
  now: number,
): boolean {
  if (!isOnHours(device.schedule, zone, now) || !isOnHours(device.schedule, zone, now - SILENT_ALERT_MS)) return false;
  return lastSeenMs === null || now - lastSeenMs >= SILENT_ALERT_MS;
}

/** The store a new device belongs to: the first store its playlist shows (none for a group-only playlist). */
export const storeOfPlaylist = (items: readonly { store: string }[] | undefined): string | null =>
  items?.find((i) => i.store !== '*')?.store ?? null;

/** Burn-in (烧屏) protection: the layout moves by a few pixels every few minutes, through these offsets. */
export const BURN_IN_SHIFT_MS = 3 * 60_000;
export const BURN_IN_OFFSETS: readonly (readonly [number, number])[] = [
  [0, 0],
  [3, 2],
  [-2, 3],
  [-3, -2],
  [2, -3],
];
export const burnInOffset = (now: number): readonly [number, number] =>
  BURN_IN_OFFSETS[Math.floor(now / BURN_IN_SHIFT_MS) % BURN_IN_OFFSETS.length]!;

/** Only news is celebrated: an order or a delivery back-filled hours later is not. */
export const CELEBRATE_WITHIN_MS = 15 * 60_000;

/** The celebration of an applied event (model and masked customer, no consultant: events name none), or null. */
export function celebrationOf(
  e: { type: string; store: string; at: string; model?: string; customer?: { name?: string } },
  now: number,
): Celebration | null {
  if (e.type !== 'order.signed' && e.type !== 'vehicle.delivered') return null;
  if (Math.abs(now - Date.parse(e.at)) > CELEBRATE_WITHIN_MS) return null;
  const name = e.customer?.name;
  return { store: e.store, kind: e.type, model: e.model ?? null, customer: name ? maskName(name) : null, at: e.at };
}
