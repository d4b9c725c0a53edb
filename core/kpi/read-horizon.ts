/**
 * How long a store's figures read at `now` stay exact without a change to its data. Every read that
 * depends on now is a range of a sorted set ending at now (or at now − a deadline): its answer
 * changes only once now passes the next score of that set. While a read is queued, each such range
 * is noted here; the probes (the first score beyond each bound, `ZRANGEBYSCORE … LIMIT 0 1`) ride
 * at the end of the same pipeline. The earliest of them, and the end of the local day (the windows
 * move then), is `until`: a read at any moment in [now, until) gives the same counts.
 */
import type { ChainableCommander } from 'ioredis';

export interface Probe {
  key: string;
  /** Lowest score that matters, in ZRANGEBYSCORE syntax (`(x` exclusive). */
  min: string;
  /** The read changes once now reaches the probed score plus this. */
  lag: number;
}

/** A ZRANGEBYSCORE score: `inf` and `-inf` as Redis spells them. */
const scoreOf = (s: string): number => {
  const v = Number(s);
  if (!Number.isNaN(v)) return v;
  return s.startsWith('-') ? -Infinity : Infinity;
};

export class ReadHorizon {
  private readonly seen = new Set<string>();
  private pending: Probe[] = [];
  private earliest = Infinity;
  /** Whether a read noted anything: one that did not (a reader ignoring the horizon) holds for its moment alone. */
  private noted = false;

  constructor(readonly now: number) {}

  /** The first moment the read may differ. */
  get until(): number {
    return this.noted ? this.earliest : this.now;
  }

  /** A moment known in advance: the end of the local day. */
  bound(ms: number): void {
    this.noted = true;
    this.earliest = Math.min(this.earliest, ms);
  }

  /**
   * A range of `key` up to now − lag, bounds included (`ZCOUNT key a now−lag`): it counts one more
   * member once now − lag reaches the next score above it.
   */
  upTo(key: string, lag = 0): void {
    this.add({ key, min: `(${this.now - lag}`, lag });
  }

  /**
   * A range of `key` below now (`ZCOUNT key -inf (now`): it changes once now passes the next score
   * at or above now (taken as the bound, a moment early).
   */
  below(key: string): void {
    this.add({ key, min: String(this.now), lag: 0 });
  }

  private add(p: Probe): void {
    this.noted = true;
    const id = `${p.key}\n${p.min}\n${p.lag}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.pending.push(p);
  }

  /** Queues the probes noted since the last call at the end of `pipeline`; hand them to `settle` with their answers. */
  queue(pipeline: ChainableCommander): Probe[] {
    const batch = this.pending;
    this.pending = [];
    for (const p of batch) pipeline.zrangebyscore(p.key, p.min, '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
    return batch;
  }

  /** The answers to a batch of probes (the last `batch.length` answers of its pipeline), in order. */
  settle(batch: Probe[], answers: unknown[]): void {
    batch.forEach((p, i) => {
      const flat = answers[i] as string[] | undefined;
      if (flat && flat.length >= 2) this.earliest = Math.min(this.earliest, scoreOf(flat[1]!) + p.lag);
    });
  }
}
