/**
 * The business rules of domain/, each the one home of its rule (Lua arguments, work lists, alert
 * rules and the wall read them): complaint and callback deadlines, budget status, target pace,
 * stock against its reorder level. Expected values are worked out by hand from kpis.md.
 */
import { describe, expect, it } from 'vitest';
import {
  COMPLAINT_DEADLINES_MS,
  complaintDeadlineArgs,
  complaintDueTimes,
  complaintSeverity,
  isPastDeadline,
  nextComplaintDeadline,
  passedComplaintDeadline,
  type ComplaintDeadlines,
} from '../domain/complaints.js';
import { callbackDueCutoff, callbackMeets, callbackStanding, isCallbackDue, isCallbackDueSoon } from '../domain/callbacks.js';
import { budgetReached, budgetStatus, DEFAULT_WARN_AT } from '../domain/budgets.js';
import { paceStanding, targetBehind, targetPace, targetPaceWatched } from '../domain/targets.js';
import { needsReorder, stockReading } from '../domain/material-stock.js';
import { hoursLeft } from '../domain/work-lists.js';
import { budgetSettings } from '../domain/settings.js';
import { alertRules } from '../domain/alerts.js';

const H = 3600_000;
const T0 = Date.parse('2026-11-20T02:00:00Z');

describe('complaint deadlines', () => {
  it('has the deadlines of kpis.md, hours after the opening', () => {
    const hours = (d: ComplaintDeadlines) => ({
      response: [d.response.low / H, d.response.medium / H, d.response.high / H],
      resolution: [d.resolution.low / H, d.resolution.medium / H, d.resolution.high / H],
    });
    expect(hours(COMPLAINT_DEADLINES_MS)).toEqual({ response: [24, 24, 4], resolution: [120, 72, 24] });
  });

  it.each([
    ['high', { response: T0 + 4 * H, resolution: T0 + 24 * H }],
    ['medium', { response: T0 + 24 * H, resolution: T0 + 72 * H }],
    ['low', { response: T0 + 24 * H, resolution: T0 + 120 * H }],
  ] as const)('%s: due times', (severity, due) => {
    expect(complaintDueTimes({ openedAt: T0, severity }, COMPLAINT_DEADLINES_MS)).toEqual(due);
  });

  it('never lets the response fall due after the resolution', () => {
    const d: ComplaintDeadlines = {
      response: { low: 48 * H, medium: 10 * H, high: 10 * H },
      resolution: { low: 24 * H, medium: 72 * H, high: 5 * H },
    };
    expect(complaintDueTimes({ openedAt: T0, severity: 'low' }, d)).toEqual({ response: T0 + 24 * H, resolution: T0 + 24 * H });
    expect(complaintDueTimes({ openedAt: T0, severity: 'high' }, d)).toEqual({ response: T0 + 5 * H, resolution: T0 + 5 * H });
    // Script arguments: response low, medium, high, then resolution low, medium, high, ms.
    expect(complaintDeadlineArgs(d)).toEqual([24, 10, 5, 24, 72, 5].map((h) => String(h * H)));
    expect(complaintDeadlineArgs(COMPLAINT_DEADLINES_MS)).toEqual([
      '86400000',
      '86400000',
      '14400000',
      '432000000',
      '259200000',
      '86400000',
    ]);
  });

  it.each([
    ['high', 'high'],
    ['medium', 'medium'],
    ['low', 'low'],
    [undefined, 'low'],
    ['urgent', 'low'],
  ])('severity %s reads as %s', (raw, expected) => expect(complaintSeverity(raw)).toBe(expected));

  const high = { openedAt: T0, severity: 'high' as const, responded: false, resolved: false };
  it.each([
    ['not responded: the response', high, { phase: 'response', at: T0 + 4 * H }],
    ['responded: the resolution', { ...high, responded: true }, { phase: 'resolution', at: T0 + 24 * H }],
    ['resolved: none', { ...high, resolved: true }, null],
  ] as const)('next deadline, %s', (_, c, expected) =>
    expect(nextComplaintDeadline(c, COMPLAINT_DEADLINES_MS)).toEqual(expected),
  );

  it.each([
    // now − opening, responded, expected passed deadline
    [4 * H - 1, false, null],
    [4 * H, false, null], // exactly at the response deadline: not yet overdue
    [4 * H + 1, false, { phase: 'response', at: T0 + 4 * H }],
    [24 * H, false, { phase: 'response', at: T0 + 4 * H }], // exactly at the resolution deadline
    [24 * H + 1, false, { phase: 'resolution', at: T0 + 24 * H }],
    [5 * H, true, null],
    [24 * H, true, null],
    [24 * H + 1, true, { phase: 'resolution', at: T0 + 24 * H }],
  ] as const)('high, %d ms after the opening (responded %s): passed %j', (after, responded, expected) => {
    expect(passedComplaintDeadline({ ...high, responded }, T0 + after, COMPLAINT_DEADLINES_MS)).toEqual(expected);
  });

  it('a resolved complaint is never overdue', () => {
    expect(passedComplaintDeadline({ ...high, resolved: true }, T0 + 1000 * H, COMPLAINT_DEADLINES_MS)).toBeNull();
  });

  it.each([
    [T0 - 1, false],
    [T0, false],
    [T0 + 1, true],
  ])('overdue past the deadline, not at it (now %d)', (now, expected) => expect(isPastDeadline(T0, now)).toBe(expected));
});

