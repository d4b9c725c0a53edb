/**
 * The month's hard targets of one store against their actuals, read directly: one hash field and
 * three range counts. The alert engine checks targets after every batch, so it reads only what the
 * targets need; the snapshot (read-operations.ts) counts the same members per day and must agree.
 */
import type { RedisConn } from '../redis/connections.js';
import { TARGET_KEYS, type TargetFigure, type TargetKey } from '../../domain/kpis.js';
import { targetSettings } from '../../domain/settings.js';
import { storeKeys } from '../redis/keys.js';
import { targetFigure } from './operations.js';
import { localDayOf, monthClockOf, type Windows } from './windows.js';

export async function readTargetFigures(
  redis: RedisConn,
  prefix: string,
  store: string,
  w: Windows,
): Promise<Partial<Record<TargetKey, TargetFigure>>> {
  const k = storeKeys(prefix, store);
  const res = await redis
    .pipeline()
    .hget(k.targets, w.month)
    // Signed and not cancelled; deliveries are the sales callbacks' subjects; every lead.
    .zcount(k.orders.live, w.monthStart, w.now)
    .zcount(k.callback('sales').subjectsByTime, w.monthStart, w.now)
    .zcount(k.leads.all, w.monthStart, w.now)
    .exec();
  const [json, orders, deliveries, leads] = (res ?? []).map(([err, v]) => {
    if (err) throw err;
    return v;
  });
  const parsed = typeof json === 'string' ? targetSettings.safeParse(JSON.parse(json)) : null;
  if (!parsed?.success) return {};
  const actual: Record<TargetKey, number> = { orders: Number(orders), deliveries: Number(deliveries), leads: Number(leads) };
  const clock = monthClockOf(w);
  const figures: Partial<Record<TargetKey, TargetFigure>> = {};
  for (const key of TARGET_KEYS) {
    const target = parsed.data[key];
    if (target !== undefined) figures[key] = targetFigure(actual[key], [{ target, ...clock }], localDayOf(w));
  }
  return figures;
}
