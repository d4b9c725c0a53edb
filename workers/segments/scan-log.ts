/**
 * Reads a store's event log (buckets of a few hundred events, and the hash written before them,
 * which may hold millions: core/events/event-log.ts) a batch at a time, never all at once, and
 * hands each event to a visitor. Between batches the event loop runs, so the event workers of the
 * same process keep applying batches while a scan is under way.
 *
 * Every event present for the whole scan is seen at least once, maybe twice (HSCAN): the visitor
 * must be idempotent (CustomerValueFold is). Events written during the scan may or may not be
 * seen; the next run sees them.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RedisConn } from '../../core/redis/connections.js';
import type { PulseEvent } from '../../domain/events.js';
import { decodeLogged } from '../../core/events/logged-event.js';
import { scanLogged } from '../../core/events/event-log.js';

export const SCAN_COUNT = 2000;

export interface ScanStats {
  /** Entries read, repeats included. */
  scanned: number;
  /** Entries parsed that are not events (skipped). */
  unreadable: number;
}

export async function scanLog(
  redis: RedisConn,
  prefix: string,
  store: string,
  visit: (event: PulseEvent) => void,
  onChunk?: (stats: ScanStats) => Promise<void> | void,
  opts: { count?: number; worthParsing?: (raw: string) => boolean } = {},
): Promise<ScanStats> {
  const { count = SCAN_COUNT, worthParsing } = opts;
  const stats: ScanStats = { scanned: 0, unreadable: 0 };
  await scanLogged(
    redis,
    prefix,
    store,
    async (entries) => {
      for (const { id, raw } of entries) {
        if (worthParsing && !worthParsing(raw)) continue;
        let event: PulseEvent;
        try {
          event = decodeLogged(raw, id, store);
        } catch {
          stats.unreadable++;
          continue;
        }
        if (typeof event !== 'object' || event === null || typeof event.type !== 'string') stats.unreadable++;
        else visit(event);
      }
      stats.scanned += entries.length;
      await onChunk?.(stats);
      await yieldToEventLoop();
    },
    { count },
  );
  return stats;
}
