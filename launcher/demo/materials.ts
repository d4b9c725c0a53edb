/**
 * Stock of promotional materials (宣传物料) and workshop parts (物料, 库存预警). Units go out as the
 * day's occasions happen — a brochure at a first visit, a gift at a test drive, posters and roll-up
 * banners at a weekend roadshow, a model car and service coupons at a handover, a filter at a
 * maintenance job — and the group's material centre tops up one item of each store a day, in turn.
 *
 * A top-up is sized from the plan of the days ahead (the centre knows the store's forecast): it
 * brings the item to its reorder level plus what will be issued until a little less than two days
 * before its next top-up. So at any moment one or two items of a store are at or below their level
 * — the one topped up tomorrow, and from the afternoon the one after it — and the rest are fine.
 *
 * With X the moment an item reaches its level before its next top-up, its stock at any moment t is
 * `reorderLevel + (units issued between t and X)`, and each top-up is what is issued between one X
 * and the next (give or take a unit to spare, see `crossing`). The books open on the 1st of the
 * month the demo starts in, the moment the back-fill starts from; each month's close is counted
 * (月末盘点) against them, and a few items are found off.
 */
import { DateTime } from 'luxon';
import { MATERIALS, itemIdOf, type MaterialItem, type Occasion, type StoreProfile } from './dealership.js';
import { between, chance, hashSeed, intBetween, rngFor, shuffle } from './random.js';
import { DAY, MINUTE, atMinute, dayOf, hm, type Day, type Sink } from './timeline.js';

/** Something that happened and makes stock move out. */
export interface OccasionAt {
  ms: number;
  /** The id of what happened (a visit, lead, test drive, order or repair order): issues are named after it. */
  id: string;
  kind: Occasion;
}

interface Issue {
  ms: number;
  itemId: string;
  units: number;
  id: string;
}

const HOUR_MS = 3_600_000;

/** Whole seconds, as the sink records them, so that what is planned here is what is sent. */
const toSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** Days since 1970-01-01 of a local date: the restock rotation runs on the calendar. */
const dayNumber = (d: DateTime): number => Math.round(Date.UTC(d.year, d.month - 1, d.day) / DAY);

export class StockPlan {
  private readonly issues = new Map<string, Issue[]>();
  private readonly days = new Map<number, Day>();
  private readonly cycle = MATERIALS.length;
  private readonly phase: number;

  /**
   * @param occasionsOf what happens on a (plan) day: some of it lands on later days (handovers).
   * @param reachBackDays how many days before a moment a plan-day can still issue at that moment.
   */
  constructor(
    private readonly store: StoreProfile,
    private readonly seed: number,
    private readonly occasionsOf: (day: Day) => OccasionAt[],
    private readonly reachBackDays: number,
  ) {
    this.phase = hashSeed(store.code, 'restock') % this.cycle;
  }

  /** The day's issues and the day's top-up. */
  plan(day: Day, sink: Sink): void {
    for (const issue of this.issuesOf(day)) {
      sink.add(issue.ms, { id: issue.id, type: 'material.moved', itemId: issue.itemId, quantity: -issue.units });
    }
    const item = this.itemRestockedOn(day);
    const itemId = itemIdOf(this.store.code, item);
    const [last, next] = [this.crossing(item, day), this.crossing(item, this.dayAfter(day, this.cycle))];
    const quantity = this.issued(itemId, last.at, next.at) + next.spare - last.spare;
    const at = this.restock(item, day).ms;
    if (quantity > 0) sink.add(at, { id: `${itemId}-${day.key}.received`, type: 'material.moved', itemId, quantity });
  }

  /** The books' opening at `at` (a local midnight): what each item holds then. */
  opening(at: DateTime, sink: Sink): void {
    for (const item of MATERIALS) {
      const itemId = itemIdOf(this.store.code, item);
      const quantity = this.bookAt(item, at);
      const id = `${itemId}-${at.toFormat('yyyyLLdd')}.opening`;
      if (quantity > 0) sink.add(at.toMillis(), { id, type: 'material.moved', itemId, quantity });
    }
  }

  /**
   * The month-end stocktake (月末盘点) closing the month before `at` (a 1st, local midnight): every
   * item counted, most as the books say; one or two a month are off by a few units — a box of
   * brochures gone to a roadshow unbooked, gifts taken, more rarely a carton found (盘盈).
   */
  count(at: DateTime, sink: Sink): void {
    const closed = at.minus({ days: 1 }).toFormat('yyyyLL');
    const rng = rngFor(this.seed, this.store.code, closed, 'stocktake');
    const off = new Set(shuffle(rng, [...MATERIALS]).slice(0, intBetween(rng, 1, 2)));
    for (const item of MATERIALS) {
      const itemId = itemIdOf(this.store.code, item);
      const book = this.bookAt(item, at);
      const diff = off.has(item) ? (chance(rng, 0.8) ? -intBetween(rng, 1, 3) : intBetween(rng, 1, 2)) : 0;
      const counted = Math.max(0, book + diff);
      sink.add(at.toMillis(), { id: `${itemId}-${closed}.counted`, type: 'material.counted', itemId, counted });
    }
  }

