/**
 * Redis memory per kept event: the demo generator's two years of one store applied in-process
 * (the product's event scripts, as the workers run them) into a fresh redis-server of its own,
 * `used_memory` after minus before divided by the events the logs keep (each event arriving a
 * second after its batch's latest, as a live feed posts them: none late), and where the bytes go —
 * `MEMORY USAGE key SAMPLES 0` summed per key family (the key without its prefix and store tag).
 * Also a group shape (many stores × a month) to show the cost per event does not hang on one
 * store's size.
 */
import { Redis } from 'ioredis';
import { STORES } from '../launcher/demo/dealership.js';
import { loggedCount } from '../core/events/event-log.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { applyDeps } from './snapshot.js';
import { demoEvents, history } from './support/demo-events.js';
import { chunks, log, round } from './support/measure.js';
import { SMOKE } from './support/params.js';
import { startRedis, stop } from './support/processes.js';

export interface MemoryFamily {
  /** The key without prefix and store tag (`log`, `lead:z`, `cb:sales:subjz`…). */
  family: string;
  keys: number;
  bytes: number;
  /** Of every byte the store keys hold. */
  share: number;
  bytesPerEvent: number;
  /** Redis' encodings of the family's keys (`listpack`, `hashtable`, `skiplist`…), with how many of each. */
  encodings: Record<string, number>;
}

export interface MemoryShape {
  name: string;
  stores: number;
  days: number;
  /** Events the store logs keep (core/events/event-log.ts `loggedCount`, summed). */
  events: number;
  /** used_memory after the load minus before it. */
  usedBytes: number;
  bytesPerEvent: number;
  /** MEMORY USAGE summed over every key of the stores. */
  keyBytes: number;
  families: MemoryFamily[];
  applyMs: number;
}

export interface MemoryResults {
  /** The Redis settings that shape the encodings, as the bench's redis-server has them (its defaults). */
  config: Record<string, string>;
  shapes: MemoryShape[];
}

async function usedMemory(redis: Redis): Promise<number> {
  // Lazy frees finish before the reading.
  for (let i = 0; i < 50; i++) {
    const info = await redis.info('memory');
    const pending = Number(/lazyfree_pending_objects:(\d+)/.exec(info)?.[1] ?? 0);
    if (!pending) return Number(/used_memory:(\d+)/.exec(info)![1]);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('lazy frees still pending');
}

/** Every key under `prefix`, its family and size. */
async function keySizes(redis: Redis, prefix: string): Promise<{ family: string; bytes: number; encoding: string }[]> {
  const keys: string[] = [];
  for (let cursor = '0'; ;) {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    keys.push(...batch);
    if ((cursor = next) === '0') break;
  }
  const out: { family: string; bytes: number; encoding: string }[] = [];
  for (const batch of chunks(keys, 500)) {
    const p = redis.pipeline();
    for (const k of batch) {
      p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
      p.call('OBJECT', 'ENCODING', k);
    }
    const res = (await p.exec())!;
    batch.forEach((k, i) => {
      // `pulse:{HZ01}:lead:z` → `lead:z`; keys of no store keep their name after the prefix; the
      // log's buckets `log:1a` are one family, `log:*`.
      const family = k
        .slice(prefix.length + 1)
        .replace(/^\{[^}]*\}:/, '')
        .replace(/^log:[0-9a-z]+$/, 'log:*');
      out.push({ family, bytes: Number(res[2 * i]![1]), encoding: String(res[2 * i + 1]![1]) });
    });
  }
  return out;
}

