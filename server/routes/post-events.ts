/** POST /api/v1/events — validate the whole request, then queue it durably, all or nothing. */
import type { Request, Response } from 'express';
import { validateBody } from '../../domain/events.js';
import { APPLY_JOB_OPTIONS } from '../../workers/queues.js';
import { retentionHorizon } from '../../workers/retention/expire-log.js';
import { canSeeStore } from '../auth/api-keys.js';
import type { AppDeps } from '../deps.js';

export async function postEvents(req: Request, res: Response, deps: AppDeps) {
  const { events, issues } = validateBody(req.body);
  if (issues.length) {
    res.status(400).json({ error: 'invalid_events', details: issues.slice(0, 100) });
    return;
  }
  const horizon = retentionHorizon(Date.now(), deps.config.retentionDays);
  const expired = events.findIndex((e) => Date.parse(e.at) < horizon);
  if (expired >= 0) {
    res.status(400).json({
      error: 'invalid_events',
      details: [
        { index: expired, path: 'at', message: `is older than the ${deps.config.retentionDays}-day retention of raw events` },
      ],
    });
    return;
  }
  const principal = req.principal!;
  const foreign = events.findIndex((e) => !canSeeStore(principal, e.store));
  if (foreign >= 0) {
    res.status(403).json({
      error: 'forbidden',
      details: [{ index: foreign, path: 'store', message: 'this key may not write to this store' }],
    });
    return;
  }
  // One job per request: BullMQ stores it in one transaction, so the 202 means all of it is queued.
  await deps.queues.events.add('apply', { events, receivedAt: Date.now() }, APPLY_JOB_OPTIONS);
  deps.metrics.eventsAccepted.inc(events.length);
  res.status(202).json({ accepted: events.length });
}
