/** GET /api/v1/stores/:store/webhooks — the store's webhooks, without their secrets. */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { listWebhooks, webhookView } from '../../core/books/webhook-book.js';
import { webhookStore } from './webhook-params.js';

export async function getWebhooks(req: Request, res: Response, deps: AppDeps) {
  const store = webhookStore(req, res);
  if (!store) return;
  const hooks = await listWebhooks(deps.redis, deps.config.prefix, store);
  res.json({ webhooks: hooks.map((h) => webhookView(store, h.webhookId, h.settings)) });
}