async function measureShape(
  redisUrl: string,
  name: string,
  stores: string[],
  days: number,
  batches: () => Iterable<PulseBatch>,
): Promise<MemoryShape> {
  const prefix = `bm${Date.now().toString(36)}`;
  const deps = applyDeps(redisUrl, prefix);
  const redis = deps.redis;
  try {
    await redis.flushall();
    const before = await usedMemory(redis);
    const t = performance.now();
    let sent = 0;
    for (const big of batches()) {
      // As a live feed posts them: batches of at most 100 (a few hours of a store), each arriving a
      // second after its latest event, so that none is late (domain/revisions.ts) — as in production.
      for (const batch of chunks(big, 100)) {
        const arrivedAt = Math.max(...batch.map((e) => Date.parse(e.at))) + 1000;
        await applyEvents(deps, batch, { arrivedAt });
      }
      sent += big.length;
      if (sent % 100_000 < big.length) log(`  memory ${name}: ${sent} applied`);
    }
    const applyMs = performance.now() - t;
    const after = await usedMemory(redis);
    const events = (await Promise.all(stores.map((s) => loggedCount(redis, prefix, s)))).reduce((sum, n) => sum + n, 0);
    const sizes = await keySizes(redis, prefix);
    const keyBytes = sizes.reduce((s, k) => s + k.bytes, 0);
    const byFamily = new Map<string, MemoryFamily>();
    for (const k of sizes) {
      const f = byFamily.get(k.family) ?? { family: k.family, keys: 0, bytes: 0, share: 0, bytesPerEvent: 0, encodings: {} };
      f.keys++;
      f.bytes += k.bytes;
      f.encodings[k.encoding] = (f.encodings[k.encoding] ?? 0) + 1;
      byFamily.set(k.family, f);
    }
    const families = [...byFamily.values()]
      .map((f) => ({ ...f, share: round(f.bytes / keyBytes, 4), bytesPerEvent: round(f.bytes / events, 1) }))
      .sort((a, b) => b.bytes - a.bytes);
    const usedBytes = after - before;
    return {
      name,
      stores: stores.length,
      days,
      events,
      usedBytes,
      bytesPerEvent: round(usedBytes / events, 1),
      keyBytes,
      families,
      applyMs: round(applyMs),
    };
  } finally {
    await redis.flushall();
    redis.disconnect();
  }
}

type PulseBatch = Parameters<typeof applyEvents>[1];

/**
 * Both shapes, each in a redis-server of its own started for it (so that nothing else's memory
 * or fragmentation enters the figure): one store's two years; 50 stores × 30 days.
 */
export async function memoryFigures(): Promise<MemoryResults> {
  const store = STORES[0]!.code;
  const shapes: MemoryShape[] = [];
  let config: Record<string, string> = {};
  const oneStoreDays = SMOKE ? 30 : 730;
  const groupStores = SMOKE ? 3 : 50;
  const plans: [string, string[], number, () => Iterable<PulseBatch>][] = [
    [
      `one store, ${oneStoreDays} days`,
      [store],
      oneStoreDays,
      () => (SMOKE ? chunks(demoEvents(0, store, oneStoreDays, 7), 1000) : history(0, store)),
    ],
    [
      `${groupStores} stores × 30 days`,
      Array.from({ length: groupStores }, (_, s) => `S${String(s).padStart(4, '0')}`),
      30,
      function* () {
        const base = demoEvents(0, 'S0000', 30, 11);
        for (let s = 0; s < groupStores; s++) {
          const code = `S${String(s).padStart(4, '0')}`;
          yield* chunks(
            base.map((e) => ({ ...e, store: code })),
            1000,
          );
        }
      },
    ],
  ];
  for (const [name, stores, days, batches] of plans) {
    const server = await startRedis();
    try {
      if (!Object.keys(config).length) {
        const r = new Redis(server.url);
        const flat = (await r.call('CONFIG', 'GET', '*-max-listpack-*')) as string[];
        r.disconnect();
        for (let i = 0; i < flat.length; i += 2) config[flat[i]!] = flat[i + 1]!;
        config = Object.fromEntries(Object.entries(config).sort());
      }
      const shape = await measureShape(server.url, name, stores, days, batches);
      log('memory', {
        ...shape,
        families: shape.families.slice(0, 12).map((f) => `${f.family} ${f.bytesPerEvent} B/event`),
      });
      shapes.push(shape);
    } finally {
      await stop(server.child);
    }
  }
  return { config, shapes };
}
