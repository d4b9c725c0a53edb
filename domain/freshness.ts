/**
 * How fresh the figures on a wall are: the state of the whole pipeline (Redis, the workers, the
 * events waiting to be applied, the minute tick) and what a wall shows of it (docs/live.md,
 * docs/wall.md). Pure: the inputs and the clock are handed in.
 */

/**
 * - `live`: Redis reachable, at least one worker alive, nothing waiting longer than DELAYED_AFTER_MS;
 * - `delayed`: events waiting longer than DELAYED_AFTER_MS, or the minute tick late;
 * - `stalled`: no worker alive, or events waiting longer than STALLED_AFTER_MS;
 * - `down`: the server cannot reach Redis.
 */
export type FreshnessState = 'live' | 'delayed' | 'stalled' | 'down';

export interface Freshness {
  state: FreshnessState;
  /** When the server looked (RFC 3339). */
  asOf: string;
  /** Every event received before this time is applied (RFC 3339); null while Redis is unreachable. */
  appliedThrough: string | null;
  /** Events batches received and not applied yet (waiting, or waiting for a retry). */
  backlog: number;
  /** How long the oldest of them has waited, whole seconds (0: none waiting). */
  oldestWaitingSeconds: number;
  /** Worker processes alive (their heartbeat less than WORKER_DEAD_AFTER_MS old). */
  workers: number;
}

/** Events waiting longer than this: `delayed`. */
export const DELAYED_AFTER_MS = 10_000;
/** Events waiting longer than this: `stalled`. */
export const STALLED_AFTER_MS = 60_000;
/** The maintenance tick runs every minute; one not seen for this long is late (`delayed`). */
export const TICK_LATE_AFTER_MS = 90_000;
/** Each worker process beats this often ... */
export const WORKER_BEAT_MS = 2_000;
/** ... and counts as dead once its last beat is this old (several beats missed). */
export const WORKER_DEAD_AFTER_MS = 8_000;
/** The server looks at the pipeline this often (one look per server process, for every room). */
export const FRESHNESS_CHECK_MS = 2_000;
/** Every room gets a `heartbeat` at least this often, also while Redis is unreachable. */
export const HEARTBEAT_EVERY_MS = 5_000;
/** A wall connected yet without a heartbeat for this long counts its connection as broken. */
export const HEARTBEAT_SILENT_AFTER_MS = 15_000;
/** Not live for this long: the figures are dimmed under a watermark. */
export const STALE_TREATMENT_AFTER_MS = 60_000;

/** What the server read from Redis; `null` when it could not reach it. */
export interface PipelineReading {
  /** Batches waiting to be applied (waiting, delayed for a retry). */
  backlog: number;
  /** When the oldest waiting batch was received (ms), null when none waits. */
  oldestWaitingAt: number | null;
  /** Worker processes whose last beat is recent enough. */
  workers: number;
  /** When the minute tick last ran (ms), null when never seen. */
  lastTickAt: number | null;
}

export function freshnessOf(reading: PipelineReading | null, now: number): Freshness {
  const asOf = new Date(now).toISOString();
  if (!reading) return { state: 'down', asOf, appliedThrough: null, backlog: 0, oldestWaitingSeconds: 0, workers: 0 };
  const waitedMs = reading.oldestWaitingAt === null ? 0 : Math.max(0, now - reading.oldestWaitingAt);
  const tickLate = reading.lastTickAt !== null && now - reading.lastTickAt > TICK_LATE_AFTER_MS;
  let state: FreshnessState = 'live';
  if (reading.workers === 0 || waitedMs > STALLED_AFTER_MS) state = 'stalled';
  else if (waitedMs > DELAYED_AFTER_MS || tickLate) state = 'delayed';
  return {
    state,
    asOf,
    // Batches are applied as they come: everything before the oldest one still waiting is in.
    appliedThrough: new Date(reading.oldestWaitingAt ?? now).toISOString(),
    backlog: reading.backlog,
    oldestWaitingSeconds: Math.floor(waitedMs / 1000),
    workers: reading.workers,
  };
}

/** What the wall's header says: the connection, then the pipeline behind it. */
export type WallStatus = 'connecting' | 'live' | 'delayed' | 'stalled' | 'down' | 'disconnected';

export interface WallInputs {
  /** The socket is connected and subscribed. */
  connected: boolean;
  /** The wall has been connected before (else it is still `connecting`). */
  everConnected: boolean;
  /** The server said it cannot reach Redis (handshake refused as `unavailable`, a 503). */
  serverCutOff: boolean;
  /** The last freshness the server sent, and when it arrived (client ms). */
  freshness: Freshness | null;
  lastBeatAt: number | null;
}

export function wallStatus(w: WallInputs, now: number): WallStatus {
  if (!w.connected) {
    if (w.serverCutOff) return 'down';
    return w.everConnected ? 'disconnected' : 'connecting';
  }
  // Connected, yet the server has gone quiet: the link is dead even if the socket does not know yet.
  if (w.lastBeatAt === null || now - w.lastBeatAt > HEARTBEAT_SILENT_AFTER_MS) return 'disconnected';
  return w.freshness?.state ?? 'live';
}

/** The figures get the stale treatment once the wall has not been live for STALE_TREATMENT_AFTER_MS. */
export const isStale = (status: WallStatus, notLiveSince: number | null, now: number): boolean =>
  status !== 'live' && notLiveSince !== null && now - notLiveSince >= STALE_TREATMENT_AFTER_MS;
