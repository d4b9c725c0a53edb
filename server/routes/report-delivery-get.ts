/** GET /api/v1/stores/:store/report-delivery — the store's summary delivery; all off when never set. */
import type { Request, Response } from 'express';
import { NO_REPORT_DELIVERY } from '../../domain/report-delivery.js';
import type { AppDeps } from '../deps.js';
import { loadReportDelivery } from '../../core/books/report-delivery-book.js';
import { reachableStore } from './store-access.js';

export async function getReportDelivery(req: Request, res: Response, deps: AppDeps) {
  const store = reachableStore(req, res, 'manage');
  if (!store) return;
  const record = await loadReportDelivery(deps.redis, deps.config.prefix, store);
  res.json({ store, ...(record?.settings ?? NO_REPORT_DELIVERY) });
}
