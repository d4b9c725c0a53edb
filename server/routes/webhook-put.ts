/** PUT /api/v1/stores/:store/webhooks/:webhookId — creates or replaces a webhook; the answer never holds its secret. */
import type { Request, Response } from 'express';
import { issuesOf } from '../../domain/settings.js';
import { webhookSettings } from '../../domain/webhooks.js';
import type { AppDeps } from '../deps.js';
import { saveWebhook, webhookView } from '../webhook-book.js';
import { webhookParams } from './webhook-params.js';

export async function putWebhook(req: Request, res: Response, deps: AppDeps) {
  const p = webhookParams(req, res);
  if (!p) return;
  const parsed = webhookSettings.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: 'invalid_webhook', details: issuesOf(parsed.error) });
    return;
  }
  await deps.stores.ensure([p.store]);
  await saveWebhook(deps.redis, deps.config.prefix, p.store, p.webhookId, parsed.data);
  res.json(webhookView(p.store, p.webhookId, parsed.data));
}