  /**
   * The item's stock on the books at a local midnight: its reorder level plus what goes out until
   * it reaches that level before its next top-up (see the top of the file).
   */
  private bookAt(item: MaterialItem, at: DateTime): number {
    let next = this.dayNo(dayNumber(at));
    while (this.itemRestockedOn(next) !== item) next = this.dayAfter(next, 1);
    const crossing = this.crossing(item, next);
    return item.reorderLevel + crossing.spare + this.issued(itemIdOf(this.store.code, item), at.toMillis(), crossing.at);
  }

  /** One item a day, in turn; each store starts the rotation at its own place. */
  itemRestockedOn(day: Day): MaterialItem {
    const i = (((-dayNumber(day.start) - this.phase) % this.cycle) + this.cycle) % this.cycle;
    return MATERIALS[i]!;
  }

  /** When the item is topped up on its day, and about when it should reach its reorder level before that. */
  private restock(item: MaterialItem, day: Day): { ms: number; aim: number } {
    const rng = rngFor(this.seed, itemIdOf(this.store.code, item), day.key, 'restock');
    const ms = toSecond(atMinute(day, between(rng, hm(9), hm(11))));
    return { ms, aim: ms - between(rng, 1.6, 1.9) * DAY };
  }

  /**
   * The moment X the item reaches its reorder level before its top-up on `day`: just after the first
   * issue from the aimed moment on. An item that goes out in lumps (banners at a weekend roadshow)
   * would otherwise sit at its level from its last lump, days before the top-up. When nothing goes
   * out for days, the top-up leaves one unit to spare, and the item is not low this time round.
   */
  private crossing(item: MaterialItem, day: Day): { at: number; spare: number } {
    const itemId = itemIdOf(this.store.code, item);
    const restock = this.restock(item, day);
    // On the busiest days (Golden Week) the level would not last to the top-up: aim later, so it does.
    let aim = restock.aim;
    while (aim < restock.ms - 6 * HOUR_MS && this.issued(itemId, aim, restock.ms) >= item.reorderLevel) aim += 2 * HOUR_MS;
    const issues = this.issuesBetween(itemId, aim, aim + 3 * DAY);
    if (!issues.length) return { at: toSecond(aim), spare: 1 };
    return { at: Math.min(...issues.map((issue) => issue.ms)) + 1, spare: 0 };
  }

  /** Units of the item issued with `from ≤ at < to`; negative when `to` comes first. */
  private issued(itemId: string, from: number, to: number): number {
    if (to < from) return -this.issued(itemId, to, from);
    return this.issuesBetween(itemId, from, to).reduce((sum, issue) => sum + issue.units, 0);
  }

  private issuesBetween(itemId: string, from: number, to: number): Issue[] {
    const found: Issue[] = [];
    const zone = this.store.timezone;
    const last = dayNumber(DateTime.fromMillis(to, { zone }));
    for (let n = dayNumber(DateTime.fromMillis(from, { zone })) - this.reachBackDays; n <= last; n++) {
      for (const issue of this.issuesOf(this.dayNo(n))) {
        if (issue.itemId === itemId && issue.ms >= from && issue.ms < to) found.push(issue);
      }
    }
    return found;
  }

  /** What a plan-day's occasions take out of stock; weekend roadshows (外展) take posters and banners. */
  private issuesOf(day: Day): Issue[] {
    const cached = this.issues.get(day.key);
    if (cached) return cached;
    const { code } = this.store;
    const rng = rngFor(this.seed, code, day.key, 'materials');
    const occasions = [...this.occasionsOf(day)];
    if (day.weekend) occasions.push({ ms: atMinute(day, hm(9, 30)), id: `${code}-rs-${day.key}`, kind: 'roadshow' });
    const issues: Issue[] = [];
    for (const occasion of occasions) {
      for (const item of MATERIALS) {
        const use = item.uses[occasion.kind];
        if (use === undefined) continue;
        const units = Math.floor(use) + (chance(rng, use - Math.floor(use)) ? 1 : 0);
        if (units === 0) continue;
        const after = occasion.kind === 'service' ? between(rng, 15, 45) : between(rng, 1, 12);
        issues.push({
          ms: toSecond(occasion.ms + after * MINUTE),
          itemId: itemIdOf(code, item),
          units,
          id: `${occasion.id}-${item.key}.issued`,
        });
      }
    }
    this.issues.set(day.key, issues);
    return issues;
  }

  private dayAfter(day: Day, days: number): Day {
    return this.dayNo(dayNumber(day.start) + days);
  }

  /** The local day of a day number, made once: luxon's calendar maths is slow. */
  private dayNo(n: number): Day {
    let day = this.days.get(n);
    if (!day) {
      const date = new Date(n * DAY);
      const local = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      day = dayOf(this.store, this.seed, DateTime.fromObject(local, { zone: this.store.timezone }));
      this.days.set(n, day);
    }
    return day;
  }
}
