/**
 * PUT /api/v1/stores/:store/report-delivery — which summaries (weekly, monthly) go where (e-mail
 * addresses, the store's alert webhooks). The store's schedulers follow at once.
 */
import type { Request, Response } from 'express';
import { nextDeliveryRecord, reportDeliverySettings } from '../../domain/report-delivery.js';
import { DEFAULT_TIMEZONE } from '../../domain/settings.js';
import type { AppDeps } from '../deps.js';
import { loadReportDelivery, saveReportDelivery } from '../../core/books/report-delivery-book.js';
import { scheduleStoreReports } from '../../core/jobs/report-delivery.js';
import { reachableStore } from './store-access.js';
import { parseBody } from './parse-body.js';

export async function putReportDelivery(req: Request, res: Response, deps: AppDeps) {
  const store = reachableStore(req, res, 'manage');
  if (!store) return;
  const body = parseBody(req, res, reportDeliverySettings, 'invalid_report_delivery');
  if (body === undefined) return;
  const { redis, config } = deps;
  await deps.stores.ensure([store]);
  const before = await loadReportDelivery(redis, config.prefix, store);
  // A cadence turned on now sends from its next due date on, not the period that fell due last.
  const record = nextDeliveryRecord(before, body, Date.now());
  await saveReportDelivery(redis, config.prefix, store, record);
  const zone = (await deps.stores.get(store))?.timezone ?? DEFAULT_TIMEZONE;
  await scheduleStoreReports(deps.queues.reports, store, record, zone);
  res.json({ store, ...record.settings });
}
