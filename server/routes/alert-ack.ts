/** POST /api/v1/alerts/:alertId/ack {by, note?} — a person takes the alert; the walls clear its banner. */
import type { Request, Response } from 'express';
import { ackBody, alertStore, type AlertRecord } from '../../domain/alerts.js';
import { maskAlert } from '../../domain/masking.js';
import { ackAlert, publishAlert } from '../../core/books/alert-book.js';
import { canSeeStore } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { parseBody } from './parse-body.js';

const ALERT_ID = /^[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{1,64}$/;

export async function postAlertAck(req: Request, res: Response, deps: AppDeps) {
  const id = String(req.params.alertId);
  const store = ALERT_ID.test(id) ? alertStore(id) : null;
  if (!store) {
    res
      .status(400)
      .json({ error: 'invalid_alert', details: [{ path: 'alertId', message: 'must be an alert id such as HZ01.x1Yz…' }] });
    return;
  }
  const body = parseBody(req, res, ackBody, 'invalid_ack');
  if (body === undefined) return;
  const principal = req.principal!;
  // The record holds other people's notes too: masked unless the key has scope `pii`.
  const shown = (r: AlertRecord) => (principal.scopes.includes('pii') ? r : maskAlert(r));
  if (!canSeeStore(principal, store)) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not act on this store' });
    return;
  }
  const out = await ackAlert(deps.redis, deps.config.prefix, store, id, body.by, body.note, Date.now());
  if (out.code === 'unknown') {
    res.status(404).json({ error: 'not_found', message: `no alert ${id}` });
    return;
  }
  if (out.code === 'cleared') {
    res.status(409).json({ error: 'alert_cleared', message: 'the condition has already cleared', alert: shown(out.record) });
    return;
  }
  if (out.code === 'acked') await publishAlert(deps.redis, deps.config.prefix, 'alertUpdated', out.record);
  res.json({ alert: shown(out.record) });
}
