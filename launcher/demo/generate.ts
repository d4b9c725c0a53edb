/**
 * The demo dealership's day, as events. Pure: the same (store, seed, range, now) gives the same
 * events; nothing here reads the clock or does I/O.
 *
 * Each local day is planned on its own from a seed derived from (seed, store, day), including the
 * consequences that land on later days (a delivery a week after the order, a callback two days
 * after the repair, a slow complaint's resolution). A range is the union of the plans of the days
 * that can reach it, cut to the range — so any two ranges agree on the events they share.
 */
import { DateTime } from 'luxon';
import type { PulseEvent } from '../../domain/events.js';
import {
  COMPLAINT_SUMMARIES,
  HISTORY_CUSTOMERS,
  MEDIA_OUTLETS,
  MEDIA_TITLES,
  MODEL_WEIGHTS,
  campaignIdOf,
  customerOf,
  historyCustomerId,
  priceRangeOf,
  type Person,
  type StoreProfile,
} from './dealership.js';
import { budgetIn, inSample, keptInSample, readByReports, thingOf } from './plan-sample.js';
import { StockPlan, type OccasionAt } from './materials.js';
import { between, chance, intBetween, pick, rngFor, shuffle, toYuan2, weighted, type Rng } from './random.js';
import { COOP_REACH_MONTHS, planCoop } from './coop.js';
import { planSpend } from './spend.js';
import {
  DAY,
  HOUR,
  MINUTE,
  Sink,
  atMinute,
  dayOf,
  formatAt,
  hm,
  inHours,
  sampleMinute,
  serviceWeight,
  showroomWeight,
  type Day,
  type EventBody,
} from './timeline.js';
import { vinOf } from './vin.js';

/** Daily volumes per store (inclusive). Weekdays sit in the lower part, weekends in the upper. */
export const VOLUMES = {
  visits: [40, 80],
  leads: [30, 60],
  testDrives: [10, 20],
  orders: [4, 10],
  deliveries: [3, 8],
  repairs: [25, 45],
} as const;
/** Orders are delivered a week later (PDI, plates, insurance): a day's deliveries are a week-old day's orders. */
export const DELIVERY_LAG_DAYS = 7;
/** The furthest a day's plan reaches ahead (slow complaints, late callbacks) and back (bookings). */
const REACH_AHEAD_DAYS = 14;
const REACH_BACK_DAYS = 7;

export interface GenerateOptions {
  seed: number;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** Nothing later than this is returned. */
  now: number;
  /**
   * When the demo started: scripted budgets cross their thresholds after it, and the books of stock
   * open on the 1st of its month, where the back-fill starts, with last month's stocktake (盘点)
   * beside them; each month's close brings the next one. Defaults to `now`.
   */
  demoStart?: number;
  /**
   * The share of the plan kept (`plan-sample.ts`), every family and day alike; the demo runs
   * `DEMO_SHARE` for every month. 1, the default, is the whole plan.
   */
  share?: number;
  /**
   * Plan the days as history: only what the reports read, no stock moves. The same days planned
   * without it, at the same share, hold every event kept here.
   */
  history?: boolean;
}

