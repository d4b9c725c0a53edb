/** Demo events for the bench: a store's recent days, or a long history of one store. */
import { DateTime } from 'luxon';
import type { PulseEvent } from '../../domain/events.js';
import { STORES } from '../../launcher/demo/dealership.js';
import { generateStoreEvents } from '../../launcher/demo/generate.js';
import { chunks } from './measure.js';
import { DAY } from './params.js';

/** `days` days of demo store `profile` up to a minute ago, filed under store `code`, ordered by time. */
export function demoEvents(
  profileIndex: number,
  code: string,
  days: number,
  seed: number,
  now = Date.now() - 60_000,
): PulseEvent[] {
  const profile = STORES[profileIndex % STORES.length]!;
  const events = generateStoreEvents(profile, { seed, from: now - days * DAY, to: now + 1, now, demoStart: now });
  if (code === profile.code) return events;
  return events.map((e) => ({ ...e, store: code }));
}

/** The start of the current month in the store's time zone. */
export const monthStartOf = (store: string, now: number) =>
  DateTime.fromMillis(now, { zone: STORES.find((s) => s.code === store)?.timezone ?? 'Asia/Shanghai' })
    .startOf('month')
    .toMillis();

/**
 * Events of one store spread over the last two years, in batches, so most fall outside the current
 * month. The current month is always the demo generator's whole month of that store, so every
 * history size is read against the same month:
 * - `n` = 0: the generator's two years (~335k);
 * - smaller `n`: this month plus the latest older events up to `n` (this month alone if it is larger);
 * - larger `n`: the two years followed by copies of the events *before this month*, every
 *   store-scoped id (events, leads, orders, customers, …) given a suffix, so each copy adds older
 *   subjects rather than duplicates, and every time moved into the oldest weeks the retention keeps
 *   (735–795 days back), in the same order: the last 24 months — every period a report reads and
 *   compares with — hold the same events at every size above the generator's. Made lazily: 10 M
 *   events never sit in memory at once.
 */
export function* history(n: number, store: string, batchSize = 1000): Generator<PulseEvent[]> {
  const base = demoEvents(0, store, 730, 7);
  const monthStart = monthStartOf(store, Date.now());
  const older = base.filter((e) => Date.parse(e.at) < monthStart);
  const month = base.filter((e) => Date.parse(e.at) >= monthStart);
  if (n !== 0 && n < base.length) {
    const keep = Math.max(0, n - month.length);
    yield* chunks([...older.slice(older.length - keep, keep ? undefined : 0), ...month], batchSize);
    return;
  }
  yield* chunks(base, batchSize);
  const idPattern = new RegExp(`"${store}-([^"]*)"`, 'g');
  const now = Date.now();
  const [from, to] = [now - 795 * DAY, now - 735 * DAY];
  const first = Date.parse(older[0]?.at ?? new Date(now).toISOString());
  const squeeze = (at: string) => new Date(from + ((Date.parse(at) - first) / (monthStart - first)) * (to - from)).toISOString();
  let out = base.length;
  for (let copy = 1; out < n; copy++) {
    for (let i = 0; i < older.length && out < n; i += batchSize) {
      const batch = older.slice(i, Math.min(i + batchSize, i + n - out)).map((e) => {
        const c = JSON.parse(JSON.stringify(e).replace(idPattern, `"${store}-$1~${copy}"`)) as PulseEvent;
        return { ...c, at: squeeze(c.at) };
      });
      out += batch.length;
      yield batch;
    }
  }
}
