/**
 * Which events of a request their store has already recorded, and whether with the same body: one
 * HMGET per store on its event log, all in one round trip (on a Cluster, one pipeline per store,
 * sent together). Read at ingest to tell the sender what was new; the log itself, written by the
 * workers, stays the idempotency check.
 */
import type { PulseEvent } from '../../domain/events.js';
import { sameBody } from '../../domain/event-identity.js';
import type { RedisConn } from '../redis/connections.js';
import { pipelineByGroup } from '../redis/exec.js';
import { storeKeys } from '../redis/keys.js';
import { decodeLogged } from '../events/logged-event.js';

/** no: not recorded yet; same: recorded with this body; different: recorded with another body. */
export type Recorded = 'no' | 'same' | 'different';

export async function recordedAs(redis: RedisConn, prefix: string, events: readonly PulseEvent[]): Promise<Recorded[]> {
  const byStore = new Map<string, number[]>();
  events.forEach((e, i) => {
    const list = byStore.get(e.store);
    if (list) list.push(i);
    else byStore.set(e.store, [i]);
  });
  const groups = [...byStore];
  const answers = await pipelineByGroup(
    redis,
    groups,
    ([store]) => store,
    (p, [store, indexes]) => p.hmget(storeKeys(prefix, store).log, ...indexes.map((i) => events[i]!.id)),
  );
  const out = new Array<Recorded>(events.length);
  answers.forEach(([err, values], g) => {
    if (err) throw err;
    groups[g]![1].forEach((i, j) => {
      const raw = (values as (string | null)[])[j] ?? null;
      const e = events[i]!;
      out[i] = raw === null ? 'no' : sameBody(decodeLogged(raw, e.id, e.store), e) ? 'same' : 'different';
    });
  });
  return out;
}
