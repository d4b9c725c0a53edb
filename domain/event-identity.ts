/**
 * An event's identity: its id within its store (docs/events.md, "Idempotency"). The same id again
 * for the same store is the same event and changes nothing, whatever its body; the same id in two
 * stores is two events (each store's log is its own idempotency check, in the store's Redis slot).
 * One rule for the JSON API, the CSV import and the check against what a store already recorded.
 */

/** The key of an event's identity (store codes and ids hold no space). */
export const identityOf = (e: { store: string; id: string }): string => `${e.store} ${e.id}`;

/** JSON with every object's keys sorted: two bodies compare as data, whatever the order of their fields. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export const sameBody = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

/** The answer to a repeat with another body, within one request or file. `first` names where the id was first. */
export const differentBodyMessage = (first: string) => `repeats the id of ${first} with a different body`;

/** The warning for an event whose id its store recorded before with another body (accepted, ignored). */
export const RECORDED_WITH_ANOTHER_BODY =
  'was recorded before with a different body: this event changes nothing (a correction needs a new id)';

/** What an event is against the ones before it in the same request or file; `first` is where its id came first. */
export type Occurrence<P> = { kind: 'first' } | { kind: 'duplicate'; first: P } | { kind: 'conflict'; first: P };

/**
 * The events of one request or file by identity, as they come: a repeat with the same body is a
 * duplicate (counted once), a repeat with another body a conflict (refused, as the sender meant
 * two different things by one id).
 */
export class FirstOccurrences<P> {
  private readonly seen = new Map<string, { at: P; event: { store: string; id: string } }>();

  /** The bodies are compared only when an id comes again: most ids come once, and a body's canonical JSON costs. */
  see(event: { store: string; id: string }, at: P): Occurrence<P> {
    const key = identityOf(event);
    const first = this.seen.get(key);
    if (!first) {
      this.seen.set(key, { at, event });
      return { kind: 'first' };
    }
    return { kind: sameBody(first.event, event) ? 'duplicate' : 'conflict', first: first.at };
  }
}
