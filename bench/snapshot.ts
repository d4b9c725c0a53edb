/** Snapshot cost versus the size of a store's history, and the group snapshot over many stores. */
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import type { PulseEvent } from '../domain/events.js';
import { STORES } from '../launcher/demo/dealership.js';
import { loadConfig } from '../core/config.js';
import { KpiService } from '../core/kpi/kpi-service.js';
import type { StorePartsReader } from '../core/kpi/parts-cache.js';
import { readStoreParts } from '../core/kpi/read-store.js';
import { PartsKeeper } from '../core/kpi/kept-parts.js';
import { loggedCount } from '../core/events/event-log.js';
import { StoreRegistry } from '../core/books/store-registry.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { defineEventScripts } from '../core/events/scripts.js';
import { readSegments } from '../core/segments/read-segments.js';
import { groupMoments } from './group-moments.js';
import { buildStoreReport } from '../core/reports/build-report.js';
import { periodHolding, shiftPeriod } from '../domain/periods.js';
import { demoEvents, history, monthStartOf } from './support/demo-events.js';
import { chunks, log, median, round, timeCalls } from './support/measure.js';
import { ADMIN_TOKEN, HISTORY_BUDGET_MS, P, SMOKE } from './support/params.js';

export function applyDeps(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  defineEventScripts(redis);
  const config = loadConfig({ PULSE_ADMIN_TOKEN: ADMIN_TOKEN, PULSE_LOG_LEVEL: 'silent' }, { prefix });
  const stores = new StoreRegistry(redis, config.prefix);
  const opts = { prefix, callbackDeadlineMs: config.callbackDeadlineMs, readSegments };
  let reads = 0;
  const counting: StorePartsReader = (...args) => {
    reads++;
    return readStoreParts(...args);
  };
  const kpis = new KpiService(redis, stores, opts, counting);
  /** A service that has kept nothing and takes nothing from Redis: each call reads every store it shows. */
  const coldKpis = () => new KpiService(redis, stores, opts, readStoreParts, 'off');
  // As the workers run it: the stores' parts kept in Redis after each batch (core/kpi/kept-parts.ts).
  const keep = new PartsKeeper({ redis, opts }, (s) => stores.get(s));
  return { redis, config, stores, opts, keep, kpis, coldKpis, storesRead: () => reads };
}

interface LoadedHistory {
  deps: ReturnType<typeof applyDeps>;
  prefix: string;
  row: { requested: number; applied: number; cutShort: boolean; inCurrentMonth: number; applyMs: number; applyPerSec: number };
}

/** One store with `n` events of history applied, under a prefix of its own. */
async function loadHistory(redisUrl: string, n: number): Promise<LoadedHistory> {
  const prefix = `bh${n}${Date.now().toString(36)}`;
  const deps = applyDeps(redisUrl, prefix);
  const store = STORES[0]!.code;
  const monthStart = monthStartOf(store, Date.now());
  const t1 = performance.now();
  let sent = 0;
  let inMonth = 0;
  let cut = false;
  for (const batch of history(n, store)) {
    await applyEvents(deps, batch);
    sent += batch.length;
    inMonth += batch.filter((e) => Date.parse(e.at) >= monthStart).length;
    if (sent % 100_000 < batch.length) log(`  history ${n}: ${sent} applied`);
    if (performance.now() - t1 > HISTORY_BUDGET_MS) {
      cut = n > sent;
      break;
    }
  }
  const applyMs = performance.now() - t1;
  const applied = await loggedCount(deps.redis, prefix, store);
  return {
    deps,
    prefix,
    row: {
      requested: n,
      applied,
      cutShort: cut,
      inCurrentMonth: inMonth,
      applyMs: round(applyMs),
      applyPerSec: round((sent / applyMs) * 1000),
    },
  };
}

const reportDeps = (l: LoadedHistory) => ({ redis: l.deps.redis, stores: l.deps.stores, config: l.deps.config });

/** Frees the memory of a loaded history. */
async function dropHistory({ deps, prefix }: LoadedHistory): Promise<void> {
  for (let cursor = '0'; ;) {
    const [next, keys] = await deps.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await deps.redis.unlink(...keys);
    if ((cursor = next) === '0') break;
  }
  deps.redis.disconnect();
}

/**
 * The store's snapshot for every history size. All sizes are loaded first, then read in turn — one
 * call of each size per round — so that whatever else the machine does slows every size alike.
 */
