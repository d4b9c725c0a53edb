/**
 * At most one snapshot applied per animation frame. A busy store can push faster than a TV paints:
 * applying every push would render figures nobody sees, and a slow page would fall behind the
 * socket. The pushes that arrive between two frames are coalesced: only the newest (highest `seq`)
 * is applied, at the next frame.
 *
 * A hidden tab gets no animation frames: a timer applies the pending snapshot anyway after
 * FALLBACK_MS, so a background wall still follows (whichever comes first wins, the other is
 * cancelled).
 */

/** What the coalescer needs from the browser (handed in, so it runs under a test's clock). */
export interface FrameScheduler {
  /** Runs `run` at the next animation frame; returns a cancel. */
  frame(run: () => void): () => void;
  /** Runs `run` after `ms`; returns a cancel. */
  timeout(run: () => void, ms: number): () => void;
}

/** A frame comes every 16 ms in a visible page; later than this, the page is hidden or busy. */
export const FALLBACK_MS = 100;

export interface FrameCoalescer<T extends { seq: number }> {
  /** Takes a snapshot in, to apply at the next frame; an older one than the pending one is ignored. */
  offer(next: T): void;
  /** The snapshot waiting for the next frame, if any. */
  pending(): T | null;
  /** Drops the pending snapshot if it is not newer than `seq` (something as new was applied directly). */
  dropUpTo(seq: number): void;
  /** Applies the pending snapshot now (e.g. before the connection it came on goes). */
  flush(): void;
  /** Forgets the pending snapshot and cancels what was scheduled. */
  dispose(): void;
}

export function frameCoalescer<T extends { seq: number }>(
  apply: (next: T) => void,
  scheduler: FrameScheduler,
  fallbackMs = FALLBACK_MS,
): FrameCoalescer<T> {
  let waiting: T | null = null;
  let cancels: Array<() => void> = [];

  function cancel(): void {
    for (const c of cancels) c();
    cancels = [];
  }

  function flush(): void {
    cancel();
    const next = waiting;
    waiting = null;
    if (next) apply(next);
  }

  return {
    offer(next) {
      if (waiting && next.seq < waiting.seq) return;
      const scheduled = waiting !== null;
      waiting = next;
      if (!scheduled) cancels = [scheduler.frame(flush), scheduler.timeout(flush, fallbackMs)];
    },
    pending: () => waiting,
    dropUpTo(seq) {
      if (waiting && waiting.seq <= seq) {
        waiting = null;
        cancel();
      }
    },
    flush,
    dispose() {
      waiting = null;
      cancel();
    },
  };
}

/** The browser's own: requestAnimationFrame and setTimeout. */
export const browserFrames: FrameScheduler = {
  frame(run) {
    const id = requestAnimationFrame(run);
    return () => cancelAnimationFrame(id);
  },
  timeout(run, ms) {
    const id = setTimeout(run, ms);
    return () => clearTimeout(id);
  },
};
