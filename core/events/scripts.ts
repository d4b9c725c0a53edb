/**
 * Maps each event to the Lua script that applies it atomically to its store's keys, whole or not
 * at all: every script is the body of its event type between the event-log prologue (idempotency,
 * and the checks that leave no command a way to fail once writing has begun) and the epilogue that
 * logs the event with its effect. A script touches only keys of one store.
 */
import { readFileSync } from 'node:fs';
import type { ChainableCommander } from 'ioredis';
import type { RedisConn } from '../redis/connections.js';
import type { PulseEvent } from '../../domain/events.js';
import { LEAD_CHANNELS, MAX_EXACT_SUM, POSTSALE_KINDS, toFen } from '../../domain/events.js';
import { storeKeys, type CallbackKind, type StoreKeys } from '../redis/keys.js';
import type { Config } from '../config.js';
import { complaintDeadlineArgs } from '../../domain/complaints.js';

const lua = (name: string) => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
const PROLOGUE = lua('record-event');
const EPILOGUE = lua('record-event-end');

/**
 * Each script's file and the types of its keys, one letter a key, log and seq first (h hash, s
 * string, t set, z sorted set); the store's rejected events (a hash) come last and are not listed.
 * A key of another type refuses the event before anything is written. A key is marked '-' when
 * its script reads it, or writes it first, before any other write: a wrong type then fails before
 * anything is written, and the check (a command of its own) is saved.
 */
const SCRIPTS = {
  pulseLogOnly: { file: 'log-only', types: '--' },
  pulseCallbackSubject: { file: 'callback-subject', types: '---zz-h' },
  pulseCallbackReached: { file: 'callback-reached', types: '----z--' },
  pulseRepairOpened: { file: 'repair-opened', types: '---zz---tz' },
  pulseComplaint: { file: 'complaint', types: '---zzzz' },
  pulseSpend: { file: 'spend', types: '----z' },
  pulseCounted: { file: 'counted', types: '---z' },
  pulseOrder: { file: 'order', types: '---tz' },
  pulseAppointment: { file: 'appointment', types: '---ttzz' },
  pulsePostsale: { file: 'postsale', types: '---zzzzzz' },
  pulseMaterial: { file: 'material', types: '---' },
  // The family's sorted sets vary in number (the key count is given per call): the script checks
  // the ones it writes.
  pulseVersionedRecord: { file: 'versioned-record', types: '---', variable: true },
} as const satisfies Record<string, { file: string; types: string; variable?: true }>;
export type ScriptName = keyof typeof SCRIPTS;

type ScriptCall = (...args: string[]) => unknown;

/** The whole script: key types, prologue, the body as the function `apply`, epilogue. */
const scriptSource = (name: ScriptName): string =>
  `local KEY_TYPES = '${SCRIPTS[name].types}'\n${PROLOGUE}\nlocal function apply()\n${lua(SCRIPTS[name].file)}\nend\n${EPILOGUE}`;

const isVariable = (name: ScriptName) => 'variable' in SCRIPTS[name];

export function defineEventScripts(redis: RedisConn): void {
  for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
    const source = scriptSource(name);
    // The rejected events' hash is the one key beyond the typed ones.
    redis.defineCommand(name, isVariable(name) ? { lua: source } : { lua: source, numberOfKeys: SCRIPTS[name].types.length + 1 });
  }
}

export interface Plan {
  script: ScriptName;
  keys: string[];
  args: string[];
}

/** Index of each lead channel's sorted set among the lead script's keys (after log, seq, records, all). */
const CHANNEL_INDEX = Object.fromEntries(LEAD_CHANNELS.map((c, i) => [c, 5 + i])) as Record<
  (typeof LEAD_CHANNELS)[number],
  number
>;

type Deadlines = Pick<Config, 'callbackDeadlineMs' | 'complaintDeadlinesMs'>;

/** Pure: which script, keys and arguments apply this event; the store's rejected events are the last key. */
export function planEvent(e: PulseEvent, prefix: string, cfg: Deadlines): Plan {
  const k = storeKeys(prefix, e.store);
  const plan = planScript(e, k, cfg);
  return { ...plan, keys: [...plan.keys, k.rejected] };
}

