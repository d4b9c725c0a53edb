/**
 * The demo's month back-fill and the median handling time (处理时长中位数): every complaint resolved
 * since the 1st comes with its opening, even when it was opened last month, so a wall never shows
 * 已结 2 beside a median of "—". Checked on the generated events, then through the real API, workers
 * and Redis against the median worked out from the events themselves.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, PulseEvent } from '../domain/events.js';
import { MAX_BATCH } from '../domain/events.js';
import { STORES } from '../launcher/demo/dealership.js';
import { monthBackfill } from '../launcher/demo/month-backfill.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

const SEED = 20261123;
const HOUR = 3_600_000;

const resolvedIn = (events: PulseEvent[], from: number) =>
  events.filter((e): e is EventOf<'complaint.resolved'> => e.type === 'complaint.resolved' && Date.parse(e.at) >= from);
const openedById = (events: PulseEvent[]) =>
  new Map(events.filter((e): e is EventOf<'complaint.opened'> => e.type === 'complaint.opened').map((e) => [e.complaintId, e]));

describe('the demo back-fill of the month', () => {
  // The 4th of December at 21:00, at the demo's share of the plan (a handful of complaints a store a
  // month): every store has resolved one since the 1st, and NJ01 two opened in late November.
  const demoStart = DateTime.fromISO('2026-12-04T21:00:00', { zone: 'Asia/Shanghai' }).toMillis();
  it.each(STORES.map((s) => [s.code, s] as const))('of %s opens every complaint it resolves', (_code, store) => {
    const from = DateTime.fromMillis(demoStart, { zone: store.timezone }).startOf('month').toMillis();
    const events = monthBackfill(store, { seed: SEED, from, now: demoStart, demoStart });
    const opened = openedById(events);
    const resolved = resolvedIn(events, from);
    expect(resolved.length).toBeGreaterThan(0);
    for (const r of resolved) expect(opened.has(r.complaintId), r.complaintId).toBe(true);
    // Nothing else from before the 1st: only the openings (and responses) of those complaints.
    const earlier = events.filter((e) => Date.parse(e.at) < from);
    for (const e of earlier) {
      expect(['complaint.opened', 'complaint.responded']).toContain(e.type);
      expect(resolved.map((r) => r.complaintId)).toContain((e as EventOf<'complaint.opened'>).complaintId);
    }
  });
  it('has complaints opened last month among those resolved this month (what the wall showed as "—")', () => {
    const store = STORES.find((s) => s.code === 'NJ01')!;
    const from = DateTime.fromMillis(demoStart, { zone: store.timezone }).startOf('month').toMillis();
    const events = monthBackfill(store, { seed: SEED, from, now: demoStart, demoStart });
    const opened = openedById(events);
    const early = resolvedIn(events, from).filter((r) => Date.parse(opened.get(r.complaintId)!.at) < from);
    expect(early.length).toBeGreaterThan(0);
  });
});

describe('median handling time from the demo, through the real stack', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack('demomedian');
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('is the median of resolved − opened over the complaints resolved this month', async () => {
    const store = STORES.find((s) => s.code === 'HZ01')!;
    const now = Date.now();
    const from = DateTime.fromMillis(now, { zone: store.timezone }).startOf('month').toMillis();
    await stack.request('PUT', `/api/v1/stores/${store.code}`, { name: store.name, timezone: store.timezone });
    const events = monthBackfill(store, { seed: SEED, from, now, demoStart: now }).filter(
      (e) => e.type === 'complaint.opened' || e.type === 'complaint.responded' || e.type === 'complaint.resolved',
    );
    for (let i = 0; i < events.length; i += MAX_BATCH) {
      const res = await stack.request('POST', '/api/v1/events', { events: events.slice(i, i + MAX_BATCH) });
      expect(res.status).toBe(202);
    }
    const opened = openedById(events);
    // Whole ms each; the median in hours unrounded, as the snapshot sends it.
    const durations = resolvedIn(events, from)
      .map((r) => Date.parse(r.at) - Date.parse(opened.get(r.complaintId)!.at))
      .sort((a, b) => a - b);
    const mid = durations.length >> 1;
    const median =
      durations.length === 0 ? null : durations.length % 2 ? durations[mid]! : (durations[mid - 1]! + durations[mid]!) / 2;
    const expected = median === null ? null : median / HOUR;
    const month = await waitFor(
      async () => {
        const body = (await stack.request('GET', `/api/v1/stores/${store.code}/kpis`)).body;
        const m = body?.kpis?.complaints?.month;
        return m && m.resolved === durations.length ? m : null;
      },
      15_000,
      'the complaints applied',
    );
    expect(month.resolved).toBe(durations.length);
    expect(month.medianResolutionHours).toBe(expected);
    if (durations.length > 0) expect(month.medianResolutionHours).not.toBeNull();
  }, 60_000);
});
