/**
 * GET /api/v1/stores/:store/lists/:list — the list behind a figure: callbacks to make, overdue
 * complaints (all open by urgency, or the overdue ones), materials to reorder, high-value customers likely to churn,
 * co-op spends to claim and approved claims unpaid. Masked unless the key
 * has scope `pii`.
 */
import type { Request, Response } from 'express';
import { WORK_LISTS, type WorkList, type WorkListName } from '../../domain/work-lists.js';
import { readHighChurn, readSegments } from '../../core/segments/read-segments.js';
import type { AppDeps } from '../deps.js';
import { isoInZone } from '../../core/kpi/windows.js';
import { readMaterialLines } from '../../core/kpi/read-materials.js';
import { openComplaints } from '../../core/work-lists/open-complaints.js';
import { coopUnclaimed, coopUnpaid } from '../../core/work-lists/coop.js';
import { overdueComplaints } from '../../core/work-lists/overdue-complaints.js';
import { pendingCallbacks } from '../../core/work-lists/pending-callbacks.js';
import { storeParam } from './path-params.js';
import { mayReach } from './store-access.js';

const LIMIT = 500;

async function items(name: WorkListName, store: string, timezone: string, now: number, pii: boolean, deps: AppDeps) {
  const { redis, config } = deps;
  switch (name) {
    case 'pendingCallbacks':
      return pendingCallbacks(redis, config.prefix, store, now, config.callbackDeadlineMs, pii);
    case 'openComplaints':
      return openComplaints(redis, config.prefix, store, now, config.complaintDeadlinesMs, pii);
    case 'overdueComplaints':
      return overdueComplaints(redis, config.prefix, store, now, pii);
    case 'lowMaterials':
      return (await readMaterialLines(redis, config.prefix, store, timezone))
        .filter((m) => m.low)
        .map(({ itemId, name, stock: s, reorderLevel }) => ({ itemId, name, stock: s, reorderLevel }));
    case 'highChurn':
      return readHighChurn(redis, config.prefix, store, { pii, limit: LIMIT });
    case 'coopUnclaimed':
      return coopUnclaimed(redis, config.prefix, store, timezone, now);
    case 'coopUnpaid':
      return coopUnpaid(redis, config.prefix, store, timezone, now);
  }
}

export async function getWorkList(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  const list = String(req.params.list) as WorkListName;
  if (!WORK_LISTS.includes(list)) {
    res
      .status(400)
      .json({ error: 'invalid_list', details: [{ path: 'list', message: `must be one of ${WORK_LISTS.join(', ')}` }] });
    return;
  }
  if (!mayReach(req, res, store, 'read')) return;
  const principal = req.principal!;
  const settings = await deps.stores.get(store);
  if (!settings) {
    res.status(404).json({ error: 'not_found', message: `no store ${store}` });
    return;
  }
  const now = Date.now();
  const pii = principal.scopes.includes('pii');
  const all = await items(list, store, settings.timezone, now, pii, deps);
  // The stored churn list is capped; its class count is the true total.
  const total = list === 'highChurn' ? (await readSegments(deps.redis, deps.config.prefix, store)).counts.highChurn : all.length;
  const body: WorkList = {
    store,
    list,
    asOf: isoInZone(now, settings.timezone),
    masked: !pii,
    total,
    items: all.slice(0, LIMIT) as WorkList['items'],
  };
  res.json(body);
}