describe('callback deadlines', () => {
  const d = 72 * H;
  it.each([
    [T0 - 1, false], // before the subject
    [T0, true],
    [T0 + 29 * H, true],
    [T0 + 72 * H, true], // exactly at the deadline
    [T0 + 72 * H + 1, false],
    [T0 + 73 * H, false], // kpis.md's example: reached after 73 h
  ])('a call at %d meets: %s', (callAt, expected) => expect(callbackMeets(T0, callAt, d)).toBe(expected));

  it.each([
    // now, met, standing
    [T0 + 72 * H - 1, false, 'pending'],
    [T0 + 72 * H, false, 'missed'], // due from the moment of the deadline
    [T0 + 72 * H, true, 'met'],
    [T0 + 10 * H, true, 'met'],
    [T0 + 500 * H, false, 'missed'],
  ] as const)('at %d, met %s: %s', (now, met, expected) => {
    expect(callbackStanding(T0, met, now, d)).toBe(expected);
    expect(isCallbackDue(T0, now, d)).toBe(now >= T0 + 72 * H);
  });

  it('the due subjects are those at or before now − deadline', () => {
    const now = T0 + 100 * H;
    expect(callbackDueCutoff(now, d)).toBe(T0 + 28 * H);
    expect(isCallbackDue(T0 + 28 * H, now, d)).toBe(true);
    expect(isCallbackDue(T0 + 28 * H + 1, now, d)).toBe(false);
  });

  it.each([
    // subject time relative to T0, due soon within 4 h at now = T0
    [-72 * H, false], // due right now: a miss, not due soon
    [-72 * H + 1, true],
    [-68 * H, true], // deadline exactly 4 h away
    [-68 * H + 1, false],
  ])('subject at T0%+d: due soon %s', (at, expected) => expect(isCallbackDueSoon(T0 + at, T0, d, 4 * H)).toBe(expected));

  it.each([
    [T0 + 4 * H, 4],
    [T0 + 4 * H + 0.05 * H, 4.1],
    [T0 - 1.5 * H, -1.5],
    [T0 + 0.04 * H, 0],
  ])('hours left to %d', (deadline, expected) => expect(hoursLeft(deadline, T0)).toBe(expected));
});

describe('budget status', () => {
  it.each([
    // spent fen, budget fen, warnAt, status
    [0, 100_000_00, 0.8, 'ok'],
    [79_999_99, 100_000_00, 0.8, 'ok'],
    [80_000_00, 100_000_00, 0.8, 'warn'], // exactly at warnAt
    [99_999_99, 100_000_00, 0.8, 'warn'],
    [100_000_00, 100_000_00, 0.8, 'tripped'], // exactly at the budget
    [120_000_00, 100_000_00, 0.8, 'tripped'],
    [21_000, 30_000, 0.7, 'warn'], // 0.7 × 30000 is 20999.999… in floating point
    [20_999, 30_000, 0.7, 'ok'],
    [0, 500_00, 0, 'warn'], // warnAt 0: warned from the start
    [499_99, 500_00, 1, 'ok'], // warnAt 1: straight from ok to tripped
  ] as const)('%d of %d fen, warnAt %d: %s', (spent, amount, warnAt, expected) => {
    expect(budgetStatus(spent, amount, warnAt)).toBe(expected);
    expect(budgetReached(spent, amount)).toBe(expected === 'tripped');
  });

  it('warns from 80 % unless the budget says otherwise', () => {
    expect(DEFAULT_WARN_AT).toBe(0.8);
    expect(budgetSettings.parse({ store: 'HZ01', name: 'x', month: '2026-11', amount: 1 }).warnAt).toBe(0.8);
  });
});

