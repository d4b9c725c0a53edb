/**
 * The planner's table (core/events/plans): one entry per event type with that type's schema, each
 * script's .lua beside its plan, and the keys and arguments of a few events worked out by hand.
 */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../domain/events.js';
import { EVENT_PLANS, EVENT_SCRIPTS } from '../core/events/plans/index.js';
import { planEvent } from '../core/events/scripts.js';
import { loadConfig } from '../core/config.js';
import { ev } from './support/events.js';

const PLANS_DIR = new URL('../core/events/plans/', import.meta.url);
const cfg = loadConfig({});
const H = 3600_000;

describe('the planner table', () => {
  it('has an entry for every event type, with that type’s schema', () => {
    expect(Object.keys(EVENT_PLANS).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) expect(EVENT_PLANS[type].schema.shape.type.value).toBe(type);
  });

  it('keeps every script beside a plan, each defined once', () => {
    const files = readdirSync(PLANS_DIR);
    const luas = files.filter((f) => f.endsWith('.lua'));
    expect(luas).toHaveLength(EVENT_SCRIPTS.length);
    expect(new Set(EVENT_SCRIPTS.map((s) => s.command)).size).toBe(EVENT_SCRIPTS.length);
    for (const f of luas) expect(existsSync(new URL(f, PLANS_DIR))).toBe(true);
  });

  it('plans a high complaint with its deadlines from domain/complaints.ts', () => {
    const e = ev('complaint.opened', '2026-11-20T02:00:00.000Z', {
      id: 'c1',
      complaintId: 'X1',
      channel: 'phone',
      category: 'sales',
      severity: 'high',
    });
    const p = planEvent(e, 'px', cfg);
    expect(p.script).toBe('pulseComplaint');
    // The log's bucket of 'c1': FNV-1a 0x8829dfd9, 2009 of 2048, '1jt' in base 36.
    expect(p.keys).toEqual(
      [
        'log:1jt',
        'seq',
        'cmp',
        'cmp:openedz',
        'cmp:resolvedz',
        'cmp:openz',
        'cmp:duez',
        'cmp:closedz',
        'cmp:ovaz',
        'cmp:ovbz',
        'log',
        'logged',
        'late:z',
        'rejected',
      ].map((k) => `px:{HZ01}:${k}`),
    );
    expect(p.args.slice(2)).toEqual([
      'X1',
      'opened',
      String(Date.parse('2026-11-20T02:00:00.000Z')),
      'c1',
      'high',
      ...[24, 24, 4, 120, 72, 24].map((h) => String(h * H)),
      String(Date.parse('2026-11-20T02:00:00.000Z')),
      '',
    ]);
  });

  it('plans a delivery and an unreached call', () => {
    const at = '2026-11-20T02:00:00.000Z';
    const delivered = planEvent(ev('vehicle.delivered', at, { orderId: 'O1' }), 'px', cfg);
    expect([delivered.script, delivered.keys.length, delivered.args.slice(2)]).toEqual([
      'pulseCallbackSubject',
      10, // log bucket, seq, subjects by time, met, reached calls, subject events, log before the buckets, its count, late, rejected
      ['O1', String(Date.parse(at)), String(72 * H), 'last', String(Date.parse(at)), ''],
    ]);
    const call = { callbackId: 'K', kind: 'sales', subjectId: 'O1', outcome: 'no_answer' } as const;
    const missed = planEvent(ev('callback.attempted', at, call), 'px', cfg);
    expect([missed.script, missed.keys.length, missed.args.length]).toEqual(['pulseLogOnly', 6, 4]);
  });

  it('names a lead’s channel and campaign sets by their key index', () => {
    const at = '2026-11-20T02:00:00.000Z';
    const p = planEvent(ev('lead.created', at, { leadId: 'L1', channel: 'phone', campaignId: 'CP' }), 'px', cfg);
    const ms = String(Date.parse(at));
    // log bucket, seq, records, all, six channels, with campaign, log before the buckets, its count, late,
    // rejected: phone is KEYS[6], campaign KEYS[11].
    expect(p.keys).toHaveLength(15);
    expect([p.keys[5], p.keys[10]]).toEqual(['px:{HZ01}:lead:ch:phone', 'px:{HZ01}:lead:cmp:z']);
    expect(p.args.slice(2)).toEqual(['L1', ms, expect.any(String), 'last', '4;6;11', 'CP', ms, '']);
  });

  it('records an event applied more than 20 hours after its time as late, with the figures it can change', () => {
    const at = '2026-11-20T02:00:00.000Z';
    const lead = ev('lead.created', at, { id: 'l9', leadId: 'L9', channel: 'web' });
    const arrived = Date.parse(at) + 20 * H + 1;
    expect(planEvent(lead, 'px', cfg, arrived).args.at(-1)).toBe(`l9|${arrived}|leads.total,leads.byChannel.web,targets`);
    // Exactly 20 hours is on time; a history load (null) is never late.
    expect(planEvent(lead, 'px', cfg, Date.parse(at) + 20 * H).args.at(-1)).toBe('');
    expect(planEvent(lead, 'px', cfg, null).args.at(-1)).toBe('');
    // An unreached call changes no report figure: not recorded.
    const call = ev('callback.attempted', at, { callbackId: 'K', kind: 'sales', subjectId: 'O1', outcome: 'no_answer' });
    expect(planEvent(call, 'px', cfg, arrived + 9 * 24 * H).args.at(-1)).toBe('');
  });
});
