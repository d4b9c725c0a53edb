/**
 * The pipeline's freshness as this server sees it (domain/freshness.ts): one look every
 * FRESHNESS_CHECK_MS for the whole process (not per socket or room), kept for every snapshot and
 * heartbeat it sends. A look that Redis does not answer within the command timeout says `down`.
 */
import type { Queue } from 'bullmq';
import { FRESHNESS_CHECK_MS, freshnessOf, type Freshness, type PipelineReading } from '../../domain/freshness.js';
import { answerWithin, type RedisConn } from '../../core/redis/connections.js';
import { globalKeys } from '../../core/redis/keys.js';

export interface FreshnessSources {
  redis: RedisConn;
  /** The events queue: its waiting and delayed (to be retried) batches are the backlog. */
  events: Queue;
  prefix: string;
  commandTimeoutMs: number;
  workerDeadAfterMs: number;
  now?: () => number;
}

/** Reads what the rule needs; throws when Redis does not answer. */
export async function readPipeline(src: FreshnessSources, now: number): Promise<PipelineReading> {
  const g = globalKeys(src.prefix);
  const [counts, oldest, workers, lastTick] = await answerWithin(
    Promise.all([
      src.events.getJobCounts('wait', 'prioritized', 'delayed'),
      // The oldest waiting batch only (the list's far end): cheap whatever the backlog.
      src.events.getJobs(['wait'], 0, 0, true),
      src.redis.zcount(g.workers, now - src.workerDeadAfterMs, '+inf'),
      src.redis.get(g.lastTick),
    ]),
    src.commandTimeoutMs,
  );
  const backlog = (counts.wait ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
  const first = oldest[0];
  return {
    backlog,
    oldestWaitingAt: first ? first.timestamp : null,
    workers,
    lastTickAt: lastTick === null ? null : Number(lastTick),
  };
}

export class FreshnessMonitor {
  private value: Freshness;
  private readonly timer: NodeJS.Timeout;
  private looking = false;
  private readonly now: () => number;

  /** Called after a look that changed the state (e.g. to send heartbeats at once). */
  private readonly listeners = new Set<(f: Freshness) => void>();

  constructor(
    private readonly src: FreshnessSources,
    everyMs = FRESHNESS_CHECK_MS,
  ) {
    this.now = src.now ?? Date.now;
    // Until the first look: nothing known, nothing claimed.
    this.value = freshnessOf(null, this.now());
    this.timer = setInterval(() => void this.look(), everyMs);
    this.timer.unref();
    void this.look();
  }

  get current(): Freshness {
    return this.value;
  }

  async look(): Promise<Freshness> {
    if (this.looking) return this.value;
    this.looking = true;
    let reading: PipelineReading | null = null;
    try {
      reading = await readPipeline(this.src, this.now());
    } catch {
      // Unreachable, frozen, or not answering in time: the walls are told `down`.
      reading = null;
    } finally {
      this.looking = false;
    }
    const before = this.value.state;
    this.value = freshnessOf(reading, this.now());
    if (this.value.state !== before) for (const listener of this.listeners) listener(this.value);
    return this.value;
  }

  /** `listener` hears of every change of state from now on. */
  onChange(listener: (f: Freshness) => void): void {
    this.listeners.add(listener);
  }

  close(): void {
    this.listeners.clear();
    clearInterval(this.timer);
  }
}
