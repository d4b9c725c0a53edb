/**
 * POST /api/v1/stores/:store/segments/recompute — computes the store's customer value (客户价值)
 * now, in the background: 202 {jobId}. While a run of the store waits or runs, its id is returned
 * instead of queueing another.
 */
import type { Request, Response } from 'express';
import { requestSegments } from '../../core/jobs/segments.js';
import type { AppDeps } from '../deps.js';
import { reachableStore } from './store-access.js';

export async function postSegmentsRecompute(req: Request, res: Response, deps: AppDeps) {
  const store = reachableStore(req, res, 'manage');
  if (!store) return;
  if (!(await deps.stores.get(store))) {
    res.status(404).json({ error: 'not_found', message: `no store ${store}` });
    return;
  }
  const job = await requestSegments(deps.queues.segments, store);
  res.status(202).json({ jobId: job.id });
}
