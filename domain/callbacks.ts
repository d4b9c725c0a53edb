/**
 * Callback deadlines (回访, kpis.md "Callback rate"): a subject (a delivery, a closed repair) is met
 * by a reached call made from its time up to its deadline, both included; it is due from the
 * moment of its deadline; missed = due and not met; pending = neither. The event scripts
 * (core/events/plans/callback-*.lua) receive the deadline from here; the rates, the work list and
 * the alert rules read the same rule.
 */
import type { CALLBACK_KINDS } from './events.js';

export type CallbackKind = (typeof CALLBACK_KINDS)[number];
export type CallbackStanding = 'met' | 'pending' | 'missed';

/** The default deadline, hours after the subject (settings PULSE_CALLBACK_DEADLINE_HOURS_*). */
export const DEFAULT_CALLBACK_DEADLINE_HOURS = 72;

export const callbackDeadline = (subjectAt: number, deadlineMs: number): number => subjectAt + deadlineMs;

/** Whether a reached call at `callAt` meets the subject: within [subject time, deadline]. */
export const callbackMeets = (subjectAt: number, callAt: number, deadlineMs: number): boolean =>
  callAt >= subjectAt && callAt <= callbackDeadline(subjectAt, deadlineMs);

/** Due from the moment of its deadline. */
export const isCallbackDue = (subjectAt: number, now: number, deadlineMs: number): boolean =>
  now >= callbackDeadline(subjectAt, deadlineMs);

/** The latest subject time that is due by `now`: the due subjects are those at or before it. */
export const callbackDueCutoff = (now: number, deadlineMs: number): number => now - deadlineMs;

export function callbackStanding(subjectAt: number, met: boolean, now: number, deadlineMs: number): CallbackStanding {
  if (met) return 'met';
  return isCallbackDue(subjectAt, now, deadlineMs) ? 'missed' : 'pending';
}

/** A pending subject whose deadline is at most `soonMs` away (the due-soon alert). */
export const isCallbackDueSoon = (subjectAt: number, now: number, deadlineMs: number, soonMs: number): boolean =>
  !isCallbackDue(subjectAt, now, deadlineMs) && callbackDeadline(subjectAt, deadlineMs) - now <= soonMs;
