/** PUT /api/v1/stores/:store/webhooks/:webhookId — creates or replaces a webhook; the answer never holds its secret. */
import type { Request, Response } from 'express';
import { webhookSettings } from '../../domain/webhooks.js';
import type { AppDeps } from '../deps.js';
import { saveWebhook, webhookView } from '../webhook-book.js';
import { webhookParams } from './webhook-params.js';
import { parseBody } from './parse-body.js';

export async function putWebhook(req: Request, res: Response, deps: AppDeps) {
  const p = webhookParams(req, res);
  if (!p) return;
  const body = parseBody(req, res, webhookSettings, 'invalid_webhook');
  if (body === undefined) return;
  await deps.stores.ensure([p.store]);
  await saveWebhook(deps.redis, deps.config.prefix, p.store, p.webhookId, body);
  res.json(webhookView(p.store, p.webhookId, body));
}
