/** PUT/GET /api/v1/stores/:store — name and time zone. */
import type { Request, Response } from 'express';
import { storeSettings } from '../../domain/settings.js';
import { globalKeys, seqKeys } from '../../core/redis/keys.js';
import type { AppDeps } from '../deps.js';
import { scheduleSegments } from '../../core/jobs/segments.js';
import { scheduleStoreReports } from '../../core/jobs/report-delivery.js';
import { loadReportDelivery } from '../../core/books/report-delivery-book.js';
import { parsePut } from './parse-body.js';
import { storeParam } from './path-params.js';

export async function putStore(req: Request, res: Response, deps: AppDeps) {
  const put = parsePut(req, res, storeParam, storeSettings, 'invalid_store');
  if (!put) return;
  const { id: store, body } = put;
  const before = await deps.stores.get(store);
  await deps.stores.put(store, body);
  // The nightly segmentation and the summaries' 09:00 follow the store's time zone.
  await scheduleSegments(deps.queues.segments, store, body.timezone);
  if (before?.timezone !== body.timezone) {
    const delivery = await loadReportDelivery(deps.redis, deps.config.prefix, store);
    if (delivery) await scheduleStoreReports(deps.queues.reports, store, delivery, body.timezone);
  }
  // A known store's new name or time zone is a new snapshot: its seq moves, or the walls would not
  // be pushed it (a push goes out only for a seq above the last pushed, server/live/push-claim.ts).
  if (before && (before.name !== body.name || before.timezone !== body.timezone)) {
    await deps.redis.incr(seqKeys(deps.config.prefix, store).seq);
  }
  await deps.redis.publish(globalKeys(deps.config.prefix).changedChannel, store);
  res.json({ store, ...body });
}

export async function getStore(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  const settings = await deps.stores.get(store);
  if (!settings) {
    res.status(404).json({ error: 'not_found', message: `no store ${store}` });
    return;
  }
  res.json({ store, ...settings });
}
