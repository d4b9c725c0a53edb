/**
 * The push scheduler of one server, against a fake target (fake timers): coalescing, the gap,
 * waiting for another server's turn without dropping the request, and the heartbeat.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { heartbeatTiming, PushScheduler, type PushOutcome } from '../server/live/push-scheduler.js';

const ROOM = 'store:HZ01';

/** A target whose pushes answer what the test says, and record when they were attempted. */
function fakeTarget(answer: (n: number) => PushOutcome | Promise<PushOutcome> = () => ({ done: true, lastPushAgeMs: 0 })) {
  const attempts: number[] = [];
  const rooms = new Set([ROOM]);
  return {
    attempts,
    rooms,
    activeRooms: () => rooms,
    hasSubscribers: (room: string) => rooms.has(room),
    push: async () => {
      attempts.push(Date.now());
      return answer(attempts.length);
    },
  };
}

let scheduler: PushScheduler | null = null;
const start = (target: ReturnType<typeof fakeTarget>, heartbeatMs?: number) =>
  (scheduler = new PushScheduler(target, (err) => expect.fail(String(err)), heartbeatMs, 4));

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  scheduler?.close();
  vi.useRealTimers();
});

describe('PushScheduler', () => {
  it('coalesces a burst into one push, and changes during a push into one more after the gap', async () => {
    let release!: () => void;
    const target = fakeTarget((n) =>
      n === 1 ? new Promise((r) => (release = () => r({ done: true, lastPushAgeMs: 0 }))) : { done: true, lastPushAgeMs: 0 },
    );
    const s = start(target);
    for (let i = 0; i < 5; i++) s.request(ROOM);
    await vi.advanceTimersByTimeAsync(0);
    expect(target.attempts).toHaveLength(1);
    s.request(ROOM); // while the snapshot is being built
    s.request(ROOM);
    await vi.advanceTimersByTimeAsync(100);
    release();
    await vi.advanceTimersByTimeAsync(249);
    expect(target.attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(target.attempts).toHaveLength(2);
    expect(target.attempts[1]! - target.attempts[0]!).toBe(350);
    await vi.advanceTimersByTimeAsync(5000);
    expect(target.attempts).toHaveLength(2);
  });

  it('pushes a room not pushed for a gap before any timer fires, gathering the requests of the same read into it', async () => {
    // Only the timers are fake: an immediate runs for real, a timer (even of 0 ms) only when the
    // test moves the clock. The push must not wait for a timer.
    vi.useRealTimers();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(1_000_000);
    const nextCheck = () => new Promise((r) => setImmediate(r));
    const target = fakeTarget();
    const s = start(target);
    s.request(ROOM); // change notices heard in one read of the subscriber's socket
    s.request(ROOM);
    s.request('store:HZ02'); // not subscribed here
    await nextCheck();
    expect(target.attempts).toEqual([1_000_000]);
    // Within the gap: the next push waits for it, and only for it.
    await vi.advanceTimersByTimeAsync(100);
    s.request(ROOM);
    await nextCheck();
    expect(target.attempts).toEqual([1_000_000]);
    await vi.advanceTimersByTimeAsync(149);
    expect(target.attempts).toEqual([1_000_000]);
    await vi.advanceTimersByTimeAsync(1);
    expect(target.attempts).toEqual([1_000_000, 1_000_250]);
    // Quiet for longer than the gap: at once again.
    await vi.advanceTimersByTimeAsync(400);
    s.request(ROOM);
    await nextCheck();
    expect(target.attempts).toEqual([1_000_000, 1_000_250, 1_000_650]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(target.attempts).toHaveLength(3);
  });

  it("keeps the request pending while it is another server's turn, and asks again when told", async () => {
    const target = fakeTarget((n) => (n < 3 ? { done: false, retryInMs: 300 } : { done: true, lastPushAgeMs: 0 }));
    const s = start(target);
    s.request(ROOM);
    await vi.advanceTimersByTimeAsync(0);
    s.request(ROOM); // joins the pending request
    await vi.advanceTimersByTimeAsync(1000);
    expect(target.attempts.map((t) => t - 1_000_000)).toEqual([0, 300, 600]);
  });

  it("takes the room's last push by another server into account", async () => {
    // Nothing new: another server pushed 100 ms ago. The next change waits out the rest of the gap.
    const target = fakeTarget((n) => (n === 1 ? { done: true, lastPushAgeMs: 100 } : { done: true, lastPushAgeMs: 0 }));
    const s = start(target);
    s.request(ROOM);
    await vi.advanceTimersByTimeAsync(0);
    s.request(ROOM);
    await vi.advanceTimersByTimeAsync(200);
    expect(target.attempts.map((t) => t - 1_000_000)).toEqual([0, 150]);
  });

  it('drops a waiting request once the room has no subscribers here', async () => {
    const target = fakeTarget(() => ({ done: false, retryInMs: 300 }));
    const s = start(target);
    s.request(ROOM);
    await vi.advanceTimersByTimeAsync(0);
    target.rooms.clear();
    await vi.advanceTimersByTimeAsync(2000);
    expect(target.attempts).toHaveLength(1);
  });

  it('asks for a heartbeat push before a minute passes without one, counting pushes by other servers', async () => {
    expect(heartbeatTiming(60_000)).toEqual({ checkEveryMs: 10_000, dueAfterMs: 49_000 });
    // The first heartbeat finds that another server pushed 30 s ago; the next one asks again in time.
    const target = fakeTarget((n) => (n === 1 ? { done: true, lastPushAgeMs: 30_000 } : { done: true, lastPushAgeMs: 0 }));
    const s = start(target, 60_000);
    s.markPushed(ROOM);
    await vi.advanceTimersByTimeAsync(120_000);
    // (A timer set from a timer fires a millisecond later under fake timers.)
    const at = target.attempts.map((t) => Math.floor((t - 1_000_000) / 10) * 10);
    expect(at[0]).toBe(50_000);
    // Pushed (by the other server) at 20 s: due again at 69 s, asked at the 70 s check.
    expect(at[1]).toBe(70_000);
    for (let i = 2; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeLessThanOrEqual(60_000);
  });
});
