/**
 * Time helpers of the demo: local days, opening hours, and the sink that turns planned moments
 * (epoch milliseconds) into events with a local RFC 3339 `at`.
 */
import { DateTime } from 'luxon';
import type { PulseEvent } from '../../domain/events.js';
import type { StoreProfile } from './dealership.js';
import { between, type Rng } from './random.js';
import { volumeLevel, type DayLevel } from './season.js';

/** An event body before it is placed: every field but `store` and `at`. */
export type EventBody = PulseEvent extends infer E ? (E extends PulseEvent ? Omit<E, 'store' | 'at'> : never) : never;

const offsets = new Map<string, number>();
/**
 * The zone's UTC offset (ms) at a moment, looked up once per zone and hour: asking Intl (through
 * luxon) for every event would make a month of events take seconds.
 */
function offsetMs(zone: string, ms: number): number {
  const key = `${zone}|${Math.floor(ms / HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = DateTime.fromMillis(ms, { zone }).offset * MINUTE;
    offsets.set(key, offset);
  }
  return offset;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `2026-11-23T14:05:00+08:00`: local time with its offset, as a dealer's system would send it. */
export function formatAt(ms: number, zone: string): string {
  const offset = offsetMs(zone, ms);
  const local = new Date(ms + offset).toISOString().slice(0, 19);
  const minutes = Math.abs(offset) / MINUTE;
  return `${local}${offset < 0 ? '-' : '+'}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** Collects the planned events of one store; `at` is formatted only for those that are kept. */
export class Sink {
  private readonly planned: { ms: number; body: EventBody }[] = [];
  constructor(readonly store: StoreProfile) {}

  add(ms: number, body: EventBody): void {
    // Whole seconds: what a DMS usually records, and `at` then round-trips exactly.
    this.planned.push({ ms: Math.floor(ms / 1000) * 1000, body });
  }

  /**
   * The events with `from ≤ at < until` (and that `keep` keeps, given the body and its moment),
   * ordered by time (then id, so that the order is stable).
   */
  events(from: number, until: number, keep?: (body: EventBody) => boolean): PulseEvent[] {
    const { code, timezone } = this.store;
    return this.planned
      .filter((p) => p.ms >= from && p.ms < until && (!keep || keep(p.body)))
      .sort((a, b) => a.ms - b.ms || (a.body.id < b.body.id ? -1 : 1))
      .map((p) => ({ ...p.body, store: code, at: formatAt(p.ms, timezone) }) as PulseEvent);
  }
}

export interface Day {
  store: StoreProfile;
  seed: number;
  /** Local midnight. */
  start: DateTime;
  startMs: number;
  /** `20261123`, for ids. */
  key: string;
  /** `2026-11`, for budgets and campaigns. */
  month: string;
  weekend: boolean;
  /** How busy the day is against the base volumes (season, holidays, growth, the week). */
  level: DayLevel;
}

export function dayOf(store: StoreProfile, seed: number, start: DateTime): Day {
  return {
    store,
    seed,
    start,
    startMs: start.toMillis(),
    key: start.toFormat('yyyyLLdd'),
    month: start.toFormat('yyyy-LL'),
    weekend: start.weekday >= 6,
    level: volumeLevel(store, seed, start),
  };
}

/**
 * Epoch ms of a minute of the day (fractions become seconds), counted from local midnight — which
 * is the wall clock except on a daylight-saving change day, close enough for a simulation. Plain
 * arithmetic: luxon's calendar maths is too slow for a month of events.
 */
export const atMinute = (day: Day, minute: number): number => day.startMs + Math.round(minute * 60) * 1000;

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const MINUTE = 60_000;
export const hm = (h: number, m = 0): number => h * 60 + m;

const bump = (m: number, centre: number, width: number): number => Math.exp(-0.5 * ((m - centre) / width) ** 2);

/** Showroom traffic: a lunch peak and an after-work bump on weekdays; a long busy day at weekends. */
export const showroomWeight =
  (weekend: boolean) =>
  (m: number): number =>
    weekend
      ? 1 + 0.9 * bump(m, hm(11), 80) + 0.9 * bump(m, hm(15), 90)
      : 1 + bump(m, hm(12, 15), 50) + 0.6 * bump(m, hm(18, 30), 45);

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
  const sinceMidnight = (((ms + offsetMs(zone, ms)) % DAY) + DAY) % DAY;
  const m = sinceMidnight / MINUTE;
  if (m >= open && m < close) return ms;
  const midnight = ms - sinceMidnight + (m < open ? 0 : DAY);
  return midnight + Math.round((open + between(rng, 0, 120)) * 60) * 1000;
}