/** The events of one store with `from ≤ at < to` and `at ≤ now`, ordered by `at`. */
export function generateStoreEvents(store: StoreProfile, opts: GenerateOptions): PulseEvent[] {
  const zone = store.timezone;
  const until = Math.min(opts.to, opts.now + 1);
  if (until <= opts.from) return [];
  const sink = new Sink(store);
  const first = DateTime.fromMillis(opts.from, { zone }).startOf('day').minus({ days: REACH_AHEAD_DAYS });
  const last = DateTime.fromMillis(until - 1, { zone })
    .startOf('day')
    .plus({ days: REACH_BACK_DAYS });
  // What happens each day also moves stock; the stock plan looks a little further back and ahead.
  // Only the things in the sample hand out material: stock moves at the scale of the visits.
  const share = opts.share ?? 1;
  const kept = (thing: string) => inSample(thing, opts.seed, share);
  const sampled = (list: OccasionAt[]) => (share >= 1 ? list : list.filter((o) => kept(thingOf(o.id))));
  const occasions = new Map<string, OccasionAt[]>();
  const occasionsOf = (day: Day): OccasionAt[] => {
    let known = occasions.get(day.key);
    if (!known) {
      const scratch = new Sink(store);
      known = sampled([...planSales(day, scratch), ...planService(day, scratch, kept)]);
      occasions.set(day.key, known);
    }
    return known;
  };
  const days: Day[] = [];
  for (let d = first; d <= last; d = d.plus({ days: 1 })) {
    const day = dayOf(store, opts.seed, d);
    days.push(day);
    occasions.set(day.key, sampled([...planSales(day, sink), ...planService(day, sink, kept)]));
    planMedia(day, sink);
  }
  if (!opts.history) {
    const stock = new StockPlan(store, opts.seed, occasionsOf, DELIVERY_LAG_DAYS + 1);
    for (const day of days) stock.plan(day, sink);
    const stockTake = DateTime.fromMillis(opts.demoStart ?? opts.now, { zone }).startOf('month');
    if (stockTake.toMillis() >= opts.from && stockTake.toMillis() < until) stock.opening(stockTake, sink);
    // The month-end stocktake (月末盘点) at every month's close from the books' opening on.
    for (let m = stockTake; m.toMillis() < until; m = m.plus({ months: 1 })) {
      if (m.toMillis() >= opts.from) stock.count(m, sink);
    }
  }
  // Spend is planned a month at a time: a budget is monthly. A co-op budget's claims, decisions and
  // payments follow its month by up to COOP_REACH_MONTHS, so the months before the range are planned
  // too (the sink keeps what falls in the range: a correction of last month's invoice, a payment).
  const firstMonth = DateTime.fromMillis(opts.from, { zone }).startOf('month');
  for (let m = firstMonth.minus({ months: COOP_REACH_MONTHS }); m.toMillis() < until; m = m.plus({ months: 1 })) {
    for (const plan of store.budgets) {
      const budget = budgetIn(plan, share);
      const spends = planSpend(sink, budget, m, opts.seed, opts.demoStart ?? opts.now);
      planCoop(sink, budget, m, spends, opts.seed);
    }
  }
  const keep = (e: EventBody) => keptInSample(e, opts.seed, share) && (!opts.history || readByReports(e));
  return sink.events(opts.from, until, share >= 1 && !opts.history ? undefined : keep);
}

/**
 * Where in a daily range a day falls: weekends high, busy stores higher, a little noise; then
 * scaled by the day's level (`season.ts`: the time of year, growth, the week).
 */
function dailyCount(rng: Rng, [lo, hi]: readonly [number, number], day: Day, level: number): number {
  const [a, b] = day.weekend ? [0.45, 1] : [0, 0.65];
  const u = ((rng() + rng()) / 2) * 0.7 + day.store.busy * 0.3;
  return Math.round((lo + (hi - lo) * (a + (b - a) * u)) * level);
}

const seq = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The `yyyyLLdd` keys of the days before a day, [1 day before, 2 days before, …] (calendar arithmetic). */
function keysBefore(day: Day, n: number): string[] {
  const { year, month, day: date } = day.start;
  return Array.from({ length: n }, (_, i) =>
    new Date(Date.UTC(year, month - 1, date - i - 1)).toISOString().slice(0, 10).replaceAll('-', ''),
  );
}

/** member.joined (入会) once per customer. */
const memberJoined = (person: Person): EventBody => ({ id: `${person.id}.member`, type: 'member.joined', customer: person });

