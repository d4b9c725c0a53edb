/**
 * Maps each event to the Lua script that applies it atomically to its store's keys. Every script
 * starts with the event-log prologue (idempotency), and touches only keys of one store.
 */
import { readFileSync } from 'node:fs';
import type { ChainableCommander, Redis } from 'ioredis';
import type { PulseEvent } from '../domain/events.js';
import { toFen } from '../domain/events.js';
import { storeKeys, type CallbackKind } from '../server/redis-keys.js';
import type { Config } from '../server/config.js';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
const PROLOGUE = lua('record-event');

const SCRIPTS = {
  pulseLogOnly: { file: 'log-only', keys: 2 },
  pulseCallbackSubject: { file: 'callback-subject', keys: 6 },
  pulseCallbackReached: { file: 'callback-reached', keys: 6 },
  pulseRepairOpened: { file: 'repair-opened', keys: 6 },
  pulseComplaint: { file: 'complaint', keys: 7 },
  pulseSpend: { file: 'spend', keys: 5 },
} as const;
export type ScriptName = keyof typeof SCRIPTS;

type ScriptCall = (...args: string[]) => unknown;

export function defineEventScripts(redis: Redis): void {
  for (const [name, s] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, { lua: PROLOGUE + '\n' + lua(s.file), numberOfKeys: s.keys });
  }
  redis.defineCommand('pulseTransition', { lua: lua('transition'), numberOfKeys: 1 });
}

export interface Plan {
  script: ScriptName;
  keys: string[];
  args: string[];
}

type Deadlines = Pick<Config, 'callbackDeadlineMs' | 'complaintDeadlinesMs'>;

/** Pure: which script, keys and arguments apply this event. */
export function planEvent(e: PulseEvent, prefix: string, cfg: Deadlines): Plan {
  const k = storeKeys(prefix, e.store);
  const head = [k.log, k.seq];
  const base = [e.id, JSON.stringify(e)];
  const at = String(Date.parse(e.at));
  const callback = (kind: CallbackKind, script: ScriptName, subjectId: string): Plan => {
    const c = k.callback(kind);
    return {
      script,
      keys: [...head, c.subjects, c.subjectsByTime, c.met, c.reached],
      args: [...base, subjectId, at, String(cfg.callbackDeadlineMs[kind])],
    };
  };
  const complaint = (complaintId: string, phase: string, severity = ''): Plan => {
    const c = k.complaints;
    const d = cfg.complaintDeadlinesMs;
    return {
      script: 'pulseComplaint',
      keys: [...head, c.state, c.opened, c.resolved, c.open, c.due],
      args: [
        ...base,
        complaintId,
        phase,
        at,
        e.id,
        severity,
        ...[d.response.low, d.response.medium, d.response.high].map(String),
        ...[d.resolution.low, d.resolution.medium, d.resolution.high].map(String),
      ],
    };
  };
  switch (e.type) {
    case 'vehicle.delivered':
      return callback('sales', 'pulseCallbackSubject', e.orderId);
    case 'repair.closed':
      return callback('service', 'pulseCallbackSubject', e.roId);
    case 'callback.attempted':
      if (e.outcome === 'reached') return callback(e.kind, 'pulseCallbackReached', e.subjectId);
      break;
    case 'repair.opened': {
      const r = k.repairs;
      return {
        script: 'pulseRepairOpened',
        keys: [...head, r.opened, r.openedByTime, r.booked, r.bookedIds],
        args: [...base, e.roId, at, e.appointmentId ? '1' : '0'],
      };
    }
    case 'complaint.opened':
      return complaint(e.complaintId, 'opened', e.severity);
    case 'complaint.responded':
      return complaint(e.complaintId, 'responded');
    case 'complaint.resolved':
      return complaint(e.complaintId, 'resolved');
    case 'spend.recorded': {
      const s = k.spend;
      return {
        script: 'pulseSpend',
        keys: [...head, s.records, s.byBudget, s.byTime],
        args: [...base, e.spendId, at, e.id, e.budgetId, String(toFen(e.amount))],
      };
    }
    default:
      break;
  }
  return { script: 'pulseLogOnly', keys: head, args: base };
}

/** Queues the plan on a pipeline (scripts must have been defined on its client). */
export function queuePlan(pipeline: ChainableCommander, plan: Plan): void {
  const call = (pipeline as unknown as Record<ScriptName, ScriptCall>)[plan.script];
  call.call(pipeline, ...plan.keys, ...plan.args);
}

/** Calls the transition script: returns the previous state ('' when none). */
export async function transition(redis: Redis, key: string, condition: string, state: string): Promise<string> {
  const fn = (redis as unknown as Record<string, ScriptCall>).pulseTransition!;
  return String(await fn.call(redis, key, condition, state));
}
