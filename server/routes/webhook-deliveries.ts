/** GET /api/v1/stores/:store/webhooks/:webhookId/deliveries — the recent delivery attempts, newest first. */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { loadWebhook, recentDeliveries } from '../../core/books/webhook-book.js';
import { noSuchWebhook, webhookParams } from './webhook-params.js';

export async function getWebhookDeliveries(req: Request, res: Response, deps: AppDeps) {
  const p = webhookParams(req, res);
  if (!p) return;
  if (!(await loadWebhook(deps.redis, deps.config.prefix, p.store, p.webhookId))) {
    noSuchWebhook(res, p.store, p.webhookId);
    return;
  }
  res.json({ deliveries: await recentDeliveries(deps.redis, deps.config.prefix, p.store, p.webhookId) });
}
