/**
 * The schemas of what a TV reports and what an administrator sets (domain/devices.ts has the rules).
 * Kept apart so that the TV's page, which imports the rules, does not load zod.
 */
import { z } from 'zod';
import { storeCode } from './events.js';
import { screenName } from './screens.js';

export const deviceId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be 16-64 characters of A-Za-z0-9_-');

/** `deviceHello` / `deviceStatus`: what a TV says about itself every 30 s. */
export const deviceReport = z.strictObject({
  deviceId,
  /** The screen in the TV's address (`/screen/{name}`): its playlist until an administrator assigns another. */
  screen: screenName,
  /** The page on show now, e.g. `sales HZ01`, or `off-hours`. */
  page: z.string().max(120),
  userAgent: z.string().max(400),
  screenWidth: z.number().int().min(0).max(20_000),
  screenHeight: z.number().int().min(0).max(20_000),
  appVersion: z.string().max(40),
  /** `performance.memory` where the browser has it (Chromium): bytes of JS heap used and its limit. */
  heapUsedBytes: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40)
    .optional(),
  heapLimitBytes: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40)
    .optional(),
});
export type DeviceReport = z.infer<typeof deviceReport>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM from 00:00 to 23:59');

/**
 * A span of on-hours: on `days` (ISO weekdays, 1 Monday … 7 Sunday) from `from` to `to`, local time
 * of the device's store. `to` before `from` runs past midnight into the next day (the part after
 * midnight belongs to the day it began); `to` equal to `from` is the whole day.
 */
export const scheduleSpan = z.strictObject({
  days: z
    .array(z.number().int().min(1).max(7))
    .min(1)
    .max(7)
    .refine((d) => new Set(d).size === d.length, 'must not repeat a day'),
  from: hhmm,
  to: hhmm,
});
export type ScheduleSpan = z.infer<typeof scheduleSpan>;
/** Null: always on. */
export const deviceSchedule = z.array(scheduleSpan).min(1).max(14).nullable();
export type DeviceSchedule = z.infer<typeof deviceSchedule>;

/** `PUT /api/v1/devices/{id}`: the fields given change, the others stay. */
export const deviceSettingsPatch = z
  .strictObject({
    name: z.string().trim().min(1).max(64),
    /** The playlist the TV plays: it moves to `/screen/{screen}` by itself. */
    screen: screenName,
    /** The store whose time zone the schedule uses and whose alerts a silent TV raises; null: none. */
    store: storeCode.nullable(),
    schedule: deviceSchedule,
    /** Orders signed and cars delivered shown as a short toast on the sales pages. */
    celebrations: z.boolean(),
  })
  .partial();
export type DeviceSettingsPatch = z.infer<typeof deviceSettingsPatch>;
