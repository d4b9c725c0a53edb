/**
 * Coalesces changes into pushes: at most MAX_PUSHES_PER_SECOND per room (a burst of events
 * becomes one snapshot), and at least one a minute even when nothing changes. A benchmark may
 * raise the rate (PULSE_LIVE_MAX_PUSHES_PER_SECOND); the protocol promises at most 4.
 */
import { MAX_PUSHES_PER_SECOND } from '../../domain/protocol.js';

export interface PushTarget {
  /** Rooms that currently have subscribers. */
  activeRooms(): Iterable<string>;
  hasSubscribers(room: string): boolean;
  push(room: string): Promise<void>;
}

export class PushScheduler {
  private readonly minGapMs: number;
  private readonly last = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Rooms whose snapshot is being built, and whether another change came in meanwhile. */
  private readonly inFlight = new Map<string, boolean>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly target: PushTarget,
    private readonly onError: (err: unknown) => void,
    heartbeatMs = 60_000,
    maxPushesPerSecond = MAX_PUSHES_PER_SECOND,
  ) {
    this.minGapMs = 1000 / maxPushesPerSecond;
    this.heartbeat = setInterval(
      () => {
        const now = Date.now();
        for (const room of this.target.activeRooms()) {
          if (now - (this.last.get(room) ?? 0) >= heartbeatMs - 1000) this.request(room);
        }
      },
      Math.min(heartbeatMs, 10_000),
    );
    this.heartbeat.unref();
  }

  /** Asks for a push of the room; it happens now or as soon as the rate allows. */
  request(room: string): void {
    if (this.closed || this.timers.has(room) || !this.target.hasSubscribers(room)) return;
    if (this.inFlight.has(room)) {
      this.inFlight.set(room, true);
      return;
    }
    const wait = Math.max(0, (this.last.get(room) ?? 0) + this.minGapMs - Date.now());
    this.timers.set(
      room,
      setTimeout(() => {
        this.timers.delete(room);
        this.inFlight.set(room, false);
        this.target
          .push(room)
          .catch(this.onError)
          .finally(() => {
            // The gap is measured from the emit, so a slow snapshot cannot squeeze two pushes together.
            this.last.set(room, Date.now());
            const again = this.inFlight.get(room);
            this.inFlight.delete(room);
            if (again) this.request(room);
          });
      }, wait),
    );
  }

  /** A subscriber just received a fresh snapshot in its ack: count it as a push. */
  markPushed(room: string): void {
    if (!this.last.has(room)) this.last.set(room, Date.now());
  }

  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