/** What happened on the sales floor that moves stock: visits, event leads, test drives, handovers. */
function planSales(day: Day, sink: Sink): OccasionAt[] {
  const { store, key } = day;
  const rng = rngFor(day.seed, store.code, key, 'sales');
  const showroomAt = (open = hm(8, 30)) => atMinute(day, sampleMinute(rng, open, hm(20), showroomWeight(day.weekend)));
  const customer = (tag: string) => customerOf(day.seed, `${store.code}-cu-${key}-${tag}`);
  const hasBudget = (k: 'online' | 'show') => store.budgets.some((b) => b.key === k && b.campaign && !b.unconfigured);
  const occasions: OccasionAt[] = [];
  const lastDays = keysBefore(day, 10);
  /** A visitor who comes back: mostly a lead of the last ten days, sometimes a customer of earlier years. */
  const returning = (i: number): Person => {
    const r = rng();
    if (r < 0.1) return customerOf(day.seed, historyCustomerId(store.code, intBetween(rng, 1, HISTORY_CUSTOMERS)));
    if (r < 0.7) return customerOf(day.seed, `${store.code}-cu-${pick(rng, lastDays)}-l${intBetween(rng, 1, VOLUMES.leads[0])}`);
    return customer(`v${i}`);
  };

  for (let i = 1, n = dailyCount(rng, VOLUMES.visits, day, day.level.sales); i <= n; i++) {
    const firstVisit = chance(rng, 0.6);
    // Returning visitors are known to the CRM; first visits are counted at the door.
    const known = firstVisit ? {} : { customer: returning(i) };
    const id = `${store.code}-vs-${key}-${seq(i, 3)}`;
    const ms = showroomAt();
    sink.add(ms, { id, type: 'showroom.visit', firstVisit, ...known });
    occasions.push({ ms, id, kind: firstVisit ? 'firstVisit' : 'returnVisit' });
  }

  const leads: { leadId: string; ms: number; person: Person; campaignId?: string }[] = [];
  for (let i = 1, n = dailyCount(rng, VOLUMES.leads, day, day.level.sales); i <= n; i++) {
    const channel = weighted(rng, { walk_in: 35, phone: 20, web: 30, event: 8, referral: 7 });
    // Web forms arrive in the evening too; the rest come while the showroom is open.
    const ms =
      channel === 'walk_in'
        ? showroomAt()
        : atMinute(day, channel === 'web' ? between(rng, hm(7), hm(23)) : between(rng, hm(9), hm(20)));
    const campaign =
      channel === 'web' && hasBudget('online') ? 'online' : channel === 'event' && hasBudget('show') ? 'show' : undefined;
    const cited = campaign ? { campaignId: campaignIdOf(store.code, day.month, campaign) } : {};
    const lead = { leadId: `${store.code}-ld-${key}-${seq(i, 3)}`, ms, person: customer(`l${i}`), ...cited };
    leads.push(lead);
    sink.add(ms, { id: lead.leadId, type: 'lead.created', leadId: lead.leadId, channel, ...cited, customer: lead.person });
    if (channel === 'event') occasions.push({ ms, id: lead.leadId, kind: 'eventLead' });
  }

  for (let i = 1, n = dailyCount(rng, VOLUMES.testDrives, day, day.level.sales); i <= n; i++) {
    const ms = showroomAt(hm(9));
    const earlier = leads.filter((l) => l.ms < ms);
    const lead = earlier.length && chance(rng, 0.75) ? pick(rng, earlier) : undefined;
    const model = weighted(rng, MODEL_WEIGHTS);
    const known = lead ? { leadId: lead.leadId, customer: lead.person } : {};
    const id = `${store.code}-td-${key}-${seq(i)}`;
    sink.add(ms, { id, type: 'testdrive.completed', model, ...known });
    occasions.push({ ms, id, kind: 'testDrive' });
  }

  const orders = dailyCount(rng, VOLUMES.orders, day, day.level.sales);
  // Some orders fall through; never so few delivered that a week later falls under the range.
  const cancels = Math.max(orders - Math.round(VOLUMES.deliveries[1] * day.level.sales), chance(rng, 0.3) ? 1 : 0);
  const cancelled = new Set(
    shuffle(
      rng,
      Array.from({ length: orders }, (_, i) => i + 1),
    ).slice(0, cancels),
  );
  const buyers = shuffle(rng, [...leads]);
  for (let i = 1; i <= orders; i++) {
    const orderId = `${store.code}-or-${key}-${seq(i)}`;
    const ms = showroomAt(hm(10));
    const lead = buyers.pop();
    const person = lead?.person ?? customer(`o${i}`);
    const model = weighted(rng, MODEL_WEIGHTS);
    const [lo, hi] = priceRangeOf(model);
    const amount = Math.round(between(rng, lo, hi) / 100) * 100;
    const cited = lead?.campaignId ? { campaignId: lead.campaignId } : {};
    sink.add(ms, { id: `${orderId}.signed`, type: 'order.signed', orderId, model, amount, ...cited, customer: person });
    if (cancelled.has(i)) {
      const cancelledAt = inHours(rng, ms + between(rng, 1, 5) * DAY, store.timezone);
      sink.add(cancelledAt, { id: `${orderId}.cancelled`, type: 'order.cancelled', orderId, customer: person });
      continue;
    }
    const handover = dayOf(store, day.seed, day.start.plus({ days: DELIVERY_LAG_DAYS }));
    const deliveredAt = atMinute(handover, between(rng, hm(10), hm(17, 30)));
    planPostsale(rng, sink, orderId, ms, deliveredAt, person);
    const vin = vinOf(rng, day.start.year);
    sink.add(deliveredAt, { id: `${orderId}.delivered`, type: 'vehicle.delivered', orderId, model, vin, customer: person });
    occasions.push({ ms: deliveredAt, id: orderId, kind: 'delivery' });
    planCallbacks(rng, sink, 'sales', orderId, deliveredAt, person);
    if (chance(rng, 0.55)) planSurvey(rng, sink, 'sales', `${orderId}-svy`, deliveredAt, person);
    if (chance(rng, 0.6)) sink.add(deliveredAt + between(rng, 5, 40) * MINUTE, memberJoined(person));
  }
  return occasions;
}

