/**
 * One evaluation of a store's alert rules at a time in a worker process. A burst of batches for a
 * store (a dealer system posting a backlog, several jobs of it in flight) would otherwise evaluate
 * the same store once per batch, each reading the same figures. A batch that asks while the store
 * is being evaluated joins the next evaluation instead: it starts once the current one ends — so
 * after every joined batch was applied — with the union of their event types and the latest of
 * their clocks, and every joined batch waits for it. Each batch's events are thus evaluated after
 * they were written, as before: no raise or clear is missed, a figure is only read fewer times.
 */
import type { EventType } from '../../domain/events.js';
import type { Evaluation } from './engine.js';

type Evaluate = (store: string, now: number, types: ReadonlySet<EventType>) => Promise<Evaluation>;

interface Next {
  now: number;
  types: Set<EventType>;
  done: Promise<Evaluation>;
  settle: (evaluation: Promise<Evaluation>) => void;
}

export class StoreEvaluations {
  /** Per store being evaluated: the evaluation that batches asking meanwhile have joined, if any. */
  private readonly busy = new Map<string, { next: Next | null }>();

  constructor(private readonly evaluate: Evaluate) {}

  /** Evaluates `store` after the caller's events (of `types`, applied at `now`) were written. */
  run(store: string, now: number, types: ReadonlySet<EventType>): Promise<Evaluation> {
    const state = this.busy.get(store);
    if (!state) return this.start(store, now, new Set(types));
    if (!state.next) {
      let settle!: Next['settle'];
      const done = new Promise<Evaluation>((resolve) => (settle = resolve));
      state.next = { now, types: new Set(types), done, settle };
      return done;
    }
    for (const t of types) state.next.types.add(t);
    state.next.now = Math.max(state.next.now, now);
    return state.next.done;
  }

  /** How many stores are being evaluated (0 once every evaluation ended). */
  get active(): number {
    return this.busy.size;
  }

  private start(store: string, now: number, types: Set<EventType>): Promise<Evaluation> {
    const state: { next: Next | null } = { next: null };
    this.busy.set(store, state);
    const done = this.evaluate(store, now, types);
    const handOn = () => {
      const next = state.next;
      if (next) {
        // The joined evaluation takes the store over at once, so that no batch starts another beside it.
        next.settle(this.start(store, next.now, next.types));
      } else {
        this.busy.delete(store);
      }
    };
    done.then(handOn, handOn);
    return done;
  }
}
