/**
 * Coalesces changes into pushes: at most MAX_PUSHES_PER_SECOND per room (a burst of events
 * becomes one snapshot), and at least one a minute even when nothing changes. A benchmark may
 * raise the rate (PULSE_LIVE_MAX_PUSHES_PER_SECOND); the protocol promises at most 4.
 *
 * This is the part of one server: it asks for a push of each room with local subscribers. Which
 * server makes a push, when several ask, is the target's business (push-claim.ts): it answers
 * with the room's last push, by whichever server, or with a wait — and a request that must wait
 * stays pending, so a change is never dropped.
 */
import { MAX_PUSHES_PER_SECOND } from '../../domain/protocol.js';

/** What asking for a push of a room came to. */
export type PushOutcome =
  /** Pushed, or nothing new to push: the room's last push (by any server) was `lastPushAgeMs` ago, -1: never. */
  | { done: true; lastPushAgeMs: number }
  /** Not this server's turn yet: ask again in `retryInMs`. */
  | { done: false; retryInMs: number };

export interface PushTarget {
  /** Rooms that currently have subscribers. */
  activeRooms(): Iterable<string>;
  hasSubscribers(room: string): boolean;
  push(room: string): Promise<PushOutcome>;
}

export const HEARTBEAT_MS = 60_000;

/**
 * The heartbeat: every `checkEveryMs` each room is looked at, and asked for once its last push is
 * `dueAfterMs` old, so that a room is pushed at least every `heartbeatMs` (with a margin for timers
 * that fire late).
 */
export function heartbeatTiming(heartbeatMs = HEARTBEAT_MS) {
  const checkEveryMs = Math.min(heartbeatMs / 2, 10_000);
  return { checkEveryMs, dueAfterMs: heartbeatMs - checkEveryMs - checkEveryMs / 10 };
}

export class PushScheduler {
  private readonly minGapMs: number;
  /** When each room was last pushed (by any server, as far as this one knows). */
  private readonly last = new Map<string, number>();
  /** Pending requests, each with how to cancel it (a timer, or an immediate). */
  private readonly timers = new Map<string, () => void>();
  /** Rooms whose push is being attempted, and whether another change came in meanwhile. */
  private readonly inFlight = new Map<string, boolean>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly target: PushTarget,
    private readonly onError: (err: unknown) => void,
    heartbeatMs = HEARTBEAT_MS,
    maxPushesPerSecond = MAX_PUSHES_PER_SECOND,
  ) {
    this.minGapMs = 1000 / maxPushesPerSecond;
    const { checkEveryMs, dueAfterMs } = heartbeatTiming(heartbeatMs);
    this.heartbeat = setInterval(() => {
      const now = Date.now();
      for (const room of this.target.activeRooms()) {
        if (now - (this.last.get(room) ?? 0) >= dueAfterMs) this.request(room);
      }
    }, checkEveryMs);
    this.heartbeat.unref();
  }

  /** Asks for a push of the room; it happens now or as soon as the rate allows. */
  request(room: string): void {
    if (this.closed || this.timers.has(room) || !this.target.hasSubscribers(room)) return;
    if (this.inFlight.has(room)) {
      this.inFlight.set(room, true);
      return;
    }
    const waitMs = (this.last.get(room) ?? 0) + this.minGapMs - Date.now();
    // Not pushed for a gap: at once. A timer of 0 would still wait a millisecond and a turn of the
    // event loop's timers; the next check phase comes right after the change notices read together
    // (one read of the subscriber's socket), which it still gathers into this one push.
    if (waitMs <= 0) this.attemptSoon(room);
    else this.attemptIn(room, waitMs);
  }

  /** A subscriber just received a fresh snapshot in its ack: count it as a push. */
  markPushed(room: string): void {
    if (!this.last.has(room)) this.last.set(room, Date.now());
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  /** A pending request: later requests of the room join it (`timers` holds it). */
  private attemptIn(room: string, waitMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(room);
      void this.attempt(room);
    }, waitMs);
    this.timers.set(room, () => clearTimeout(timer));
  }

  /** A pending request that goes before any timer (`timers` holds it, as a timer's would be). */
  private attemptSoon(room: string): void {
    const immediate = setImmediate(() => {
      this.timers.delete(room);
      void this.attempt(room);
    });
    this.timers.set(room, () => clearImmediate(immediate));
  }

  private async attempt(room: string): Promise<void> {
    // Everyone left while it waited: the servers whose sockets remain ask for themselves.
    if (this.closed || !this.target.hasSubscribers(room)) return;
    this.inFlight.set(room, false);
    let outcome: PushOutcome | null = null;
    try {
      outcome = await this.target.push(room);
    } catch (err) {
      this.onError(err);
    }
    const again = this.inFlight.get(room);
    this.inFlight.delete(room);
    if (this.closed) return;
    if (outcome && !outcome.done) {
      // Another server's turn: the request (and any change that came meanwhile) stays pending.
      this.attemptIn(room, Math.max(0, outcome.retryInMs));
      return;
    }
    // The gap is measured from the push (whoever made it), so a slow snapshot cannot squeeze two
    // pushes together. A failure counts as a push: the next change or the heartbeat tries again.
    const now = Date.now();
    this.last.set(room, outcome && outcome.lastPushAgeMs >= 0 ? now - outcome.lastPushAgeMs : now);
    if (again) this.request(room);
  }
}
