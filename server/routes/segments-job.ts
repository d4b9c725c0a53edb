/**
 * GET /api/v1/stores/:store/segments/job/:jobId — a customer-value run of the store: its state
 * (waiting, active, completed, failed…), progress `{scanned, total}` (log entries), and its
 * result or error once finished.
 */
import type { Request, Response } from 'express';
import { canSeeStore } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { storeParam } from './store-settings.js';

export async function getSegmentsJob(req: Request, res: Response, deps: AppDeps) {
  const store = storeParam(req, res);
  if (!store) return;
  if (!canSeeStore(req.principal!, store)) {
    res.status(403).json({ error: 'forbidden', message: 'this key may not manage this store' });
    return;
  }
  const jobId = String(req.params.jobId);
  const job = await deps.queues.segments.getJob(jobId);
  if (!job || job.data.kind !== 'segment' || job.data.store !== store) {
    res.status(404).json({ error: 'not_found', message: `no customer-value run ${jobId} of store ${store}` });
    return;
  }
  const state = await job.getState();
  res.json({
    jobId,
    state,
    progress: typeof job.progress === 'object' ? job.progress : null,
    ...(state === 'completed' ? { result: job.returnvalue } : {}),
    ...(state === 'failed' ? { error: job.failedReason } : {}),
  });
}
