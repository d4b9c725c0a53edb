/**
 * What a store needs after its events were written — its alert rules evaluated, its parts kept for
 * the servers — done beside the event jobs rather than inside them. At a dealer group's shape a
 * job of the connector's carries ~20 events for ~20 different stores, and this per-store work
 * (reads of each store's figures, a few ms a store) made each job ten times longer than writing its
 * events: the jobs queued behind it and the walls saw each event seconds late.
 *
 * Each store is followed up at most once at a time; a store asked for again while it waits or runs
 * is followed up once more after, with the union of the event types and the latest clock, so
 * every event is evaluated after it was written. At most `parallel` stores run side by side (their
 * reads share the connection's round trips); the others wait their turn, one entry per store, so a
 * burst costs at most one follow-up per store in flight. A follow-up that fails is logged: the
 * store's minute recheck (workers/maintenance.processor.ts) evaluates every rule and renews its
 * parts anyway, so nothing raised is lost, only later.
 */
import type { EventType } from '../domain/events.js';

export type FollowUp = (store: string, now: number, types: ReadonlySet<EventType>) => Promise<void>;

interface Asked {
  now: number;
  types: Set<EventType>;
}

/** Stores followed up side by side in a worker process: enough to fill round trips, few enough to leave Redis to the jobs. */
export const FOLLOW_UPS_IN_PARALLEL = 16;

export class StoreFollowUps {
  /** Stores asked for and not started, in the order they were first asked for. */
  private readonly waiting = new Map<string, Asked>();
  private readonly running = new Set<string>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly followUp: FollowUp,
    private readonly onError: (err: unknown, store: string) => void,
    private readonly parallel = FOLLOW_UPS_IN_PARALLEL,
  ) {}

  /** After events of `types` were written for `store` at `now`. Returns at once. */
  ask(store: string, now: number, types: ReadonlySet<EventType>): void {
    const asked = this.waiting.get(store);
    if (asked) {
      for (const t of types) asked.types.add(t);
      asked.now = Math.max(asked.now, now);
    } else {
      this.waiting.set(store, { now, types: new Set(types) });
    }
    this.pump();
  }

  /** Stores waiting or running. */
  get pending(): number {
    return this.waiting.size + this.running.size;
  }

  /** Resolves once no store waits or runs (a worker closing, a test). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    for (const [store, asked] of this.waiting) {
      if (this.running.size >= this.parallel) break;
      // Asked again while running: it starts when the running one ends.
      if (this.running.has(store)) continue;
      this.waiting.delete(store);
      this.running.add(store);
      this.followUp(store, asked.now, asked.types)
        .catch((err: unknown) => this.onError(err, store))
        .finally(() => {
          this.running.delete(store);
          this.pump();
          if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
    }
  }
}
