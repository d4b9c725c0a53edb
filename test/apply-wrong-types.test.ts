/**
 * Every event script, with any one of its keys holding the wrong type: the event is refused or
 * fails before its first write, so nothing of it is written — neither its log entry nor any part
 * of its effect — and it is kept among the store's rejected events. On the real Lua scripts and a
 * real Redis (the test run's redis-server); each case first applies the events that give the
 * script state to update, so that its later writes (corrections, earlier openings, reschedules)
 * are the ones at stake.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PulseEvent } from '../domain/events.js';
import { planEvent, queuePlan } from '../core/events/scripts.js';
import { scriptOutcome, type ScriptOutcome } from '../core/events/script-outcome.js';
import { ev } from './support/events.js';
import { applyDeps } from './support/stack.js';

const deps = applyDeps('wrongtypes');
afterAll(() => deps.close());

const T0 = Date.parse('2026-11-20T10:00:00+08:00');
const t = (hours: number) => new Date(T0 + hours * 3600_000).toISOString();

/** Per case: the events applied first, then the one whose keys are damaged in turn. */
const cases: Record<string, (store: string) => { before: PulseEvent[]; event: PulseEvent }> = {
  'showroom.visit': (store) => ({
    before: [ev('showroom.visit', t(0), { store, firstVisit: true })],
    event: ev('showroom.visit', t(1), { store, firstVisit: true }),
  }),
  'lead.created, an earlier one with a campaign': (store) => ({
    before: [ev('lead.created', t(2), { store, leadId: 'L', channel: 'web' })],
    event: ev('lead.created', t(1), { store, leadId: 'L', channel: 'phone', campaignId: 'CMP' }),
  }),
  'order.signed, an earlier signing': (store) => ({
    before: [ev('order.signed', t(2), { store, orderId: 'O', model: '汉', amount: 200_000 })],
    event: ev('order.signed', t(1), { store, orderId: 'O', model: '汉', amount: 190_000 }),
  }),
  'order.cancelled': (store) => ({
    before: [ev('order.signed', t(1), { store, orderId: 'O', model: '汉', amount: 200_000 })],
    event: ev('order.cancelled', t(2), { store, orderId: 'O' }),
  }),
  'vehicle.delivered, earlier, with a call already reached': (store) => ({
    before: [
      ev('callback.attempted', t(3), { store, callbackId: 'K', kind: 'sales', subjectId: 'O', outcome: 'reached' }),
      ev('vehicle.delivered', t(2), { store, orderId: 'O' }),
    ],
    event: ev('vehicle.delivered', t(1), { store, orderId: 'O' }),
  }),
  'callback.attempted, reached': (store) => ({
    before: [ev('repair.closed', t(1), { store, roId: 'RO', amount: 100 })],
    event: ev('callback.attempted', t(2), { store, callbackId: 'K', kind: 'service', subjectId: 'RO', outcome: 'reached' }),
  }),
  'appointment.booked, a reschedule of one shown': (store) => ({
    before: [
      ev('appointment.booked', t(0), { store, appointmentId: 'A', scheduledFor: t(20) }),
      ev('repair.opened', t(20), { store, roId: 'RO', appointmentId: 'A' }),
    ],
    event: ev('appointment.booked', t(1), { store, appointmentId: 'A', scheduledFor: t(21) }),
  }),
  'appointment.cancelled': (store) => ({
    before: [ev('appointment.booked', t(0), { store, appointmentId: 'A', scheduledFor: t(20) })],
    event: ev('appointment.cancelled', t(1), { store, appointmentId: 'A' }),
  }),
  'repair.opened, earlier, naming a booked appointment': (store) => ({
    before: [
      ev('appointment.booked', t(0), { store, appointmentId: 'A', scheduledFor: t(20) }),
      ev('repair.opened', t(21), { store, roId: 'RO' }),
    ],
    event: ev('repair.opened', t(20), { store, roId: 'RO', appointmentId: 'A' }),
  }),
  'complaint.responded': (store) => ({
    before: [ev('complaint.opened', t(0), { store, complaintId: 'C', channel: 'phone', category: 'sales', severity: 'high' })],
    event: ev('complaint.responded', t(1), { store, complaintId: 'C' }),
  }),
  'complaint.resolved': (store) => ({
    before: [ev('complaint.opened', t(0), { store, complaintId: 'C', channel: 'phone', category: 'sales', severity: 'low' })],
    event: ev('complaint.resolved', t(1), { store, complaintId: 'C' }),
  }),
  'spend.recorded, a correction to another budget': (store) => ({
    before: [ev('spend.recorded', t(0), { store, spendId: 'S', budgetId: 'B1', amount: 100 })],
    event: ev('spend.recorded', t(1), { store, spendId: 'S', budgetId: 'B2', amount: 120 }),
  }),
  'survey.completed, a later answer': (store) => ({
    before: [ev('survey.completed', t(0), { store, surveyId: 'SV', kind: 'sales', score: 60 })],
    event: ev('survey.completed', t(1), { store, surveyId: 'SV', kind: 'service', score: 90, nps: 9 }),
  }),
  'member.joined, earlier': (store) => ({
    before: [ev('member.joined', t(2), { store, customer: { id: 'CU' } })],
    event: ev('member.joined', t(1), { store, customer: { id: 'CU' } }),
  }),
  'media.mention, earlier and negative': (store) => ({
    before: [ev('media.mention', t(2), { store, mentionId: 'M', sentiment: 'neutral', outlet: '懂车帝' })],
    event: ev('media.mention', t(1), { store, mentionId: 'M', sentiment: 'negative', outlet: '懂车帝' }),
  }),
  'material.moved': (store) => ({
    before: [ev('material.moved', t(0), { store, itemId: 'P', quantity: 10 })],
    event: ev('material.moved', t(1), { store, itemId: 'P', quantity: -3 }),
  }),
  'postsale.task, done': (store) => ({
    before: [ev('postsale.task', t(0), { store, taskId: 'T', orderId: 'O', kind: 'plate', status: 'open', dueAt: t(48) })],
    event: ev('postsale.task', t(1), { store, taskId: 'T', orderId: 'O', kind: 'plate', status: 'done' }),
  }),
  'testdrive.completed (logged and counted)': (store) => ({
    before: [],
    event: ev('testdrive.completed', t(1), { store, model: '汉' }),
  }),
  'callback.attempted, not reached (logged only)': (store) => ({
    before: [],
    event: ev('callback.attempted', t(1), { store, callbackId: 'K', kind: 'sales', subjectId: 'O', outcome: 'no_answer' }),
  }),
};