describe('target pace', () => {
  const MONTH = 30 * 86_400_000;
  it.each([
    // target, actual, elapsed share, local day, pace (unrounded)
    [100, 30, 0.3, 10, 1],
    [100, 27, 0.3, 10, 0.9],
    [30, 10, 0.5, 16, 2 / 3],
    [40, 0, 0.1, 4, 0],
    [40, 5, 0.1, 3, null], // before 00:00 of the 4th: held back
    [40, 5, 0, 4, null], // nothing of the month elapsed
  ])('target %d, actual %d, %d of the month, day %d: pace %s', (target, actual, share, day, expected) =>
    expect(targetPace(actual, [{ target, elapsedMs: share * MONTH, monthMs: MONTH }], day)).toBe(expected),
  );

  it("sums what each store's target asks by its own clock", () => {
    // 40 × 0.5 + 60 × 0.25 = 35 due by now; 21 done: pace 0.6.
    const due = [
      { target: 40, elapsedMs: MONTH / 2, monthMs: MONTH },
      { target: 60, elapsedMs: MONTH / 4, monthMs: MONTH },
    ];
    expect(targetPace(21, due, 16)).toBe(21 / 35);
    // Months of different lengths (31 days and 30): the shares summed.
    const mixed = [
      { target: 31, elapsedMs: 10 * 86_400_000, monthMs: 31 * 86_400_000 },
      { target: 30, elapsedMs: 10 * 86_400_000, monthMs: MONTH },
    ];
    expect(targetPace(10, mixed, 11)).toBe(0.5);
  });

  it.each([
    [null, null],
    [Number.NaN, null],
    [1.2, 'onTrack'],
    [1, 'onTrack'], // exactly on track
    [0.9999, 'close'],
    [0.9, 'close'], // exactly at the line
    [0.8999, 'behind'],
    [0, 'behind'],
  ] as const)('pace %s stands %s', (pace, expected) => expect(paceStanding(pace)).toBe(expected));

  it.each([
    // pace, local day, targetPaceBelow, targetPaceAfterDay, behind
    [0.5, 10, 0.9, 10, false], // on the guard day itself: not yet
    [0.5, 11, 0.9, 10, true],
    [0.9, 11, 0.9, 10, false], // at the line
    [0.89, 11, 0.9, 10, true],
    [1.1, 20, 1.2, 10, true], // a line above 1 still counts
    [null, 20, 0.9, 10, false],
    [0, 1, 0.9, 0, true], // guard 0: watched from the 1st
  ] as const)('pace %s on day %d (below %d after day %d): behind %s', (pace, day, below, after, expected) =>
    expect(targetBehind(pace, day, { targetPaceBelow: below, targetPaceAfterDay: after })).toBe(expected),
  );

  it('watches pace after day 10, below 0.9, unless the store says otherwise', () => {
    const rules = alertRules.parse({});
    expect([rules.targetPaceAfterDay, rules.targetPaceBelow]).toEqual([10, 0.9]);
    expect([targetPaceWatched(10, 10), targetPaceWatched(11, 10)]).toEqual([false, true]);
  });
});

describe('stock against its reorder level', () => {
  it.each([
    [0, 12, 'below', true],
    [11, 12, 'below', true],
    [12, 12, 'at', true], // exactly at the level: reorder
    [13, 12, 'above', false],
    [-3, 0, 'below', true],
    [0, 0, 'at', true],
  ] as const)('stock %d, level %d: %s', (stock, level, reading, reorder) => {
    expect(stockReading(stock, level)).toBe(reading);
    expect(needsReorder(stock, level)).toBe(reorder);
  });
});
