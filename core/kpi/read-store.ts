/**
 * Reads one store's figures from Redis as counts. Every figure is a range count over sorted sets
 * scored by event time, so the cost depends on the number of days in the month, not on history.
 */
import type { RedisConn } from '../redis/connections.js';
import { budgetSettings, type BudgetSettings } from '../../domain/settings.js';
import { callbackDueCutoff } from '../../domain/callbacks.js';
import { storeKeys, type CallbackKind } from '../redis/keys.js';
import type { CallbackCounts } from './rates.js';
import type { ComplaintCounts } from './complaints.js';
import { budgetLine } from './spend.js';
import type { BudgetLine } from '../../domain/kpis.js';
import { elapsedFraction, windowsAt, type Windows } from './windows.js';
import { dayIndex, withScores } from './day-buckets.js';
import { readOperationsParts, type OpsParts, type SegmentsReader } from './read-operations.js';
import type { ReadHorizon } from './read-horizon.js';

export interface StoreSettingsRecord {
  name: string;
  timezone: string;
}

export interface DayCounts {
  date: string;
  callbacks: Record<CallbackKind, CallbackCounts>;
  repairs: number;
  booked: number;
}

export interface StoreParts {
  store: string;
  name: string;
  timezone: string;
  seq: number;
  windows: Windows;
  /** One entry per local day of the month so far; the last one is today. */
  days: DayCounts[];
  complaints: ComplaintCounts;
  budgets: BudgetLine[];
  unbudgetedFen: number;
  /** Spend per local day on the current month's budgets, fen. */
  spendFenByDay: number[];
  ops: OpsParts;
}

export interface ReadOptions {
  prefix: string;
  callbackDeadlineMs: Record<CallbackKind, number>;
  readSegments: SegmentsReader;
  /** Which callbacks are due is judged at this moment (default: the snapshot's now); a past month's figures are read with today's. */
  dueAsOf?: number;
}

const KINDS: CallbackKind[] = ['sales', 'service'];

/**
 * With a `horizon`, also finds until when the figures read stay exact as time moves on (see
 * read-horizon.ts), in the same round trips.
 */