/** The one-stop services after a sale (一条龙服务), each opened then done before the handover. */
function planPostsale(rng: Rng, sink: Sink, orderId: string, signedAt: number, deliveredAt: number, person: Person): void {
  const zone = sink.store.timezone;
  type Kind = 'insurance' | 'loan' | 'plate' | 'inspection' | 'pickup_notice';
  const task = (kind: Kind, openAt: number, doneAt: number, dueAt: number) => {
    const taskId = `${orderId}-${kind}`;
    const fields = { type: 'postsale.task', taskId, orderId, kind, dueAt: formatAt(dueAt, zone), customer: person } as const;
    sink.add(openAt, { id: `${taskId}.open`, ...fields, status: 'open' });
    // Done after it was opened, and before the car is handed over.
    const doneBy = Math.min(Math.max(doneAt, openAt + 30 * MINUTE), deliveredAt - 30 * MINUTE);
    sink.add(doneBy, { id: `${taskId}.done`, ...fields, status: 'done' });
  };
  const soon = (from: number, lo: number, hi: number) => inHours(rng, from + between(rng, lo, hi) * HOUR, zone);
  task('insurance', soon(signedAt, 0.5, 3), soon(signedAt, 24, 72), deliveredAt - DAY);
  if (chance(rng, 0.45)) task('loan', soon(signedAt, 1, 3), soon(signedAt, 48, 96), deliveredAt - 2 * DAY);
  task('plate', soon(signedAt, 24, 26), inHours(rng, deliveredAt - 1.5 * DAY, zone), deliveredAt - 12 * HOUR);
  task('inspection', deliveredAt - 2 * DAY, deliveredAt - DAY, deliveredAt - 6 * HOUR);
  task('pickup_notice', deliveredAt - 2 * DAY + HOUR, deliveredAt - 2 * DAY + between(rng, 2, 6) * HOUR, deliveredAt - DAY);
}

/**
 * Follow-up calls (回访) after a delivery or a repair: most reached at the first call within two
 * days; some need a second try; a few refuse, never answer or are called too late — the misses.
 */
function planCallbacks(
  rng: Rng,
  sink: Sink,
  kind: 'sales' | 'service',
  subjectId: string,
  subjectAt: number,
  person: Person,
): void {
  const zone = sink.store.timezone;
  let n = 0;
  const call = (ms: number, outcome: 'reached' | 'no_answer' | 'refused') => {
    const callbackId = `${subjectId}-cb${++n}`;
    const answer = outcome === 'reached' ? { satisfied: chance(rng, 0.92) } : {};
    sink.add(ms, {
      id: callbackId,
      type: 'callback.attempted',
      callbackId,
      kind,
      subjectId,
      outcome,
      ...answer,
      customer: person,
    });
    return ms;
  };
  const after = (from: number, lo: number, hi: number) => inHours(rng, from + between(rng, lo, hi) * HOUR, zone);
  const r = rng();
  if (r < 0.78) call(after(subjectAt, 2, 48), 'reached');
  else if (r < 0.88) call(after(call(after(subjectAt, 2, 30), 'no_answer'), 3, 30), 'reached');
  else if (r < 0.92) call(after(subjectAt, 4, 40), 'refused');
  else if (r < 0.96) call(after(call(after(subjectAt, 2, 30), 'no_answer'), 20, 30), 'no_answer');
  else call(after(subjectAt, 76, 100), 'reached');
}

