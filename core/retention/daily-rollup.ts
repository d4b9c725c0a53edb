/** Keeps each day's figures of a store before its raw events go: one hash field per local day. */
import { DateTime } from 'luxon';
import type { RedisConn } from '../redis/connections.js';
import type { DailyFigures } from '../../domain/daily.js';
import { readStoreParts, type ReadOptions, type StoreSettingsRecord } from '../kpi/read-store.js';
import { storeSnapshot } from '../kpi/snapshot.js';
import { storeKeys } from '../redis/keys.js';

/** The figures of every day of the month containing `dayMs`, as they stand now. Pure reads. */
export async function monthFigures(
  redis: RedisConn,
  store: string,
  settings: StoreSettingsRecord,
  dayMs: number,
  now: number,
  opts: ReadOptions,
): Promise<DailyFigures[]> {
  const monthEnd = DateTime.fromMillis(dayMs, { zone: settings.timezone }).startOf('month').plus({ months: 1 }).toMillis();
  // Read the month as of its last instant, judging which callbacks are due as of today.
  const parts = await readStoreParts(redis, store, settings, Math.min(monthEnd - 1, now), { ...opts, dueAsOf: now });
  const series = storeSnapshot(parts).series;
  return parts.days.map((d, i) => ({
    date: d.date,
    salesCallback: { subjects: d.callbacks.sales.subjects, met: d.callbacks.sales.met },
    serviceCallback: { subjects: d.callbacks.service.subjects, met: d.callbacks.service.met },
    repairs: d.repairs,
    booked: d.booked,
    leads: series.leads[i] ?? 0,
    orders: series.orders[i] ?? 0,
    deliveries: series.deliveries[i] ?? 0,
    salesSatisfaction: series.salesSatisfaction[i] ?? null,
    serviceSatisfaction: series.serviceSatisfaction[i] ?? null,
    spend: series.spend[i] ?? 0,
  }));
}

/** Stores the figures of the local days in [fromMs, toMs) not kept yet; returns how many were added. */
export async function keepDays(
  redis: RedisConn,
  store: string,
  settings: StoreSettingsRecord,
  fromMs: number,
  toMs: number,
  now: number,
  opts: ReadOptions,
): Promise<number> {
  const key = storeKeys(opts.prefix, store).daily;
  const last = DateTime.fromMillis(toMs, { zone: settings.timezone }).toISODate()!;
  let month = DateTime.fromMillis(fromMs, { zone: settings.timezone }).startOf('month');
  let added = 0;
  while (month.toMillis() < toMs) {
    const days = (await monthFigures(redis, store, settings, month.toMillis(), now, opts)).filter(
      (d) => d.date < last && d.date >= DateTime.fromMillis(fromMs, { zone: settings.timezone }).toISODate()!,
    );
    if (days.length) {
      const p = redis.pipeline();
      for (const d of days) p.hsetnx(key, d.date, JSON.stringify(d));
      for (const [err, res] of (await p.exec()) ?? []) {
        if (err) throw err;
        added += Number(res);
      }
    }
    month = month.plus({ months: 1 });
  }
  return added;
}

export async function readDays(
  redis: RedisConn,
  prefix: string,
  store: string,
  from: string,
  to: string,
): Promise<DailyFigures[]> {
  const all = await redis.hgetall(storeKeys(prefix, store).daily);
  return Object.entries(all)
    .filter(([date]) => date >= from && date <= to)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, json]) => JSON.parse(json) as DailyFigures);
}
