/** Finds the customer named by an event in the log, masked for shared screens unless allowed. */
import type { RedisConn } from '../redis/connections.js';
import type { PulseEvent } from '../../domain/events.js';
import { maskFreeText, maskName, maskPhone } from '../../domain/masking.js';
import type { CustomerRef } from '../../domain/work-lists.js';
import { decodeLogged } from '../events/logged-event.js';
import { readLogged } from '../events/event-log.js';

export function customerRef(c: PulseEvent['customer'], pii: boolean): CustomerRef | undefined {
  if (!c) return undefined;
  const ref: CustomerRef = { id: c.id };
  if (c.name) ref.name = pii ? c.name : maskName(c.name);
  if (c.phone) ref.phone = pii ? c.phone : maskPhone(c.phone);
  return ref;
}

/** Free text an event carries (a complaint's summary), masked unless allowed; the event's own customer name too. */
export const customerText = (text: string, c: PulseEvent['customer'], pii: boolean): string =>
  pii ? text : maskFreeText(text, [c?.name]);

/** The logged events of these ids (null where unknown), in order. */
export async function loggedEvents(
  redis: RedisConn,
  prefix: string,
  store: string,
  ids: (string | null)[],
): Promise<(PulseEvent | null)[]> {
  const known = ids.filter((i): i is string => !!i);
  if (!known.length) return ids.map(() => null);
  const raw = await readLogged(redis, prefix, store, known);
  const byId = new Map(known.map((id, j) => [id, raw[j] ? decodeLogged(raw[j]!, id, store) : null]));
  return ids.map((id) => (id ? (byId.get(id) ?? null) : null));
}