function planSurvey(rng: Rng, sink: Sink, kind: 'sales' | 'service', surveyId: string, after: number, person: Person) {
  const happy = chance(rng, 0.85);
  const score = happy ? intBetween(rng, 85, 100) : intBetween(rng, 55, 84);
  const nps = happy ? intBetween(rng, 8, 10) : intBetween(rng, 3, 8);
  const ms = inHours(rng, after + between(rng, 20, 60) * HOUR, sink.store.timezone);
  sink.add(ms, { id: surveyId, type: 'survey.completed', surveyId, kind, score, nps, customer: person });
}

/**
 * The workshop's day; its maintenance jobs are what moves parts. `kept` says which repairs are in
 * the demo's sample: complaints are planned about those, so they stay 2–5 % of the visits shown.
 */
function planService(day: Day, sink: Sink, kept: (thing: string) => boolean): OccasionAt[] {
  const { store, key } = day;
  const zone = store.timezone;
  const rng = rngFor(day.seed, store.code, key, 'service');
  const booking = () => inHours(rng, atMinute(day, between(rng, hm(9), hm(19))) - intBetween(rng, 1, 6) * DAY, zone);
  const slotOf = (ms: number) => Math.floor(ms / (30 * MINUTE)) * 30 * MINUTE;
  const repairs: { roId: string; closedAt: number; person: Person }[] = [];
  const occasions: OccasionAt[] = [];
  const weeksBefore = keysBefore(day, 25).slice(2);
  /** Mostly new faces; some customers of earlier years, and a few cars back within weeks (返修). */
  const owner = (i: number): Person => {
    const r = rng();
    if (r < 0.08) return customerOf(day.seed, historyCustomerId(store.code, intBetween(rng, 1, HISTORY_CUSTOMERS)));
    if (r < 0.11)
      return customerOf(day.seed, `${store.code}-cu-${pick(rng, weeksBefore)}-r${intBetween(rng, 1, VOLUMES.repairs[0])}`);
    return customerOf(day.seed, `${store.code}-cu-${key}-r${i}`);
  };

  for (let i = 1, n = dailyCount(rng, VOLUMES.repairs, day, day.level.service); i <= n; i++) {
    const roId = `${store.code}-ro-${key}-${seq(i, 4)}`;
    const person = owner(i);
    const openedAt = atMinute(day, sampleMinute(rng, hm(8), hm(18), serviceWeight));
    // Booked ahead (预约) a day to a week before, for the half-hour slot the car arrives in.
    const appointmentId = chance(rng, store.appointmentShare) ? `${store.code}-ap-${key}-${seq(i, 3)}` : undefined;
    if (appointmentId) {
      const scheduledFor = formatAt(slotOf(openedAt), zone);
      const booked = { type: 'appointment.booked', appointmentId, scheduledFor, customer: person } as const;
      sink.add(booking(), { id: `${appointmentId}.booked`, ...booked });
    }
    const booked = appointmentId ? { appointmentId } : {};
    sink.add(openedAt, { id: `${roId}.opened`, type: 'repair.opened', roId, ...booked, customer: person });
    const maintenance = chance(rng, 0.6);
    const workHours = maintenance ? between(rng, 1, 3) : between(rng, 2, 7);
    // Cars not ready by 19:30 are finished the next morning.
    const closedAt = inHours(rng, openedAt + workHours * HOUR, zone, hm(8, 30), hm(19, 30));
    const amount = toYuan2(maintenance ? between(rng, 300, 1500) : 1500 + 6500 * rng() ** 2);
    sink.add(closedAt, { id: `${roId}.closed`, type: 'repair.closed', roId, amount, customer: person });
    repairs.push({ roId, closedAt, person });
    if (maintenance) occasions.push({ ms: openedAt, id: roId, kind: 'service' });
    planCallbacks(rng, sink, 'service', roId, closedAt, person);
    if (chance(rng, 0.2)) planSurvey(rng, sink, 'service', `${roId}-svy`, closedAt, person);
    // New faces may join the club (入会); a returning customer has had the chance before.
    const newFace = person.id === `${store.code}-cu-${key}-r${i}`;
    if (chance(rng, 0.08) && newFace) sink.add(closedAt - between(rng, 5, 30) * MINUTE, memberJoined(person));
  }

  // A few bookings are called off (appointment.cancelled) and never turn into a visit.
  for (let j = 1, n = intBetween(rng, 0, 3); j <= n; j++) {
    const appointmentId = `${store.code}-ap-${key}-x${j}`;
    const slot = slotOf(atMinute(day, between(rng, hm(8, 30), hm(17))));
    const bookedAt = booking();
    const scheduledFor = formatAt(slot, zone);
    sink.add(bookedAt, { id: `${appointmentId}.booked`, type: 'appointment.booked', appointmentId, scheduledFor });
    const cancelledAt = Math.min(inHours(rng, bookedAt + between(rng, 0.1, 0.9) * (slot - bookedAt), zone), slot - HOUR);
    sink.add(cancelledAt, { id: `${appointmentId}.cancelled`, type: 'appointment.cancelled', appointmentId });
  }

  // Complaints: 2–5 % of the day's service visits, those in the sample. Planned last, so that the
  // rest of the day is the same at any share.
  const visits = repairs.filter((r) => kept(r.roId));
  const complaints = Math.floor(visits.length * between(rng, 0.02, 0.05) + rng());
  for (let j = 1; j <= complaints; j++) {
    planComplaint(rng, sink, `${store.code}-cp-${key}-${seq(j)}`, pick(rng, visits));
  }
  return occasions;
}