export async function snapshotVsHistory(redisUrl: string, sizes: readonly number[]) {
  const store = STORES[0]!.code;
  const loaded: LoadedHistory[] = [];
  try {
    for (const n of sizes) {
      loaded.push(await loadHistory(redisUrl, n));
      log('history', loaded[loaded.length - 1]!.row);
    }
    const now = Date.now();
    const zone = STORES[0]!.timezone;
    // Reports of closed periods, well inside every history: last month and last quarter.
    const month = shiftPeriod(periodHolding('month', now, zone), 1);
    const quarter = shiftPeriod(periodHolding('quarter', now, zone), 1);
    const calls = {
      store: (l: LoadedHistory) => l.deps.coldKpis().store(store, now),
      month: (l: LoadedHistory) => buildStoreReport(reportDeps(l), store, month, now),
      quarter: (l: LoadedHistory) => buildStoreReport(reportDeps(l), store, quarter, now),
    };
    const times = loaded.map(() => ({ store: [] as number[], month: [] as number[], quarter: [] as number[] }));
    for (const l of loaded) for (const call of Object.values(calls)) await call(l);
    for (let i = 0; i < P.readCalls; i++) {
      for (const [j, l] of loaded.entries()) {
        for (const [name, call] of Object.entries(calls) as [keyof typeof calls, (l: LoadedHistory) => Promise<unknown>][]) {
          const t = performance.now();
          await call(l);
          times[j]![name].push(performance.now() - t);
        }
      }
    }
    const summary = (ts: number[]) => ({
      medianMs: round(median(ts), 2),
      minMs: round(Math.min(...ts), 2),
      maxMs: round(Math.max(...ts), 2),
      calls: ts.length,
    });
    return loaded.map((l, j) => ({
      ...l.row,
      store: summary(times[j]!.store),
      reports: {
        month: month.id,
        quarter: quarter.id,
        monthReport: summary(times[j]!.month),
        quarterReport: summary(times[j]!.quarter),
      },
    }));
  } finally {
    for (const l of loaded) await dropHistory(l);
  }
}

/** A small batch of one store, as a live feed posts it: a visit, a lead, a repair order, dated a second ago. */
function smallBatch(store: string, n: number): PulseEvent[] {
  const at = new Date(Date.now() - 1000).toISOString();
  const id = `${store}-live-${n}`;
  return [
    { id: `${id}-v`, type: 'showroom.visit', store, at, firstVisit: true },
    { id: `${id}-l`, type: 'lead.created', store, at, leadId: `${id}-L`, channel: 'walk_in' },
    { id: `${id}-r`, type: 'repair.opened', store, at, roId: `${id}-RO` },
  ];
}

export async function groupSnapshot(redisUrl: string, stores: number) {
  const prefix = `bg${stores}${Date.now().toString(36)}`;
  const deps = applyDeps(redisUrl, prefix);
  try {
    // The group reads each store's current month: 31 days of events for 50 stores; for more
    // stores 3 days each, to keep the set-up time reasonable (noted in the table).
    const days = SMOKE ? 2 : stores > 100 ? 3 : 31;
    const base = demoEvents(0, 'S0000', days, 11);
    const code = (s: number) => `S${String(s).padStart(4, '0')}`;
    const t1 = performance.now();
    for (let s = 0; s < stores; s++) {
      const events = base.map((e) => ({ ...e, store: code(s) }));
      for (const batch of chunks(events, 1000)) await applyEvents(deps, batch);
    }
    const applyMs = performance.now() - t1;
    const now = Date.now();
    // Other processes on the machine slow both columns alike: the load says how busy it was.
    const loadBefore = loadavg()[0]!;
    // Cold: a service that has kept nothing reads every store (what every call cost before).
    const group = await timeCalls(SMOKE ? 2 : stores > 100 ? 5 : 10, () => deps.coldKpis().group(now));
    // Warm: the group as the live room sees it, at the moment of the call, after one store got a
    // small batch; the other stores' parts are kept.
    await deps.kpis.group();
    const times: number[] = [];
    const read: number[] = [];
    for (let i = 0; i < (SMOKE ? 5 : 30); i++) {
      await applyEvents(deps, smallBatch(code((i * 7) % stores), i));
      const before = deps.storesRead();
      const t = performance.now();
      await deps.kpis.group();
      times.push(performance.now() - t);
      read.push(deps.storesRead() - before);
    }
    const warm = {
      medianMs: round(median(times), 2),
      minMs: round(Math.min(...times), 2),
      maxMs: round(Math.max(...times), 2),
      calls: times.length,
      storesReadMedian: median(read),
      storesReadMax: Math.max(...read),
    };
    const load = round((loadBefore + loadavg()[0]!) / 2, 2);
    const moments = await groupMoments({ redis: deps.redis, stores: deps.stores, opts: deps.opts, keep: deps.keep });
    return { stores, eventsPerStore: base.length, days, applyMs: round(applyMs), group, warm, load, moments };
  } finally {
    deps.redis.disconnect();
  }
}
