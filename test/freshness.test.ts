/** The freshness rule and what the wall header makes of it, on a handed clock (domain/freshness.ts). */
import { describe, expect, it } from 'vitest';
import { freshnessOf, isStale, wallStatus, type Freshness, type WallInputs } from '../domain/freshness.js';

const NOW = Date.parse('2026-03-02T06:05:00.000Z');
const healthy = { backlog: 0, oldestWaitingAt: null, workers: 2, lastTickAt: NOW - 30_000 };

describe('freshness of the pipeline', () => {
  it('live: Redis answered, a worker alive, nothing waiting', () => {
    expect(freshnessOf(healthy, NOW)).toEqual({
      state: 'live',
      asOf: '2026-03-02T06:05:00.000Z',
      appliedThrough: '2026-03-02T06:05:00.000Z',
      backlog: 0,
      oldestWaitingSeconds: 0,
      workers: 2,
    });
  });

  it('events waiting: live up to 10 s, delayed past it, stalled past 60 s', () => {
    const waiting = (ms: number) => freshnessOf({ ...healthy, backlog: 3, oldestWaitingAt: NOW - ms }, NOW);
    expect(waiting(10_000).state).toBe('live');
    expect(waiting(10_001)).toEqual({
      state: 'delayed',
      asOf: '2026-03-02T06:05:00.000Z',
      appliedThrough: '2026-03-02T06:04:49.999Z',
      backlog: 3,
      oldestWaitingSeconds: 10,
      workers: 2,
    });
    expect(waiting(60_000).state).toBe('delayed');
    expect(waiting(60_001).state).toBe('stalled');
    expect(waiting(60_001).oldestWaitingSeconds).toBe(60);
  });

  it('no worker alive is stalled, even with nothing waiting', () => {
    expect(freshnessOf({ ...healthy, workers: 0 }, NOW).state).toBe('stalled');
  });

  it('the minute tick not seen for 90 s is delayed; never seen is not held against it', () => {
    expect(freshnessOf({ ...healthy, lastTickAt: NOW - 90_000 }, NOW).state).toBe('live');
    expect(freshnessOf({ ...healthy, lastTickAt: NOW - 90_001 }, NOW).state).toBe('delayed');
    expect(freshnessOf({ ...healthy, lastTickAt: null }, NOW).state).toBe('live');
  });

  it('Redis unreachable is down, with nothing claimed', () => {
    expect(freshnessOf(null, NOW)).toEqual({
      state: 'down',
      asOf: '2026-03-02T06:05:00.000Z',
      appliedThrough: null,
      backlog: 0,
      oldestWaitingSeconds: 0,
      workers: 0,
    });
  });
});

describe('the wall header', () => {
  const fresh = (state: Freshness['state']): Freshness => ({ ...freshnessOf(healthy, NOW), state });
  const base: WallInputs = {
    connected: true,
    everConnected: true,
    serverCutOff: false,
    freshness: fresh('live'),
    lastBeatAt: NOW - 4_000,
  };

  it('says 实时 only when connected and the pipeline is live', () => {
    expect(wallStatus(base, NOW)).toBe('live');
    for (const s of ['delayed', 'stalled', 'down'] as const) expect(wallStatus({ ...base, freshness: fresh(s) }, NOW)).toBe(s);
  });

  it('connected yet without a heartbeat for more than 15 s: the connection is lost', () => {
    expect(wallStatus({ ...base, lastBeatAt: NOW - 15_000 }, NOW)).toBe('live');
    expect(wallStatus({ ...base, lastBeatAt: NOW - 15_001 }, NOW)).toBe('disconnected');
  });

  it('not connected: cut off from Redis (the server said so), lost, or still connecting', () => {
    const off = { ...base, connected: false };
    expect(wallStatus({ ...off, serverCutOff: true }, NOW)).toBe('down');
    expect(wallStatus(off, NOW)).toBe('disconnected');
    expect(wallStatus({ ...off, everConnected: false }, NOW)).toBe('connecting');
  });

  it('the stale treatment comes after 60 s not live, never while live', () => {
    expect(isStale('stalled', NOW - 59_999, NOW)).toBe(false);
    expect(isStale('stalled', NOW - 60_000, NOW)).toBe(true);
    expect(isStale('live', NOW - 600_000, NOW)).toBe(false);
    expect(isStale('down', null, NOW)).toBe(false);
  });
});
