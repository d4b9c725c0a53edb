/**
 * A period in words, as the report's header and the trend axis write it:
 * 2026年11月 · 2026年第48周 (11月23日–29日) · 2026年11月23日 · 2026年第4季度, and in English
 * November 2026 · Week 48, 2026 (23–29 Nov) · 23 November 2026 · Q4 2026.
 * The calendar dates of a period do not depend on the zone, so they are worked out in UTC.
 */
import { DateTime } from 'luxon';
import { periodBounds, type Period } from '../../../domain/periods.js';
import type { Locale } from '../i18n/index.js';

/** The first and last calendar day of a period. */
export function periodDays(p: Period): { first: DateTime; last: DateTime } {
  const { start, end } = periodBounds(p, 'UTC');
  return {
    first: DateTime.fromMillis(start, { zone: 'UTC' }),
    last: DateTime.fromMillis(end, { zone: 'UTC' }).minus({ days: 1 }),
  };
}

function weekSpan(p: Period, locale: Locale): string {
  const { first, last } = periodDays(p);
  if (locale === 'zh-CN') {
    const to = first.month === last.month ? `${last.day}日` : `${last.month}月${last.day}日`;
    return `${first.month}月${first.day}日–${to}`;
  }
  const mon = (d: DateTime) => d.setLocale('en-GB').toFormat('LLL');
  return first.month === last.month
    ? `${first.day}–${last.day} ${mon(last)}`
    : `${first.day} ${mon(first)} – ${last.day} ${mon(last)}`;
}

export function periodWords(p: Period, locale: Locale): string {
  if (locale === 'zh-CN') {
    if (p.kind === 'month') return `${p.year}年${p.index}月`;
    if (p.kind === 'week') return `${p.year}年第${p.index}周 (${weekSpan(p, locale)})`;
    if (p.kind === 'day') return `${p.year}年${p.index}月${p.day}日`;
    return `${p.year}年第${p.index}季度`;
  }
  const { first } = periodDays(p);
  if (p.kind === 'month') return first.setLocale('en-GB').toFormat('LLLL yyyy');
  if (p.kind === 'week') return `Week ${p.index}, ${p.year} (${weekSpan(p, locale)})`;
  if (p.kind === 'day') return first.setLocale('en-GB').toFormat('d LLLL yyyy');
  return `Q${p.index} ${p.year}`;
}

/** A short label for a chart axis: 11月 / Nov (the year at January and on the first label), W48, 11/23, Q4. */
export function periodTick(p: Period, locale: Locale, withYear: boolean): string {
  const zh = locale === 'zh-CN';
  const { first } = periodDays(p);
  if (p.kind === 'month') {
    const year = withYear || p.index === 1;
    if (zh) return year ? `${p.year}年${p.index}月` : `${p.index}月`;
    return first.setLocale('en-GB').toFormat(year ? 'LLL yyyy' : 'LLL');
  }
  if (p.kind === 'week') return withYear || p.index === 1 ? `${p.year}-W${String(p.index).padStart(2, '0')}` : `W${p.index}`;
  if (p.kind === 'day') return zh ? `${p.index}月${p.day}日` : first.setLocale('en-GB').toFormat('d LLL');
  return withYear || p.index === 1 ? `${p.year} Q${p.index}` : `Q${p.index}`;
}
