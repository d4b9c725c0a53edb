/**
 * A store's daily counts as one flat vector per day, and their sum over the month, worked out once
 * per read of the store (kept with its parts, which are never changed once read). The group then
 * sums hundreds of stores with plain additions into a few vectors instead of building an object per
 * store and day. Sums run in the same order as summing the objects would (store by store, day by
 * day), so the non-integer ones (survey scores) come out the same to the last bit. Pure.
 */
import type { CallbackCounts } from './rates.js';
import type { DayCounts, StoreParts } from './read-store.js';
import { LEAD_CHANNELS, POSTSALE_KINDS } from '../../domain/events.js';
import type { LeadChannel, PostsaleKind } from '../../domain/kpis.js';
import { NO_SURVEYS, type OpsDay, type OpsParts, type SurveyAgg } from './read-operations.js';

/** Offsets in a day vector. */
const SALES = 0; // subjects, met, due, dueMet
const SERVICE = 4;
const REPAIRS = 8;
const BOOKED = 9;
const VISITS = 10;
const FIRST_VISITS = 11;
const LEADS = 12;
const TEST_DRIVES = 13;
const DELIVERIES = 14;
const ORDERS = 15;
const ORDER_FEN = 16;
const SALES_SURVEYS = 17; // count, scoreSum, npsCount, promoters, detractors
const SERVICE_SURVEYS = 22;
const SPEND_FEN = 27;
/** Numbers per day. */
export const N = 28;

export interface StoreSums {
  /** The local dates of the store's days, in order: consecutive days from the 1st of its month. */
  dates: string[];
  /** The first date as a day number (days since 1970-01-01): day i is firstDay + i. */
  firstDay: number;
  /** N numbers per day, day after day. */
  days: Float64Array;
  /** The days summed in order, from zero. */
  month: Float64Array;
  /** The store's other counts (OpsScalars), S numbers. */
  scalars: Float64Array;
}

/** The operations-centre counts that are not per day: summed over stores like the days. */
export type OpsScalars = Pick<OpsParts, 'leadsByChannel' | 'media' | 'members' | 'showRate' | 'postsale'>;

const WINDOWS = ['today', 'month'] as const;
/** Numbers of OpsScalars: lead channels, media and show rate per window; members; 一条龙 services per kind; those done per window. */
export const S = 2 * LEAD_CHANNELS.length + 2 * 2 + 2 * 2 + 3 + 2 * POSTSALE_KINDS.length + 2;

function scalarsOf(ops: OpsParts): Float64Array {
  const v = new Float64Array(S);
  let o = 0;
  for (const w of WINDOWS) for (const c of LEAD_CHANNELS) v[o++] = ops.leadsByChannel[w][c];
  for (const w of WINDOWS) {
    v[o++] = ops.media[w].total;
    v[o++] = ops.media[w].negative;
    v[o++] = ops.showRate[w].shown;
    v[o++] = ops.showRate[w].scheduled;
  }
  v[o++] = ops.members.total;
  v[o++] = ops.members.today;
  v[o++] = ops.members.month;
  for (const kind of POSTSALE_KINDS) {
    v[o++] = ops.postsale.byKind[kind].open;
    v[o++] = ops.postsale.byKind[kind].overdue;
  }
  v[o++] = ops.postsale.doneToday;
  v[o++] = ops.postsale.doneMonth;
  return v;
}

/** OpsScalars from their vector (scalarsOf's order). */
export function opsScalarsOf(v: Float64Array): OpsScalars {
  let o = 0;
  const at = () => v[o++]!;
  const channels = () => Object.fromEntries(LEAD_CHANNELS.map((c) => [c, at()])) as Record<LeadChannel, number>;
  const leadsByChannel = { today: channels(), month: channels() };
  const win = () => ({ media: { total: at(), negative: at() }, showRate: { shown: at(), scheduled: at() } });
  const today = win();
  const month = win();
  const members = { total: at(), today: at(), month: at() };
  const byKind = Object.fromEntries(POSTSALE_KINDS.map((kind) => [kind, { open: at(), overdue: at() }])) as Record<
    PostsaleKind,
    { open: number; overdue: number }
  >;
  return {
    leadsByChannel,
    media: { today: today.media, month: month.media },
    members,
    showRate: { today: today.showRate, month: month.showRate },
    postsale: { byKind, doneToday: at(), doneMonth: at() },
  };
}

function putCallbacks(v: Float64Array, o: number, c: CallbackCounts): void {
  v[o] = c.subjects;
  v[o + 1] = c.met;
  v[o + 2] = c.due;
  v[o + 3] = c.dueMet;
}

