/** DELETE /api/v1/stores/:store/webhooks/:webhookId — removes a webhook and its delivery log: 204, or 404. */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { deleteWebhook } from '../../core/books/webhook-book.js';
import { noSuchWebhook, webhookParams } from './webhook-params.js';

export async function deleteWebhookRoute(req: Request, res: Response, deps: AppDeps) {
  const p = webhookParams(req, res);
  if (!p) return;
  if (await deleteWebhook(deps.redis, deps.config.prefix, p.store, p.webhookId)) res.status(204).end();
  else noSuchWebhook(res, p.store, p.webhookId);
}
