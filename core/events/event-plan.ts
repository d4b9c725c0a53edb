/**
 * What the planner's table holds for each event type (plans/index.ts): its schema, the Lua script
 * that applies it, the keys and the arguments. Every script runs between the shared prologue and
 * epilogue (lua/record-event*.lua) and gets, before its own, the event log and change counter as
 * keys and the event id and the event as logged (logged-event.ts) as arguments; the store's rejected events are the last key.
 */
import { readFileSync } from 'node:fs';
import type { EVENT_SCHEMAS, EventOf, EventType } from '../../domain/events.js';
import type { StoreKeys } from '../redis/keys.js';
import type { Config } from '../config.js';

/**
 * One apply script: the Redis command it is defined as, its body, and the types of its own keys,
 * one letter a key, log and seq first (h hash, s string, t set, z sorted set); the store's rejected
 * events (a hash) come last and are not listed. A key of another type refuses the event before
 * anything is written. A key is marked '-' when its script reads it, or writes it first, before any
 * other write: a wrong type then fails before anything is written, and the check (a command of its
 * own) is saved. `variable`: the number of keys is given per call (the script checks the ones it
 * writes).
 */
export interface EventScript {
  command: string;
  body: string;
  types: string;
  variable: boolean;
}

/** A script whose body is the .lua file `file` (beside its plan, a URL relative to it). */
export const eventScript = (command: string, file: URL, types: string, variable = false): EventScript => ({
  command,
  body: readFileSync(file, 'utf8'),
  types,
  variable,
});

/** The settings the scripts' arguments depend on. */
export type Deadlines = Pick<Config, 'callbackDeadlineMs' | 'complaintDeadlinesMs'>;

export interface PlanContext {
  /** The event's time, ms, as text. */
  at: string;
  deadlines: Deadlines;
}

export interface EventPlan<T extends EventType> {
  /** The event's schema (domain/events.ts). */
  schema: (typeof EVENT_SCHEMAS)[T];
  /** The script that applies it (one of two for an event applied differently by outcome). */
  script: EventScript | ((e: EventOf<T>) => EventScript);
  /** The script's own keys, after the log and the change counter. */
  keys: (e: EventOf<T>, k: StoreKeys) => string[];
  /** The script's own arguments, after the event id and JSON. */
  args: (e: EventOf<T>, c: PlanContext) => string[];
}

/** The plans of some event types, by name. */
export type EventPlans<T extends EventType> = { [K in T]: EventPlan<K> };