const prefix = deps.config.prefix;

/** Runs the event's script alone (no alert rules, no recording of a rejection): what it answers. */
async function runScript(event: PulseEvent): Promise<ScriptOutcome> {
  const p = deps.redis.pipeline();
  queuePlan(p, planEvent(event, prefix, deps.config));
  const [answer] = (await p.exec()) ?? [];
  return scriptOutcome(answer!);
}

/** Each key's serialized value (null when absent), in the order given. */
async function dumpAll(keys: string[]): Promise<(string | null)[]> {
  const p = deps.redis.pipeline();
  for (const k of keys) p.dumpBuffer(k);
  return ((await p.exec()) ?? []).map(([err, v]) => {
    if (err) throw err;
    return v ? (v as Buffer).toString('base64') : null;
  });
}

let n = 0;
async function setUp(name: string) {
  const store = `WT${++n}`;
  const { before, event } = cases[name]!(store);
  for (const e of before) expect(await runScript(e), `${name}: ${e.type} before`).toEqual({ kind: 'applied' });
  return { event, keys: planEvent(event, prefix, deps.config).keys };
}

describe('every event script, one key of the wrong type', () => {
  it.each(Object.keys(cases))('%s: refused before its first write, or applied without needing the key', async (name) => {
    // A healthy store first: which of the script's keys the event writes.
    const healthy = await setUp(name);
    const was = await dumpAll(healthy.keys);
    expect(await runScript(healthy.event)).toEqual({ kind: 'applied' });
    const now = await dumpAll(healthy.keys);
    const writes = healthy.keys.map((_, i) => was[i] !== now[i]);
    expect(writes[0], 'the log').toBe(true);
    expect(writes[1], 'seq').toBe(true);

    for (let i = 0; i < healthy.keys.length; i++) {
      const { event, keys } = await setUp(name);
      const damaged = keys[i]!;
      // A list is the wrong type for every key of every script.
      await deps.redis.del(damaged);
      await deps.redis.rpush(damaged, 'damaged by hand');
      const state = await dumpAll(keys);
      const outcome = await runScript(event);
      const what = `${name}, ${damaged} → ${JSON.stringify(outcome)}`;
      if (outcome.kind === 'applied') {
        // Only a key the event does not write may be damaged without stopping it, and it is left as it was.
        expect(writes[i], what).toBe(false);
        expect((await dumpAll([damaged]))[0], what).toBe(state[i]);
      } else {
        expect(['refused', 'failed'], what).toContain(outcome.kind);
        expect(await dumpAll(keys), `${what}: nothing written`).toEqual(state);
        // Refused by the type checks, or failed on the key's first read or write.
        if (outcome.kind === 'refused') {
          expect(outcome.reason.startsWith(`${damaged} holds a list, not a `), what).toBe(true);
        } else if (outcome.kind === 'failed') {
          expect(outcome.reason, what).toMatch(/^Redis could not run the script: WRONGTYPE /);
        }
      }
    }
  });
});
