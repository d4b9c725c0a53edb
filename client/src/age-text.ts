/**
 * How long ago something was, in the wall's language: "3 分钟前" / "3 min ago" for an alert or the
 * figures a TV kept, and the whole minutes the figures on screen have not been updated for.
 */
import type { Messages } from './i18n/index.js';

const MINUTE_MS = 60_000;

/** Whole minutes from `at` to `now` (0 when `at` is later); null when `at` is not a time. */
export function minutesSince(at: string | number, now: number): number | null {
  const ms = now - (typeof at === 'number' ? at : Date.parse(at));
  return Number.isFinite(ms) ? Math.max(0, Math.floor(ms / MINUTE_MS)) : null;
}

/** "刚刚" under a minute, then minutes, hours (with their minutes) under two days, then days. */
export function agoText(at: string | number, now: number, m: Messages): string {
  const minutes = minutesSince(at, now);
  if (minutes === null || minutes < 1) return m.ago.now;
  if (minutes < 60) return m.ago.minutes(minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return m.ago.hours(hours, minutes % 60);
  return m.ago.days(Math.floor(hours / 24));
}

/** The minutes for "数据已 N 分钟未更新": at least 1, as the warning shows only once figures are late. */
export function staleMinutes(lastUpdate: number, now: number): number {
  return Math.max(1, minutesSince(lastUpdate, now) ?? 1);
}
