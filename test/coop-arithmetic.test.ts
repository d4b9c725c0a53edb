/** The co-op ledger's rules without I/O (domain/coop.ts): ages in store-local days, buckets, the co-op part. */
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { ageBucket, ageDays, coopFen, coopFigure, coopCounts } from '../domain/coop.js';

const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();

describe('ages and buckets', () => {
  it('puts each edge in the bucket of its lower bound', () => {
    expect([0, 30, 31, 60, 61, 90, 91, 364].map(ageBucket)).toEqual([
      'd0_30',
      'd0_30',
      'd31_60',
      'd31_60',
      'd61_90',
      'd61_90',
      'over90',
      'over90',
    ]);
  });

  it('counts store-local dates: a day turns at the store’s midnight, not 24 hours later', () => {
    const z = 'Asia/Shanghai';
    const at = local('2026-09-24T23:30:00', z);
    expect(ageDays(at, local('2026-09-24T23:59:59', z), z)).toBe(0);
    expect(ageDays(at, local('2026-09-25T00:00:00', z), z)).toBe(1);
    // 6 days left in September, 31 in October, 23 in November.
    expect(ageDays(at, local('2026-11-23T23:59:59', z), z)).toBe(60);
    expect(ageDays(at, local('2026-11-24T00:00:00', z), z)).toBe(61);
    // The same moment is a day later in Shanghai than in Los Angeles' calendar: each store its own.
    expect(ageDays(at, local('2026-09-25T08:00:00', z), 'America/Los_Angeles')).toBe(0);
  });

  it('keeps whole days across a daylight-saving change (Los Angeles, 1 November 2026)', () => {
    const z = 'America/Los_Angeles';
    const at = local('2026-10-31T23:30:00', z); // PDT
    expect(ageDays(at, local('2026-11-01T23:30:00', z), z)).toBe(1); // PST: 25 hours later
    expect(ageDays(at, local('2026-11-02T00:10:00', z), z)).toBe(2);
    expect(ageDays(local('2026-11-02T00:10:00', z), at, z)).toBe(0); // never below 0
  });

  it('takes the co-op part to the fen: 333.33 yuan at 30 % is 99.999, kept as 100.00', () => {
    expect(coopFen({ fen: 33_333, share: 0.3 })).toBe(10_000);
    expect(coopFen({ fen: 10_000_000_000, share: 1 })).toBe(10_000_000_000);
  });

  it('gives null for the approval rate with nothing decided, and zeros elsewhere', () => {
    const f = coopFigure(coopCounts({ spends: [], claims: [], decisions: [], payments: [] }, Date.now(), 'Asia/Shanghai'));
    expect(f.approvalRate).toEqual({ value: null, numerator: 0, denominator: 0 });
    expect(f.unclaimed).toEqual({ total: 0, count: 0, byAge: { d0_30: 0, d31_60: 0, d61_90: 0, over90: 0 } });
  });
});
