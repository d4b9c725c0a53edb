/** Number and time formats of the wall. A missing ratio is "—", never 0 % or 100 %. */
import type { Locale } from './i18n.js';

export const DASH = '—';

/** 0.94 → "94.0%"; null → "—". */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return DASH;
  return `${(ratio * 100).toFixed(1)}%`;
}

/** The number part of a percentage ("94.0"), or "—". */
export function percentNumber(ratio: number | null | undefined): string {
  const s = formatPercent(ratio);
  return s === DASH ? s : s.slice(0, -1);
}

const yuanFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Whole yuan with thousands separators, the same in both languages: ¥1,234,567. */
export function formatYuan(amount: number | null | undefined): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return DASH;
  const sign = amount < 0 ? '-' : '';
  return `${sign}¥${yuanFmt.format(Math.round(Math.abs(amount)))}`;
}

const countFmt = new Intl.NumberFormat('en-US');
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  return countFmt.format(n);
}

/** Hours with one decimal, or "—". */
export function formatHours(h: number | null | undefined): string | null {
  if (h === null || h === undefined || !Number.isFinite(h)) return null;
  return h >= 100 ? Math.round(h).toString() : h.toFixed(1);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = timeFormats.get(key);
  if (!f) {
    f = make();
    timeFormats.set(key, f);
  }
  return f;
}

function validZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

/** "14:05:09" in the given time zone (the store's), 24-hour clock. */
export function formatTime(at: Date | number | string, timeZone?: string, seconds = true): string {
  const zone = validZone(timeZone);
  const f = formatter(
    `t|${zone ?? ''}|${seconds}`,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hour: '2-digit',
        minute: '2-digit',
        second: seconds ? '2-digit' : undefined,
        hourCycle: 'h23',
      }),
  );
  const d = at instanceof Date ? at : new Date(at);
  return Number.isNaN(d.getTime()) ? DASH : f.format(d);
}

/** "11月23日 星期一" / "Mon 23 Nov". */
export function formatDate(at: Date | number, locale: Locale, timeZone?: string): string {
  const zone = validZone(timeZone);
  const f = formatter(
    `d|${locale}|${zone ?? ''}`,
    () =>
      new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', {
        timeZone: zone,
        month: locale === 'zh-CN' ? 'long' : 'short',
        day: 'numeric',
        weekday: locale === 'zh-CN' ? 'long' : 'short',
      }),
  );
  return f.format(at instanceof Date ? at : new Date(at));
}

/** Day of month from "2026-11-23" (or an ISO time), for chart labels. */
export function dayOfMonth(day: string): string {
  const m = /^\d{4}-\d{2}-(\d{2})/.exec(day);
  return m?.[1] ? String(Number(m[1])) : day;
}
