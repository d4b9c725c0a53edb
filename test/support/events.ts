/** Builders for test events: terse, valid by construction, times given as ISO strings. */
import type { EventOf, EventType, PulseEvent } from '../../domain/events.js';

let counter = 0;

type Fields<T extends EventType> = Omit<EventOf<T>, 'type' | 'id' | 'store' | 'at'> & { id?: string; store?: string };

export function ev<T extends EventType>(type: T, at: string, fields: Fields<T>): PulseEvent {
  const { id, store, ...rest } = fields as Fields<T> & Record<string, unknown>;
  return { id: id ?? `e${++counter}-${type}`, type, store: store ?? 'HZ01', at, ...rest } as PulseEvent;
}

/** Deterministic shuffle (mulberry32) so a failing order can be reproduced from its seed. */
export function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
