/**
 * Folds a store's events, in any order and with repeats, into one value and last activity per
 * customer (客户价值). Pure: the scanner feeds it the log, tests feed it lists.
 *
 * The fold sees the store as of `now`: events dated after `now` are left out, except
 * cancellations, which apply whatever their date and whatever their arrival order.
 * - Orders: one per `orderId`, from its latest `order.signed` up to `now` (then the greater event
 *   id: where copies disagree the latest stands, kpis-operations.md), with that event's amount and
 *   customer; it counts when that signing is within [now − 730 d, now] and no `order.cancelled`
 *   names the order (the cancellation needs no customer).
 * - Repairs: one per `roId`, from its earliest `repair.closed` (then the smaller event id) likewise
 *   (never cancelled).
 * - Activity: `order.signed` (cancelled or not), `repair.opened`, `repair.closed` and
 *   `showroom.visit` carrying the customer; the latest one is the customer's last activity.
 * - Customers: every `customer.id` seen on any event; name and phone each from the latest event
 *   (by `at`, then the larger event id) that carries it.
 *
 * A log may hold millions of events, so the state is kept in columns (arrays of numbers indexed
 * by customer, order or repair) rather than an object each: the heap stays small and the garbage
 * collector has little to walk.
 */
import { toFen, type PulseEvent } from '../../domain/events.js';
import { DAY_MS, VALUE_DAYS, type CustomerValue } from '../../core/segments/classify.js';

export interface CustomerAggregate extends CustomerValue {
  id: string;
  name?: string;
  phone?: string;
}

/** Customers in first-seen order, as columns. `lastActivity` is -Infinity when there is none. */
export interface FoldResult {
  ids: string[];
  valueFen: number[];
  lastActivity: number[];
  names: (string | undefined)[];
  phones: (string | undefined)[];
}

export function aggregateAt(r: FoldResult, i: number): CustomerAggregate {
  const last = r.lastActivity[i]!;
  const agg: CustomerAggregate = { id: r.ids[i]!, valueFen: r.valueFen[i]!, lastActivity: last === -Infinity ? null : last };
  if (r.names[i] !== undefined) agg.name = r.names[i];
  if (r.phones[i] !== undefined) agg.phone = r.phones[i];
  return agg;
}

/**
 * Whether a logged event can matter to the fold: it names a customer or cancels an order. Parsing
 * only those saves most of the work on a log of callbacks, complaints, spend… An event logged as
 * its JSON (core/events/logged-event.ts): inside a JSON string a quote is escaped, so `"customer"`
 * there is always the field name. A compact entry is short and parsed whatever it holds.
 */
export const worthParsing = (raw: string): boolean =>
  raw[0] === '[' || raw.includes('"customer"') || raw.includes('order.cancelled');

/** Slot of a repair whose earliest event is before the window: it can never count. */
const BEFORE_WINDOW = -1;

/**
 * Orders or repairs, one slot each: the counted event's time, id, fen and customer — the earliest
 * event of a repair, the latest of an order (`latest`).
 */
class CountedRecords {
  readonly slots = new Map<string, number>();
  readonly at: number[] = [];
  readonly eid: string[] = [];
  readonly fen: number[] = [];
  /** Customer index, -1 when the counted event carries no customer. */
  readonly customer: number[] = [];

  constructor(
    private readonly from: number,
    private readonly latest = false,
  ) {}

  add(id: string, at: number, eid: string, fen: number, customer: number): void {
    if (at < this.from && !this.latest) {
      // The earliest event is at least this old, so the repair is outside the window.
      this.slots.set(id, BEFORE_WINDOW);
      return;
    }
    let slot = this.slots.get(id);
    if (slot === BEFORE_WINDOW) return;
    if (slot === undefined) {
      slot = this.at.length;
      this.slots.set(id, slot);
    } else {
      const curAt = this.at[slot]!;
      const curEid = this.eid[slot]!;
      const kept = this.latest ? curAt > at || (curAt === at && curEid >= eid) : curAt < at || (curAt === at && curEid <= eid);
      if (kept) return;
    }
    this.at[slot] = at;
    this.eid[slot] = eid;
    this.fen[slot] = fen;
    this.customer[slot] = customer;
  }

  /** Adds each counted amount to its customer's value, leaving out the ids in `skip`. */
  credit(value: number[], skip?: Set<string>): void {
    for (const [id, slot] of this.slots) {
      // An order's latest copy may stand before the window.
      if (slot === BEFORE_WINDOW || skip?.has(id) || this.at[slot]! < this.from) continue;
      const c = this.customer[slot]!;
      if (c >= 0) value[c]! += this.fen[slot]!;
    }
  }
}

const ACTIVITY = new Set<PulseEvent['type']>(['order.signed', 'repair.opened', 'repair.closed', 'showroom.visit']);

export class CustomerValueFold {
  private readonly orders: CountedRecords;
  private readonly repairs: CountedRecords;
  private readonly cancelled = new Set<string>();
  private readonly index = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly lastActivity: number[] = [];
  private readonly names: (string | undefined)[] = [];
  private readonly nameAt: number[] = [];
  private readonly nameEid: string[] = [];
  private readonly phones: (string | undefined)[] = [];
  private readonly phoneAt: number[] = [];
  private readonly phoneEid: string[] = [];

  constructor(
    private readonly now: number,
    valueDays = VALUE_DAYS,
  ) {
    const from = now - valueDays * DAY_MS;
    this.orders = new CountedRecords(from, true);
    this.repairs = new CountedRecords(from);
  }

  add(e: PulseEvent): void {
    if (e.type === 'order.cancelled') this.cancelled.add(e.orderId);
    const at = Date.parse(e.at);
    if (!(at <= this.now)) return; // later than now, or unreadable
    const c = e.customer?.id === undefined ? -1 : this.contact(e.customer, at, e);
    if (c >= 0 && ACTIVITY.has(e.type) && at > this.lastActivity[c]!) this.lastActivity[c] = at;
    if (e.type === 'order.signed') this.orders.add(e.orderId, at, e.id, toFen(e.amount), c);
    else if (e.type === 'repair.closed') this.repairs.add(e.roId, at, e.id, toFen(e.amount), c);
  }

  result(): FoldResult {
    const valueFen = this.ids.map(() => 0);
    this.orders.credit(valueFen, this.cancelled);
    this.repairs.credit(valueFen);
    return { ids: this.ids, valueFen, lastActivity: this.lastActivity, names: this.names, phones: this.phones };
  }

  /** Registers the customer, keeps its latest name and phone; returns its index. */
  private contact(customer: NonNullable<PulseEvent['customer']>, at: number, e: PulseEvent): number {
    let c = this.index.get(customer.id);
    if (c === undefined) {
      c = this.ids.length;
      this.index.set(customer.id, c);
      this.ids.push(customer.id);
      this.lastActivity.push(-Infinity);
      this.names.push(undefined);
      this.nameAt.push(-Infinity);
      this.nameEid.push('');
      this.phones.push(undefined);
      this.phoneAt.push(-Infinity);
      this.phoneEid.push('');
    }
    const later = (curAt: number, curEid: string) => at > curAt || (at === curAt && e.id > curEid);
    if (customer.name !== undefined && later(this.nameAt[c]!, this.nameEid[c]!)) {
      this.names[c] = customer.name;
      this.nameAt[c] = at;
      this.nameEid[c] = e.id;
    }
    if (customer.phone !== undefined && later(this.phoneAt[c]!, this.phoneEid[c]!)) {
      this.phones[c] = customer.phone;
      this.phoneAt[c] = at;
      this.phoneEid[c] = e.id;
    }
    return c;
  }
}
