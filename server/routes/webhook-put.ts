/** PUT /api/v1/stores/:store/webhooks/:webhookId — creates or replaces a webhook; the answer never holds its secret. */
import type { Request, Response } from 'express';
import { webhookUrlProblem } from '../../domain/webhook-addresses.js';
import { webhookSettings } from '../../domain/webhooks.js';
import type { AppDeps } from '../deps.js';
import { saveWebhook, webhookView } from '../../core/books/webhook-book.js';
import { webhookParams } from './webhook-params.js';
import { parseBody } from './parse-body.js';

export async function putWebhook(req: Request, res: Response, deps: AppDeps) {
  const p = webhookParams(req, res);
  if (!p) return;
  const body = parseBody(req, res, webhookSettings, 'invalid_webhook');
  if (body === undefined) return;
  // An address inside the install's network (Redis, metadata services) is refused here; a host
  // name is checked again every time a delivery resolves it (workers/notify/).
  const problem = webhookUrlProblem(body.url, deps.config.webhookAllowHosts);
  if (problem) {
    res.status(400).json({ error: 'invalid_webhook', details: [{ path: 'url', message: problem }] });
    return;
  }
  await deps.stores.ensure([p.store]);
  await saveWebhook(deps.redis, deps.config.prefix, p.store, p.webhookId, body);
  res.json(webhookView(p.store, p.webhookId, body));
}
