/**
 * POST /api/v1/events — validate the whole request, then queue it durably, all or nothing; the
 * answer says what was new (docs/events.md, "Responses").
 */
import type { Request, Response } from 'express';
import { RECORDED_WITH_ANOTHER_BODY } from '../../domain/event-identity.js';
import { validateBody } from '../../domain/events.js';
import { enqueueApply } from '../../core/jobs/enqueue.js';
import { retentionHorizon } from '../../core/retention/expire-log.js';
import { canSeeStore } from '../../core/auth/api-keys.js';
import type { AppDeps } from '../deps.js';
import { recordedAs, type Recorded } from '../../core/books/recorded-events.js';

/** Warnings listed in one answer, as errors are. */
const MAX_WARNINGS = 100;

/**
 * The 202: `accepted` distinct events queued; `new` those not yet recorded when checked;
 * `duplicates` the events sent that change nothing (repeats in the request, ids already recorded);
 * `conflicts` the ids already recorded with another body. Only `accepted` when the check failed.
 */
function acceptedAnswer(repeats: number, indexes: number[], recorded: Recorded[] | null) {
  if (!recorded) return { accepted: indexes.length };
  const old = recorded.filter((r) => r !== 'no').length;
  const conflicts = indexes.filter((_, i) => recorded[i] === 'different');
  return {
    accepted: indexes.length,
    new: indexes.length - old,
    duplicates: repeats + old,
    conflicts: conflicts.length,
    ...(conflicts.length
      ? {
          warnings: conflicts.slice(0, MAX_WARNINGS).map((index) => ({ index, path: 'id', message: RECORDED_WITH_ANOTHER_BODY })),
        }
      : {}),
  };
}

/** `?history=1`: the events are the store's past as loaded (an initial load), never late for a report. */
function historyFlag(req: Request): boolean | 'invalid' {
  const v = req.query.history;
  if (v === undefined) return false;
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  return 'invalid';
}

export async function postEvents(req: Request, res: Response, deps: AppDeps) {
  const history = historyFlag(req);
  if (history === 'invalid') {
    res.status(400).json({ error: 'invalid_query', details: [{ path: 'history', message: 'must be 1 or 0' }] });
    return;
  }
  if (history && !req.principal!.scopes.includes('admin')) {
    res.status(403).json({
      error: 'forbidden',
      details: [{ path: 'history', message: 'a history load needs a key with scope admin' }],
    });
    return;
  }
  const { events, indexes, repeats, issues } = validateBody(req.body);
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
        {
          index: indexes[expired],
          path: 'at',
          message: `is older than the ${deps.config.retentionDays}-day retention of raw events`,
        },
      ],
    });
    return;
  }
  const principal = req.principal!;
  const foreign = events.findIndex((e) => !canSeeStore(principal, e.store));
  if (foreign >= 0) {
    res.status(403).json({
      error: 'forbidden',
      details: [{ index: indexes[foreign], path: 'store', message: 'this key may not write to this store' }],
    });
    return;
  }
  // What is new, read before queueing (afterwards a worker may already have recorded them). It
  // only informs the answer: should it fail, the events are still accepted.
  const recorded = await recordedAs(deps.redis, deps.config.prefix, events).catch((err: unknown) => {
    req.log.warn({ err }, 'could not check which events are already recorded');
    return null;
  });
  // One job per request: BullMQ stores it in one transaction, so the 202 means all of it is queued.
  // Ids already recorded go too: the workers' log decides, so a stale check can never lose an event.
  await enqueueApply(deps.queues.events, events, Date.now(), undefined, history);
  deps.metrics.eventsAccepted.inc(events.length);
  res.status(202).json(acceptedAnswer(repeats, indexes, recorded));
}
