/**
 * GET /api/v1/stores/:store/segments/job/:jobId — a customer-value run of the store: its state
 * (waiting, active, completed, failed…), progress `{scanned, total}` (log entries), and its
 * result or error once finished.
 */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { reachableStore } from './store-access.js';

export async function getSegmentsJob(req: Request, res: Response, deps: AppDeps) {
  const store = reachableStore(req, res, 'manage');
  if (!store) return;
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
