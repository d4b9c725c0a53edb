/**
 * Maps each event to the Lua script that applies it atomically to its store's keys, whole or not
 * at all: every script is the body of its event type between the event-log prologue (idempotency,
 * and the checks that leave no command a way to fail once writing has begun) and the epilogue that
 * logs the event with its effect. A script touches only keys of one store. Which script, keys and
 * arguments each event type takes is the table of plans/index.ts.
 */
import { readFileSync } from 'node:fs';
import type { ChainableCommander } from 'ioredis';
import type { RedisConn } from '../redis/connections.js';
import type { EventOf, EventType, PulseEvent } from '../../domain/events.js';
import { lateRecord } from '../../domain/revisions.js';
import { storeKeys } from '../redis/keys.js';
import type { Deadlines, EventPlan, EventScript } from './event-plan.js';
import { EVENT_PLANS, EVENT_SCRIPTS } from './plans/index.js';
import { encodeLogged } from './logged-event.js';
import { logKeyOf } from './event-log.js';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
const PROLOGUE = lua('record-event');
const EPILOGUE = lua('record-event-end');

/** The name a script is defined under on a client (`pulseComplaint`…). */
export type ScriptName = string;

type ScriptCall = (...args: string[]) => unknown;

/** The whole script: key types, prologue, the body as the function `apply`, epilogue. */
const scriptSource = (s: EventScript): string =>
  `local KEY_TYPES = '${s.types}'\n${PROLOGUE}\nlocal function apply()\n${s.body}\nend\n${EPILOGUE}`;

const VARIABLE = new Set(EVENT_SCRIPTS.filter((s) => s.variable).map((s) => s.command));

export function defineEventScripts(redis: RedisConn): void {
  for (const s of EVENT_SCRIPTS) {
    const source = scriptSource(s);
    // The log hash written before its buckets, the buckets' event count, the late events' sorted set
    // and the rejected events' hash are the four keys beyond the typed ones.
    redis.defineCommand(s.command, s.variable ? { lua: source } : { lua: source, numberOfKeys: s.types.length + 4 });
  }
}

export interface Plan {
  script: ScriptName;
  keys: string[];
  args: string[];
}

/** The table's entry for an event's type. */
const planOf = <T extends EventType>(e: EventOf<T>): EventPlan<T> => EVENT_PLANS[e.type as T];

/**
 * Pure: which script, keys and arguments apply this event: the id's bucket of the log first; the
 * log hash written before the buckets, the buckets' event count, the store's late events and
 * rejected events the last four keys, the event's time and its late-event record the last two arguments. `arrivedAt`: when the
 * event reached the API (null for a history load, which is never late).
 */
export function planEvent(e: PulseEvent, prefix: string, cfg: Deadlines, arrivedAt: number | null = null): Plan {
  const k = storeKeys(prefix, e.store);
  const entry = planOf(e);
  const script = typeof entry.script === 'function' ? entry.script(e) : entry.script;
  const ctx = { at: String(Date.parse(e.at)), deadlines: cfg };
  return {
    script: script.command,
    keys: [logKeyOf(prefix, e.store, e.id), k.seq, ...entry.keys(e, k), k.log, k.logged, k.late, k.rejected],
    args: [e.id, encodeLogged(e), ...entry.args(e, ctx), ctx.at, lateRecord(e, arrivedAt)],
  };
}

/** Queues the plan on a pipeline (scripts must have been defined on its client). */
export function queuePlan(pipeline: ChainableCommander, plan: Plan): void {
  const call = (pipeline as unknown as Record<ScriptName, ScriptCall>)[plan.script]!;
  if (VARIABLE.has(plan.script)) call.call(pipeline, String(plan.keys.length), ...plan.keys, ...plan.args);
  else call.call(pipeline, ...plan.keys, ...plan.args);
}
