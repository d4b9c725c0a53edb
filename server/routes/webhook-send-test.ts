/**
 * POST /api/v1/stores/:store/webhooks/:webhookId/test — queues a made-up alert for this webhook
 * alone, through the same queue, format and signature as a real one: 202 {alertId}. Its delivery
 * shows in the log like any other.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AlertRecord } from '../../domain/alerts.js';
import { enqueueNotification } from '../../core/jobs/notifications.js';
import type { AppDeps } from '../deps.js';
import { loadWebhook } from '../../core/books/webhook-book.js';
import { noSuchWebhook, webhookParams } from './webhook-params.js';

export const TEST_MESSAGE = '测试通知 / test';

export async function postWebhookTest(req: Request, res: Response, deps: AppDeps) {
  const p = webhookParams(req, res);
  if (!p) return;
  const hook = await loadWebhook(deps.redis, deps.config.prefix, p.store, p.webhookId);
  if (!hook) {
    noSuchWebhook(res, p.store, p.webhookId);
    return;
  }
  if (!hook.enabled) {
    res.status(409).json({ error: 'disabled', message: 'the webhook is disabled: enable it to send a test' });
    return;
  }
  const at = new Date().toISOString();
  const alert: AlertRecord = {
    id: `${p.store}.test-${randomUUID()}`,
    store: p.store,
    kind: hook.kinds[0]!,
    // At the webhook's threshold: what the least severe alert it receives looks like.
    severity: hook.minSeverity,
    message: TEST_MESSAGE,
    at,
    data: { test: 1 },
    state: 'open',
    history: [{ at, action: 'raised', by: req.principal!.name }],
  };
  await enqueueNotification(deps.queues.notify, p.webhookId, alert, deps.config.notify);
  res.status(202).json({ alertId: alert.id });
}