function putSurveys(v: Float64Array, o: number, s: SurveyAgg): void {
  v[o] = s.count;
  v[o + 1] = s.scoreSum;
  v[o + 2] = s.npsCount;
  v[o + 3] = s.promoters;
  v[o + 4] = s.detractors;
}

const NO_OPS_DAY: OpsDay = {
  visits: 0,
  firstVisits: 0,
  leads: 0,
  testDrives: 0,
  deliveries: 0,
  orders: 0,
  orderFen: 0,
  surveys: { sales: NO_SURVEYS, service: NO_SURVEYS },
};

function sumsOf(p: StoreParts): StoreSums {
  const n = p.days.length;
  const days = new Float64Array(n * N);
  const month = new Float64Array(N);
  for (let i = 0; i < n; i++) {
    const d = p.days[i]!;
    const ops = p.ops.days[i] ?? NO_OPS_DAY;
    const o = i * N;
    putCallbacks(days, o + SALES, d.callbacks.sales);
    putCallbacks(days, o + SERVICE, d.callbacks.service);
    days[o + REPAIRS] = d.repairs;
    days[o + BOOKED] = d.booked;
    days[o + VISITS] = ops.visits;
    days[o + FIRST_VISITS] = ops.firstVisits;
    days[o + LEADS] = ops.leads;
    days[o + TEST_DRIVES] = ops.testDrives;
    days[o + DELIVERIES] = ops.deliveries;
    days[o + ORDERS] = ops.orders;
    days[o + ORDER_FEN] = ops.orderFen;
    putSurveys(days, o + SALES_SURVEYS, ops.surveys.sales);
    putSurveys(days, o + SERVICE_SURVEYS, ops.surveys.service);
    days[o + SPEND_FEN] = p.spendFenByDay[i] ?? 0;
    addInto(month, 0, days, o);
  }
  const dates = p.days.map((d) => d.date);
  return { dates, firstDay: dates.length ? dayNumber(dates[0]!) : 0, days, month, scalars: scalarsOf(p.ops) };
}

/** 'YYYY-MM-DD' as days since 1970-01-01. */
export const dayNumber = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;

/** Worked out once per read: a store's parts share their lists of days with every re-timed copy. */
const memo = new WeakMap<DayCounts[], { p: StoreParts; sums: StoreSums }>();

export function storeSums(p: StoreParts): StoreSums {
  const m = memo.get(p.days);
  if (m && m.p.ops === p.ops && m.p.spendFenByDay === p.spendFenByDay) return m.sums;
  const sums = sumsOf(p);
  memo.set(p.days, { p, sums });
  return sums;
}

/** Adds `days` days of `from` (from its start) into `into` at `o`. */
export function addDays(into: Float64Array, o: number, from: Float64Array, days: number): void {
  const len = days * N;
  for (let j = 0; j < len; j++) into[o + j] = into[o + j]! + from[j]!;
}

/** Adds the N numbers (or `n`) of `from` at `f` into `into` at `o`. */
export function addInto(into: Float64Array, o: number, from: Float64Array, f: number, n = N): void {
  for (let j = 0; j < n; j++) into[o + j] = into[o + j]! + from[f + j]!;
}

const callbacksAt = (v: Float64Array, o: number): CallbackCounts => ({
  subjects: v[o]!,
  met: v[o + 1]!,
  due: v[o + 2]!,
  dueMet: v[o + 3]!,
});

const surveysAt = (v: Float64Array, o: number): SurveyAgg => ({
  count: v[o]!,
  scoreSum: v[o + 1]!,
  npsCount: v[o + 2]!,
  promoters: v[o + 3]!,
  detractors: v[o + 4]!,
});

/** The headline counts of a day vector. */
export const dayCountsOf = (v: Float64Array, date: string): DayCounts => ({
  date,
  callbacks: { sales: callbacksAt(v, SALES), service: callbacksAt(v, SERVICE) },
  repairs: v[REPAIRS]!,
  booked: v[BOOKED]!,
});

/** The operations-centre counts of a day vector. */
export const opsDayOf = (v: Float64Array): OpsDay => ({
  visits: v[VISITS]!,
  firstVisits: v[FIRST_VISITS]!,
  leads: v[LEADS]!,
  testDrives: v[TEST_DRIVES]!,
  deliveries: v[DELIVERIES]!,
  orders: v[ORDERS]!,
  orderFen: v[ORDER_FEN]!,
  surveys: { sales: surveysAt(v, SALES_SURVEYS), service: surveysAt(v, SERVICE_SURVEYS) },
});

export const spendFenOf = (v: Float64Array): number => v[SPEND_FEN]!;
