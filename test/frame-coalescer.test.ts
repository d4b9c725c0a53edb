/**
 * The wall applies at most one snapshot per animation frame (client/src/live/frame-coalescer.ts):
 * a burst between two frames ends with the newest figures, an older seq never replaces a newer one,
 * and a hidden page (no frames) still updates after the fallback pause.
 */
import { describe, expect, it } from 'vitest';
import { FALLBACK_MS, frameCoalescer, type FrameScheduler } from '../client/src/live/frame-coalescer.js';

/** Frames and timers run by hand: `frame()` fires the animation frames, `advance(ms)` the clock. */
class ManualFrames implements FrameScheduler {
  private frames = new Map<number, () => void>();
  private timers = new Map<number, { at: number; run: () => void }>();
  private next = 0;
  now = 0;
  frame(run: () => void): () => void {
    const id = ++this.next;
    this.frames.set(id, run);
    return () => this.frames.delete(id);
  }
  timeout(run: () => void, ms: number): () => void {
    const id = ++this.next;
    this.timers.set(id, { at: this.now + ms, run });
    return () => this.timers.delete(id);
  }
  fireFrame(): void {
    const due = [...this.frames.values()];
    this.frames.clear();
    for (const run of due) run();
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.timers]) {
      if (t.at <= this.now) {
        this.timers.delete(id);
        t.run();
      }
    }
  }
  get scheduled(): number {
    return this.frames.size + this.timers.size;
  }
}

const snap = (seq: number, figure = seq * 10) => ({ seq, figure });

function setup() {
  const frames = new ManualFrames();
  const applied: Array<{ seq: number; figure: number }> = [];
  const c = frameCoalescer<{ seq: number; figure: number }>((s) => applied.push(s), frames);
  return { frames, applied, c };
}

describe('frame coalescer', () => {
  it('applies only the newest of a burst, once, at the next frame', () => {
    const { frames, applied, c } = setup();
    for (let seq = 1; seq <= 50; seq++) c.offer(snap(seq));
    expect(applied).toEqual([]);
    expect(c.pending()).toEqual({ seq: 50, figure: 500 });
    // One frame and one fallback timer for the whole burst.
    expect(frames.scheduled).toBe(2);
    frames.fireFrame();
    expect(applied).toEqual([{ seq: 50, figure: 500 }]);
    // The frame cancelled the fallback: nothing runs later.
    expect(frames.scheduled).toBe(0);
    frames.advance(10 * FALLBACK_MS);
    expect(applied).toEqual([{ seq: 50, figure: 500 }]);
    expect(c.pending()).toBeNull();
  });

  it('never lets an older seq replace a newer one waiting; an equal seq replaces it', () => {
    const { frames, applied, c } = setup();
    c.offer(snap(7));
    c.offer(snap(5));
    c.offer(snap(7, 71));
    c.offer(snap(6));
    frames.fireFrame();
    expect(applied).toEqual([{ seq: 7, figure: 71 }]);
  });

  it('updates a hidden page (no frames) after the fallback pause', () => {
    const { frames, applied, c } = setup();
    c.offer(snap(1));
    c.offer(snap(2));
    frames.advance(FALLBACK_MS - 1);
    expect(applied).toEqual([]);
    frames.advance(1);
    expect(applied).toEqual([{ seq: 2, figure: 20 }]);
    // The timer cancelled the frame.
    expect(frames.scheduled).toBe(0);
    // The next burst schedules afresh.
    c.offer(snap(3));
    frames.fireFrame();
    expect(applied).toEqual([
      { seq: 2, figure: 20 },
      { seq: 3, figure: 30 },
    ]);
  });

  it('drops the waiting snapshot when something as new was applied directly, keeps a newer one', () => {
    const { frames, applied, c } = setup();
    c.offer(snap(4));
    c.dropUpTo(4);
    expect(c.pending()).toBeNull();
    expect(frames.scheduled).toBe(0);
    c.offer(snap(9));
    c.dropUpTo(8);
    frames.fireFrame();
    expect(applied).toEqual([{ seq: 9, figure: 90 }]);
  });

  it('flush applies at once; dispose forgets', () => {
    const { frames, applied, c } = setup();
    c.offer(snap(3));
    c.flush();
    expect(applied).toEqual([{ seq: 3, figure: 30 }]);
    expect(frames.scheduled).toBe(0);
    c.offer(snap(4));
    c.dispose();
    frames.fireFrame();
    frames.advance(FALLBACK_MS);
    expect(applied).toEqual([{ seq: 3, figure: 30 }]);
    expect(frames.scheduled).toBe(0);
  });
});