function planComplaint(rng: Rng, sink: Sink, complaintId: string, repair: { closedAt: number; person: Person }): void {
  const zone = sink.store.timezone;
  const severity = weighted(rng, { low: 55, medium: 35, high: 10 });
  const category = weighted(rng, { service: 45, parts: 20, staff: 20, sales: 10, other: 5 });
  const channel = weighted(rng, { phone: 35, wechat: 30, walk_in: 15, survey: 10, media: 5, other: 5 });
  // The complaint desk works 08:30–21:00.
  const desk = (ms: number) => inHours(rng, ms, zone, hm(8, 30), hm(21));
  const openedAt = desk(repair.closedAt + between(rng, 0.5, 30) * HOUR);
  // One in seven is handled slowly: that is what the overdue figure is for.
  const slow = chance(rng, 0.15);
  const respondH =
    severity === 'high'
      ? slow
        ? between(rng, 5, 12)
        : between(rng, 0.3, 3)
      : slow
        ? between(rng, 26, 40)
        : between(rng, 0.5, 6);
  const resolveH = {
    low: slow ? between(rng, 125, 200) : between(rng, 12, 96),
    medium: slow ? between(rng, 78, 140) : between(rng, 6, 60),
    high: slow ? between(rng, 26, 60) : between(rng, 3, 18),
  }[severity];
  const respondedAt = desk(openedAt + respondH * HOUR);
  const resolvedAt = Math.max(desk(openedAt + resolveH * HOUR), respondedAt + 30 * MINUTE);
  const customer = repair.person;
  const summary = pick(rng, COMPLAINT_SUMMARIES[category]);
  const opened = { type: 'complaint.opened', complaintId, channel, category, severity, summary, customer } as const;
  sink.add(openedAt, { id: `${complaintId}.opened`, ...opened });
  sink.add(respondedAt, { id: `${complaintId}.responded`, type: 'complaint.responded', complaintId, customer });
  sink.add(resolvedAt, { id: `${complaintId}.resolved`, type: 'complaint.resolved', complaintId, customer });
}

/** Press and social posts about the store (rarely negative). */
function planMedia(day: Day, sink: Sink): void {
  const { store, key } = day;
  const rng = rngFor(day.seed, store.code, key, 'media');
  for (let i = 1, n = Number(weighted(rng, { '0': 40, '1': 40, '2': 20 })); i <= n; i++) {
    const sentiment = weighted(rng, { positive: 40, neutral: 52, negative: 8 });
    const title = pick(rng, MEDIA_TITLES[sentiment])
      .replace('{store}', store.name)
      .replace('{model}', weighted(rng, MODEL_WEIGHTS));
    const mentionId = `${store.code}-md-${key}-${i}`;
    const outlet = pick(rng, MEDIA_OUTLETS);
    sink.add(atMinute(day, between(rng, hm(8), hm(23))), {
      id: mentionId,
      type: 'media.mention',
      mentionId,
      sentiment,
      outlet,
      title,
    });
  }
}
