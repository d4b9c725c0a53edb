/** Snapshot cost versus the size of a store's history, and the group snapshot over many stores. */
import { Redis } from 'ioredis';
import { STORES } from '../server/demo/dealership.js';
import { loadConfig } from '../server/config.js';
import { KpiService } from '../server/kpi/kpi-service.js';
import { storeKeys } from '../server/redis-keys.js';
import { StoreRegistry } from '../server/store-registry.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { defineEventScripts } from '../workers/event-scripts.js';
import { readSegments } from '../workers/segments/read-segments.js';
import { demoEvents, history, monthStartOf } from './support/demo-events.js';
import { chunks, log, round, timeCalls } from './support/measure.js';
import { ADMIN_TOKEN, HISTORY_BUDGET_MS, P, SMOKE } from './support/params.js';

export function applyDeps(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  defineEventScripts(redis);
  const config = loadConfig({ PULSE_ADMIN_TOKEN: ADMIN_TOKEN, PULSE_LOG_LEVEL: 'silent' }, { prefix });
  const stores = new StoreRegistry(redis, config.prefix);
  const kpis = new KpiService(redis, stores, { prefix, callbackDeadlineMs: config.callbackDeadlineMs, readSegments });
  return { redis, config, stores, kpis };
}

export async function snapshotVsHistory(redisUrl: string, n: number) {
  const prefix = `bh${n}${Date.now().toString(36)}`;
  const deps = applyDeps(redisUrl, prefix);
  const store = STORES[0]!.code;
  try {
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
    const logSize = await deps.redis.hlen(storeKeys(prefix, store).log);
    const now = Date.now();
    const read = await timeCalls(P.readCalls, () => deps.kpis.store(store, now));
    return {
      requested: n,
      applied: logSize,
      cutShort: cut,
      inCurrentMonth: inMonth,
      applyMs: round(applyMs),
      applyPerSec: round((sent / applyMs) * 1000),
      store: read,
    };
  } finally {
    // Frees the memory before the next measurement.
    for (let cursor = '0'; ;) {
      const [next, keys] = await deps.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await deps.redis.unlink(...keys);
      if ((cursor = next) === '0') break;
    }
    deps.redis.disconnect();
  }
}

export async function groupSnapshot(redisUrl: string, stores: number) {
  const prefix = `bg${stores}${Date.now().toString(36)}`;
  const deps = applyDeps(redisUrl, prefix);
  try {
    // The group reads each store's current month: 31 days of events for 50 stores; for more
    // stores 3 days each, to keep the set-up time reasonable (noted in the table).
    const days = SMOKE ? 2 : stores > 100 ? 3 : 31;
    const base = demoEvents(0, 'S0000', days, 11);
    const t1 = performance.now();
    for (let s = 0; s < stores; s++) {
      const code = `S${String(s).padStart(4, '0')}`;
      const events = base.map((e) => ({ ...e, store: code }));
      for (const batch of chunks(events, 1000)) await applyEvents(deps, batch);
    }
    const applyMs = performance.now() - t1;
    const now = Date.now();
    const group = await timeCalls(SMOKE ? P.readCalls : Math.min(P.readCalls, stores > 100 ? 10 : 30), () =>
      deps.kpis.group(now),
    );
    return { stores, eventsPerStore: base.length, days, applyMs: round(applyMs), group };
  } finally {
    deps.redis.disconnect();
  }
}
