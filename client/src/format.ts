/** Number and time formats of the wall. A missing ratio is "—", never 0 % or 100 %. */
import type { Locale } from './i18n/index.js';

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

/** A survey score (0–100) with one decimal, or "—". */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return DASH;
  return score.toFixed(1);
}

/** NPS (−100…100) as a whole number with its sign: "+52", "−4", "0"; "—" when null. */
export function formatNps(nps: number | null | undefined): string {
  if (nps === null || nps === undefined || !Number.isFinite(nps)) return DASH;
  const n = Math.round(nps);
  if (n > 0) return `+${n}`;
  if (n < 0) return `−${Math.abs(n)}`;
  return '0';
}

/** A multiple such as the return on spend: 7.26 → "7.3×"; "—" when null. */
export function formatMultiple(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return `${x.toFixed(x >= 100 ? 0 : 1)}×`;
}

/** Yuan for chart axes: ¥25万 in Chinese, ¥250k in English. */
export function formatYuanShort(amount: number, locale: Locale): string {
  const a = Math.abs(amount);
  const sign = amount < 0 ? '-' : '';
  const trim = (x: number): string => String(Number(x.toFixed(x >= 10 ? 0 : 1)));
  if (locale === 'zh-CN') {
    if (a >= 1e8) return `${sign}¥${trim(a / 1e8)}亿`;
    if (a >= 1e4) return `${sign}¥${trim(a / 1e4)}万`;
    return `${sign}¥${Math.round(a)}`;
  }
  if (a >= 1e6) return `${sign}¥${trim(a / 1e6)}M`;
  if (a >= 1e3) return `${sign}¥${trim(a / 1e3)}k`;
  return `${sign}¥${Math.round(a)}`;
}

/** "11-23 14:05" in the given time zone (the store's); "—" for a missing or bad time. */
export function formatDateTime(at: string | null | undefined, timeZone?: string): string {
  if (!at) return DASH;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return DASH;
  const zone = validZone(timeZone);
  const f = formatter(
    `dt|${zone ?? ''}`,
    () =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2026-05-17" in the given time zone; "—" for a missing or bad time. */
export function formatDay(at: string | null | undefined, timeZone?: string): string {
  if (!at) return DASH;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return DASH;
  const zone = validZone(timeZone);
  const f = formatter(
    `day|${zone ?? ''}`,
    () => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  );
  return f.format(d);
}

/**
 * Where the snapshot's month stands: its length in days and the days elapsed at `asOf` (with the
 * fraction of today), in the store's time zone — the x axis of the calendar charts.
 */
export function monthClock(asOf: string, timeZone: string, firstDay?: string): { daysInMonth: number; elapsedDays: number } {
  const zone = validZone(timeZone);
  const f = formatter(
    `clock|${zone ?? ''}`,
    () =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
  );
  const at = new Date(asOf);
  const valid = !Number.isNaN(at.getTime());
  const p = Object.fromEntries(f.formatToParts(valid ? at : new Date()).map((x) => [x.type, x.value]));
  const ym = /^(\d{4})-(\d{2})/.exec(firstDay ?? '');
  const year = Number(ym?.[1] ?? p.year);
  const month = Number(ym?.[2] ?? p.month);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const dayFraction = (Number(p.hour) * 3600 + Number(p.minute) * 60 + Number(p.second)) / 86400;
  const elapsed = Number(p.day) - 1 + dayFraction;
  return { daysInMonth, elapsedDays: Math.max(0, Math.min(daysInMonth, Number.isFinite(elapsed) ? elapsed : 0)) };
}
