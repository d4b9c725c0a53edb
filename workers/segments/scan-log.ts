/**
 * Reads a store's event log (a hash that may hold millions of events) in chunks with HSCAN, never
 * all at once, and hands each event to a visitor. Between chunks the event loop runs, so the
 * event workers of the same process keep applying batches while a scan is under way.
 *
 * HSCAN returns every event present for the whole scan at least once, maybe twice: the visitor
 * must be idempotent (CustomerValueFold is). Events written during the scan may or may not be
 * seen; the next run sees them.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RedisConn } from '../../core/redis/connections.js';
import type { PulseEvent } from '../../domain/events.js';
import { decodeLogged, storeOfLog } from '../../core/events/logged-event.js';

export const SCAN_COUNT = 2000;

export interface ScanStats {
  /** Entries read, repeats included. */
  scanned: number;
  /** Entries parsed that are not events (skipped). */
  unreadable: number;
}

export async function scanLog(
  redis: RedisConn,
  logKey: string,
  visit: (event: PulseEvent) => void,
  onChunk?: (stats: ScanStats) => Promise<void> | void,
  opts: { count?: number; worthParsing?: (raw: string) => boolean } = {},
): Promise<ScanStats> {
  const { count = SCAN_COUNT, worthParsing } = opts;
  const stats: ScanStats = { scanned: 0, unreadable: 0 };
  const store = storeOfLog(logKey);
  let reply = redis.hscan(logKey, '0', 'COUNT', count);
  for (;;) {
    const [cursor, flat] = await reply;
    // Ask for the next chunk before parsing this one, so Redis and this process work together.
    if (cursor !== '0') {
      reply = redis.hscan(logKey, cursor, 'COUNT', count);
      reply.catch(() => undefined); // surfaces at the next await; not unhandled if we stop first
    }
    for (let i = 1; i < flat.length; i += 2) {
      const raw = flat[i]!;
      if (worthParsing && !worthParsing(raw)) continue;
      let event: PulseEvent;
      try {
        event = decodeLogged(raw, flat[i - 1]!, store);
      } catch {
        stats.unreadable++;
        continue;
      }
      if (typeof event !== 'object' || event === null || typeof event.type !== 'string') stats.unreadable++;
      else visit(event);
    }
    stats.scanned += flat.length / 2;
    await onChunk?.(stats);
    if (cursor === '0') return stats;
    await yieldToEventLoop();
  }
}
