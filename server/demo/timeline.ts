/**
 * Time helpers of the demo: local days, opening hours, and the sink that turns planned moments
 * (epoch milliseconds) into events with a local RFC 3339 `at`.
 */
import { DateTime } from 'luxon';
import type { PulseEvent } from '../../domain/events.js';
import type { StoreProfile } from './dealership.js';
import { between, type Rng } from './random.js';

/** An event body before it is placed: every field but `store` and `at`. */
export type EventBody = PulseEvent extends infer E ? (E extends PulseEvent ? Omit<E, 'store' | 'at'> : never) : never;

export interface Timed {
  ms: number;
  event: PulseEvent;
}

/** `2026-11-23T14:05:00+08:00`: local time with its offset, as a dealer's system would send it. */
export function formatAt(ms: number, zone: string): string {
  const iso = DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });
  if (!iso) throw new Error(`cannot format ${ms} in ${zone}`);
  return iso;
}

/** Collects the planned events of one store. */
export class Sink {
  readonly items: Timed[] = [];
  constructor(readonly store: StoreProfile) {}

  add(ms: number, body: EventBody): void {
    // Whole seconds: what a DMS usually records, and `at` then round-trips exactly.
    const whole = Math.floor(ms / 1000) * 1000;
    const event = { ...body, store: this.store.code, at: formatAt(whole, this.store.timezone) } as PulseEvent;
    this.items.push({ ms: whole, event });
  }
}

export interface Day {
  store: StoreProfile;
  seed: number;
  /** Local midnight. */
  start: DateTime;
  /** `20261123`, for ids. */
  key: string;
  /** `2026-11`, for budgets and campaigns. */
  month: string;
  weekend: boolean;
}

export function dayOf(store: StoreProfile, seed: number, start: DateTime): Day {
  return { store, seed, start, key: start.toFormat('yyyyLLdd'), month: start.toFormat('yyyy-LL'), weekend: start.weekday >= 6 };
}

/** Epoch ms of a minute of the day (fractions become seconds). */
export const atMinute = (day: Day, minute: number): number => day.start.plus({ seconds: Math.round(minute * 60) }).toMillis();

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
export const hm = (h: number, m = 0): number => h * 60 + m;

const bump = (m: number, centre: number, width: number): number => Math.exp(-0.5 * ((m - centre) / width) ** 2);

/** Showroom traffic: a lunch peak and an after-work bump on weekdays; a long busy day at weekends. */
export const showroomWeight = (weekend: boolean) => (m: number): number =>
  weekend ? 1 + 0.9 * bump(m, hm(11), 80) + 0.9 * bump(m, hm(15), 90) : 1 + bump(m, hm(12, 15), 50) + 0.6 * bump(m, hm(18, 30), 45);

/** Workshop reception: most cars come in before 10:00, a second wave after lunch. */
export const serviceWeight = (m: number): number => 1 + 1.2 * bump(m, hm(9, 15), 45) + 0.6 * bump(m, hm(13, 45), 40);

/** A minute of the day between `open` and `close`, distributed as `weight` (rejection sampling). */
export function sampleMinute(rng: Rng, open: number, close: number, weight: (m: number) => number = () => 1): number {
  for (;;) {
    const m = between(rng, open, close);
    if (rng() * 2.2 < weight(m)) return m;
  }
}

/**
 * Moves a moment outside opening hours (minutes of the local day) to the next opening, spread over
 * its first two hours: calls and complaint handling wait for the staff to come in.
 */
export function inHours(rng: Rng, ms: number, zone: string, open = hm(9), close = hm(20)): number {
  const t = DateTime.fromMillis(ms, { zone });
  const m = t.hour * 60 + t.minute;
  if (m >= open && m < close) return ms;
  const base = (m < open ? t : t.plus({ days: 1 })).startOf('day');
  return base.plus({ seconds: Math.round((open + between(rng, 0, 120)) * 60) }).toMillis();
}
