/** The `:store/webhooks/:webhookId` part of the webhook routes, checked, and the key's right to the store. */
import type { Request, Response } from 'express';
import { webhookId as webhookIdSchema } from '../../domain/webhooks.js';
import { reachableStore } from './store-access.js';

/** The store of the path, or null once a 400 or 403 has been sent. */
export function webhookStore(req: Request, res: Response): string | null {
  return reachableStore(req, res, 'manage');
}

export function webhookParams(req: Request, res: Response): { store: string; webhookId: string } | null {
  const store = webhookStore(req, res);
  if (!store) return null;
  const r = webhookIdSchema.safeParse(req.params.webhookId);
  if (!r.success) {
    res.status(400).json({ error: 'invalid_webhook', details: [{ path: 'webhookId', message: r.error.issues[0]!.message }] });
    return null;
  }
  return { store, webhookId: r.data };
}

export const noSuchWebhook = (res: Response, store: string, webhookId: string) =>
  res.status(404).json({ error: 'not_found', message: `no webhook ${webhookId} in store ${store}` });
