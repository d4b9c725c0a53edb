/**
 * Which events of a request their store has already recorded, and whether with the same body: one
 * pipeline per store on its event log (core/events/event-log.ts), the stores' sent together. Read at ingest to tell the sender what was new; the log itself, written by the
 * workers, stays the idempotency check.
 */
import type { PulseEvent } from '../../domain/events.js';
import { sameBody } from '../../domain/event-identity.js';
import type { RedisConn } from '../redis/connections.js';
import { decodeLogged } from '../events/logged-event.js';
import { readLogged } from '../events/event-log.js';

/** no: not recorded yet; same: recorded with this body; different: recorded with another body. */
export type Recorded = 'no' | 'same' | 'different';

export async function recordedAs(redis: RedisConn, prefix: string, events: readonly PulseEvent[]): Promise<Recorded[]> {
  const byStore = new Map<string, number[]>();
  events.forEach((e, i) => {
    const list = byStore.get(e.store);
    if (list) list.push(i);
    else byStore.set(e.store, [i]);
  });
  const out = new Array<Recorded>(events.length);
  // One round trip per store, the stores together (on a Cluster each store's on its own slot).
  await Promise.all(
    [...byStore].map(async ([store, indexes]) => {
      const values = await readLogged(
        redis,
        prefix,
        store,
        indexes.map((i) => events[i]!.id),
      );
      indexes.forEach((i, j) => {
        const raw = values[j] ?? null;
        const e = events[i]!;
        out[i] = raw === null ? 'no' : sameBody(decodeLogged(raw, e.id, e.store), e) ? 'same' : 'different';
      });
    }),
  );
  return out;
}