export async function readStoreParts(
  redis: RedisConn,
  store: string,
  settings: StoreSettingsRecord,
  now: number,
  opts: ReadOptions,
  horizon?: ReadHorizon,
): Promise<StoreParts> {
  const k = storeKeys(opts.prefix, store);
  const w = windowsAt(now, settings.timezone);
  // The seq before any figure (the store's commands run in order, on one connection): events that
  // land between the reads below are then in the figures but not in the seq, never the other way
  // round, so a later snapshot with the rest always has a higher seq (and is pushed: live.md).
  const seqRead = redis.get(k.seq);
  seqRead.catch(() => undefined);
  const opsPromise = readOperationsParts(redis, opts.prefix, store, w, opts.readSegments, horizon);
  // Awaited at the end: if a read before it fails (Redis away), its own failure must not go unhandled.
  opsPromise.catch(() => undefined);
  const c = k.complaints;
  if (horizon) {
    // Today's ranges end at now, the due ones at now − deadline; the complaints' and the spend's at now.
    horizon.bound(w.days[w.days.length - 1]!.end);
    for (const kind of KINDS) {
      const ck = k.callback(kind);
      for (const key of [ck.subjectsByTime, ck.met]) {
        horizon.upTo(key);
        if (opts.dueAsOf === undefined) horizon.upTo(key, opts.callbackDeadlineMs[kind]);
      }
    }
    for (const key of [k.repairs.openedByTime, k.repairs.booked, c.opened, c.resolved, k.spend.byTime]) horizon.upTo(key);
    horizon.below(c.due);
  }
  const p = redis.pipeline();
  for (const day of w.days) {
    const hi = Math.min(day.end - 1, now);
    for (const kind of KINDS) {
      const ck = k.callback(kind);
      const cutoff = Math.min(hi, callbackDueCutoff(opts.dueAsOf ?? now, opts.callbackDeadlineMs[kind]));
      p.zcount(ck.subjectsByTime, day.start, hi);
      p.zcount(ck.met, day.start, hi);
      p.zcount(ck.subjectsByTime, day.start, cutoff);
      p.zcount(ck.met, day.start, cutoff);
    }
    p.zcount(k.repairs.openedByTime, day.start, hi);
    p.zcount(k.repairs.booked, day.start, hi);
  }
  p.zcard(c.open);
  p.zcount(c.due, '-inf', `(${now}`);
  p.zcount(c.opened, w.todayStart, now);
  p.zcount(c.opened, w.monthStart, now);
  p.zrangebyscore(c.resolved, w.monthStart, now, 'WITHSCORES');
  p.hgetall(k.budgets);
  p.hgetall(k.spend.byBudget);
  p.zrangebyscore(k.spend.byTime, w.monthStart, now, 'WITHSCORES');
  p.hgetall(k.overrideCount);
  const probes = horizon?.queue(p) ?? [];
  const res = (await p.exec()) ?? [];
  const out: unknown[] = res.map(([err, v]) => {
    if (err) throw err;
    return v;
  });
  horizon?.settle(probes, out.slice(out.length - probes.length));
  let i = 0;
  const next = () => out[i++];
  const num = () => Number(next() ?? 0);

  const seq = Number((await seqRead) ?? 0);
  const days: DayCounts[] = w.days.map((day) => {
    const callbacks = {} as Record<CallbackKind, CallbackCounts>;
    for (const kind of KINDS) {
      callbacks[kind] = { subjects: num(), met: num(), due: num(), dueMet: num() };
    }
    return { date: day.date, callbacks, repairs: num(), booked: num() };
  });
  const open = num();
  const overdue = num();
  const openedToday = num();
  const openedMonth = num();
  const resolvedFlat = next() as string[];
  const budgetsRaw = next() as Record<string, string>;
  const spentRaw = next() as Record<string, string>;
  const monthSpend = withScores(next() as string[]);
  const overrideCounts = next() as Record<string, string>;
  const monthSpendIds = monthSpend.map((x) => x.member);

  const resolvedIds: string[] = [];
  const resolvedAt: number[] = [];
  for (let j = 0; j < resolvedFlat.length; j += 2) {
    resolvedIds.push(resolvedFlat[j]!);
    resolvedAt.push(Number(resolvedFlat[j + 1]));
  }
  const p2 = redis.pipeline();
  p2.hmget(c.state, ...(resolvedIds.length ? resolvedIds : ['-']));
  p2.hmget(k.spend.records, ...(monthSpendIds.length ? monthSpendIds : ['-']));
  const r2 = ((await p2.exec()) ?? []) as [Error | null, (string | null)[]][];
  for (const [err] of r2) if (err) throw err;
  const states = r2[0]?.[1] ?? [];
  const spendRecs = r2[1]?.[1] ?? [];

  const today = { opened: openedToday, resolved: 0, resolutionMs: [] as number[] };
  const month = { opened: openedMonth, resolved: resolvedIds.length, resolutionMs: [] as number[] };
  resolvedIds.forEach((_, j) => {
    const x = resolvedAt[j]!;
    const raw = states[j];
    const o = raw ? Number((JSON.parse(raw) as { o?: string }).o ?? NaN) : NaN;
    const isToday = x >= w.todayStart;
    if (isToday) today.resolved++;
    if (!Number.isNaN(o)) {
      month.resolutionMs.push(x - o);
      if (isToday) today.resolutionMs.push(x - o);
    }
  });

  const elapsed = elapsedFraction(w);
  const budgets: BudgetLine[] = [];
  const known = new Set<string>();
  for (const [budgetId, json] of Object.entries(budgetsRaw)) {
    known.add(budgetId);
    const parsed = budgetSettings.safeParse(JSON.parse(json));
    if (!parsed.success) continue;
    const settingsOfBudget: BudgetSettings = parsed.data;
    if (settingsOfBudget.month !== w.month) continue;
    const line = budgetLine({ budgetId, settings: settingsOfBudget, spentFen: Number(spentRaw[budgetId] ?? 0) }, elapsed);
    const overrides = Number(overrideCounts[budgetId] ?? 0);
    if (overrides > 0) line.overrides = overrides;
    budgets.push(line);
  }
  let unbudgetedFen = 0;
  const current = new Set(budgets.map((b) => b.budgetId));
  const spendFenByDay = w.days.map(() => 0);
  monthSpend.forEach((x, j) => {
    const rec = spendRecs[j];
    if (!rec) return;
    const [, , budgetId, fen] = rec.split('|');
    if (budgetId === undefined) return;
    if (!known.has(budgetId)) unbudgetedFen += Number(fen);
    const d = dayIndex(w.days, x.score);
    if (current.has(budgetId) && d >= 0) spendFenByDay[d]! += Number(fen);
  });

  return {
    store,
    name: settings.name,
    timezone: settings.timezone,
    seq,
    windows: w,
    days,
    complaints: { open, overdue, today, month },
    budgets,
    unbudgetedFen,
    spendFenByDay,
    ops: await opsPromise,
  };
}