function planScript(e: PulseEvent, k: StoreKeys, cfg: Deadlines): Plan {
  const head = [k.log, k.seq];
  const base = [e.id, JSON.stringify(e)];
  const at = String(Date.parse(e.at));
  const callback = (kind: CallbackKind, script: ScriptName, subjectId: string): Plan => {
    const c = k.callback(kind);
    return {
      script,
      keys: [...head, c.subjects, c.subjectsByTime, c.met, c.reached, c.subjectEvent],
      args: [...base, subjectId, at, String(cfg.callbackDeadlineMs[kind])],
    };
  };
  const complaint = (complaintId: string, phase: string, severity = ''): Plan => {
    const c = k.complaints;
    return {
      script: 'pulseComplaint',
      keys: [...head, c.state, c.opened, c.resolved, c.open, c.due],
      args: [...base, complaintId, phase, at, e.id, severity, ...complaintDeadlineArgs(cfg.complaintDeadlinesMs)],
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
      const a = k.appointments;
      return {
        script: 'pulseRepairOpened',
        keys: [...head, r.opened, r.openedByTime, r.booked, r.bookedIds, a.bookings, a.cancelled, a.seenOnRepair, a.shown],
        args: [...base, e.roId, at, e.appointmentId ?? ''],
      };
    }
    case 'appointment.booked':
    case 'appointment.cancelled': {
      const a = k.appointments;
      const booked = e.type === 'appointment.booked';
      return {
        script: 'pulseAppointment',
        keys: [...head, a.bookings, a.cancelled, a.seenOnRepair, a.scheduled, a.shown],
        args: [
          ...base,
          e.appointmentId,
          booked ? 'booked' : 'cancelled',
          at,
          e.id,
          booked ? String(Date.parse(e.scheduledFor)) : '',
        ],
      };
    }
    case 'showroom.visit':
      return { script: 'pulseCounted', keys: [...head, k.visits, k.firstVisits], args: [...base, at, e.firstVisit ? '1' : '0'] };
    case 'testdrive.completed':
      return { script: 'pulseCounted', keys: [...head, k.testDrives, k.testDrives], args: [...base, at, '0'] };
    case 'lead.created': {
      const l = k.leads;
      const membership = [`4=${at}`, `${CHANNEL_INDEX[e.channel]}=${at}`];
      if (e.campaignId) membership.push(`11=${at}`);
      return {
        script: 'pulseVersionedRecord',
        keys: [...head, l.records, l.all, ...LEAD_CHANNELS.map((c) => l.byChannel(c)), l.withCampaign],
        args: [...base, e.leadId, at, e.id, 'first', membership.join(';'), e.campaignId ?? ''],
      };
    }
    case 'order.signed':
    case 'order.cancelled': {
      const o = k.orders;
      const signed = e.type === 'order.signed';
      return {
        script: 'pulseOrder',
        keys: [...head, o.records, o.cancelled, o.live],
        args: [
          ...base,
          e.orderId,
          signed ? 'signed' : 'cancelled',
          at,
          e.id,
          signed ? String(toFen(e.amount)) : '',
          signed ? (e.campaignId ?? '') : '',
        ],
      };
    }
    case 'survey.completed': {
      const sv = k.surveys;
      return {
        script: 'pulseVersionedRecord',
        keys: [...head, sv.records, sv.byKind('sales'), sv.byKind('service')],
        args: [
          ...base,
          e.surveyId,
          at,
          e.id,
          'last',
          `${e.kind === 'sales' ? 4 : 5}=${at}`,
          `${e.kind},${e.score},${e.nps ?? ''}`,
        ],
      };
    }
    case 'member.joined':
      return {
        script: 'pulseVersionedRecord',
        keys: [...head, k.members.records, k.members.all],
        args: [...base, e.customer.id, at, e.id, 'first', `4=${at}`, ''],
      };
    case 'media.mention': {
      const m = k.media;
      const membership = e.sentiment === 'negative' ? `4=${at};5=${at}` : `4=${at}`;
      return {
        script: 'pulseVersionedRecord',
        keys: [...head, m.records, m.all, m.negative],
        args: [...base, e.mentionId, at, e.id, 'first', membership, e.sentiment],
      };
    }
    case 'postsale.task': {
      const p = k.postsale;
      return {
        script: 'pulsePostsale',
        keys: [...head, p.state, p.done, ...POSTSALE_KINDS.map((kind) => p.openByKind(kind))],
        args: [
          ...base,
          e.taskId,
          at,
          e.id,
          String(POSTSALE_KINDS.indexOf(e.kind)),
          e.status,
          e.dueAt ? String(Date.parse(e.dueAt)) : '',
        ],
      };
    }
    case 'material.moved':
      return {
        script: 'pulseMaterial',
        keys: [...head, k.materials.stock],
        args: [...base, e.itemId, String(e.quantity), String(MAX_EXACT_SUM)],
      };
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
        args: [...base, e.spendId, at, e.id, e.budgetId, String(toFen(e.amount)), String(MAX_EXACT_SUM)],
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
  if (isVariable(plan.script)) call.call(pipeline, String(plan.keys.length), ...plan.keys, ...plan.args);
  else call.call(pipeline, ...plan.keys, ...plan.args);
}
