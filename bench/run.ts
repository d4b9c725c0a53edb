/**
 * `npm run bench`: throughput and cost measurements against a redis-server of its own (loopback,
 * free port, no persistence). Writes bench/results.json and bench/RESULTS.md.
 *
 *   npx tsx bench/run.ts          full run (minutes)
 *   npx tsx bench/run.ts --smoke  everything tiny (seconds), for CI
 *
 * Not part of `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import type { PulseEvent } from '../domain/events.js';
import { STORES } from '../server/demo/dealership.js';
import { generateStoreEvents } from '../server/demo/generate.js';
import { loadConfig } from '../server/config.js';
import { KpiService } from '../server/kpi/kpi-service.js';
import { freePort } from '../server/redis-launcher.js';
import { storeKeys } from '../server/redis-keys.js';
import { StoreRegistry } from '../server/store-registry.js';
import { applyEvents } from '../workers/apply-events.processor.js';
import { defineEventScripts } from '../workers/event-scripts.js';
import { readSegments } from '../workers/segments/read-segments.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SMOKE = process.argv.includes('--smoke');
const DAY = 86_400_000;
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
/** The product's default PULSE_WORKER_CONCURRENCY. */
const CONCURRENCY = 4;

const P = SMOKE
  ? { runs: 1, ingestDays: 1, ingestStores: 2, ceilingJobs: 2_000, histories: [2_000], readCalls: 5, groups: [5] }
  : {
      runs: 5,
      ingestDays: 30,
      ingestStores: 4,
      ceilingJobs: 50_000,
      histories: [10_000, 0, 1_000_000],
      readCalls: 30,
      groups: [50, 500],
    };
/** Above this, applying the history is cut short (it is reported). */
const HISTORY_BUDGET_MS = 180_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const log = (...a: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const chunks = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

// ─── processes ────────────────────────────────────────────────────────────────────────────────

const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

function track(child: ChildProcess, what: string): { output: () => string } {
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { output: () => `--- ${what} ---\n${out}` };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const t = track(child, 'redis-server');
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') return { url, child };
    } catch {
      /* not yet */
    } finally {
      r.disconnect();
    }
    await sleep(25);
  }
  throw new Error(`redis-server did not start\n${t.output()}`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** `server/main.ts --role=…`, resolved once its /readyz (API port or worker metrics port) answers 200. */
async function startPulse(role: 'server' | 'worker', redisUrl: string, prefix: string) {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOST: '127.0.0.1',
    PORT: role === 'server' ? String(port) : '0',
    PULSE_METRICS_PORT: role === 'worker' ? String(port) : '0',
    REDIS_URL: redisUrl,
    PULSE_PREFIX: prefix,
    PULSE_ADMIN_TOKEN: ADMIN_TOKEN,
    PULSE_LOG_LEVEL: 'warn',
    PULSE_RATE_INGEST_PER_MIN: '0',
    PULSE_RATE_API_PER_MIN: '0',
    PULSE_WORKER_CONCURRENCY: String(CONCURRENCY),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', `--role=${role}`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const t = track(child, role);
  const deadline = Date.now() + 60_000;
  while (!(await answers(`http://127.0.0.1:${port}/readyz`))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${role} exited\n${t.output()}`);
    if (Date.now() > deadline) throw new Error(`${role} not ready in 60 s\n${t.output()}`);
    await sleep(100);
  }
  return { child, baseUrl: `http://127.0.0.1:${port}`, output: t.output };
}

// ─── events ───────────────────────────────────────────────────────────────────────────────────

/** `days` days of demo store `profile` up to a minute ago, filed under store `code`, ordered by time. */
function demoEvents(profileIndex: number, code: string, days: number, seed: number, now = Date.now() - 60_000): PulseEvent[] {
  const profile = STORES[profileIndex % STORES.length]!;
  const events = generateStoreEvents(profile, { seed, from: now - days * DAY, to: now + 1, now, demoStart: now });
  if (code === profile.code) return events;
  return events.map((e) => ({ ...e, store: code }));
}

/** The start of the current month in the store's time zone. */
const monthStartOf = (store: string, now: number) =>
  DateTime.fromMillis(now, { zone: STORES.find((s) => s.code === store)?.timezone ?? 'Asia/Shanghai' })
    .startOf('month')
    .toMillis();

/**
 * Events of one store spread over the last two years, so most fall outside the current month: the
 * demo generator's two years (`n` = 0: all of them, ~335k); evenly thinned when `n` is smaller;
 * when larger, followed by copies of its events *before this month* with every store-scoped id
 * (events, leads, orders, customers, …) given a suffix, so each copy adds older subjects rather
 * than duplicates, and this month stays one store's real month.
 */
function history(n: number, store: string): PulseEvent[] {
  const base = demoEvents(0, store, 730, 7);
  if (n === 0) return base;
  if (n <= base.length) return Array.from({ length: n }, (_, i) => base[Math.floor((i * base.length) / n)]!);
  const monthStart = monthStartOf(store, Date.now());
  const older = base.filter((e) => Date.parse(e.at) < monthStart);
  const out = [...base];
  const idPattern = new RegExp(`"${store}-([^"]*)"`, 'g');
  for (let copy = 1; out.length < n; copy++) {
    for (const e of older) {
      if (out.length >= n) break;
      out.push(JSON.parse(JSON.stringify(e).replace(idPattern, `"${store}-$1~${copy}"`)) as PulseEvent);
    }
  }
  return out;
}

// ─── 1. ingest throughput and the bare BullMQ ceiling ─────────────────────────────────────────

async function ingestRun(redisUrl: string, run: number) {
  const prefix = `bi${run}${Date.now().toString(36)}`;
  const codes = Array.from(
    { length: P.ingestStores },
    (_, i) => STORES[i % STORES.length]!.code + (i >= STORES.length ? `x${i}` : ''),
  );
  const events = codes.flatMap((code, i) => demoEvents(i, code, P.ingestDays, 100 + i));
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const expected = new Set(events.map((e) => `${e.store}\u0000${e.id}`)).size;
  const server = await startPulse('server', redisUrl, prefix);
  const worker = await startPulse('worker', redisUrl, prefix);
  const redis = new Redis(redisUrl);
  try {
    const batches = chunks(events, 500);
    const started = performance.now();
    // Four requests in flight, as a few dealer systems posting at once would.
    let next = 0;
    const poster = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const res = await fetch(`${server.baseUrl}/api/v1/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events: batch }),
        });
        const text = await res.text();
        if (res.status !== 202) throw new Error(`POST events: ${res.status} ${text.slice(0, 500)}`);
      }
    };
    await Promise.all(Array.from({ length: 4 }, poster));
    const postedMs = performance.now() - started;
    let applied = 0;
    const deadline = Date.now() + 600_000;
    while (applied < expected) {
      if (Date.now() > deadline) throw new Error(`only ${applied}/${expected} applied\n${worker.output()}`);
      const p = redis.pipeline();
      for (const c of codes) p.hlen(storeKeys(prefix, c).log);
      applied = ((await p.exec()) ?? []).reduce((s, [, n]) => s + Number(n), 0);
      if (applied < expected) await sleep(20);
    }
    const ms = performance.now() - started;
    return {
      events: expected,
      requests: batches.length,
      postedMs: round(postedMs),
      ms: round(ms),
      perSec: round((expected / ms) * 1000),
    };
  } finally {
    redis.disconnect();
    await stop(server.child);
    await stop(worker.child);
  }
}

async function ceilingRun(redisUrl: string, run: number) {
  const prefix = `{bc${run}${Date.now().toString(36)}}`;
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue('ceiling', { connection, prefix });
  const counter = new Redis(redisUrl);
  const key = `${prefix}:counter`;
  const n = P.ceilingJobs;
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const worker = new Worker(
    'ceiling',
    async (job) => {
      await counter.hincrby(key, `f${job.data.i % 100}`, 1);
    },
    { connection, prefix, concurrency: CONCURRENCY, autorun: false },
  );
  worker.on('completed', () => {
    if (++done === n) resolveAll();
  });
  try {
    await worker.waitUntilReady();
    void worker.run();
    const started = performance.now();
    for (let i = 0; i < n; i += 500) {
      const size = Math.min(500, n - i);
      await queue.addBulk(Array.from({ length: size }, (_, k) => ({ name: 'j', data: { i: i + k } })));
    }
    await all;
    const ms = performance.now() - started;
    const total = Object.values(await counter.hgetall(key)).reduce((s, v) => s + Number(v), 0);
    if (total !== n) throw new Error(`ceiling: ${total} increments for ${n} jobs`);
    return { jobs: n, ms: round(ms), perSec: round((n / ms) * 1000) };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    counter.disconnect();
  }
}

// ─── 2. snapshot cost versus history, group snapshot ──────────────────────────────────────────

function applyDeps(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  defineEventScripts(redis);
  const config = loadConfig({ PULSE_ADMIN_TOKEN: ADMIN_TOKEN, PULSE_LOG_LEVEL: 'silent' }, { prefix });
  const stores = new StoreRegistry(redis, config.prefix);
  const kpis = new KpiService(redis, stores, { prefix, callbackDeadlineMs: config.callbackDeadlineMs, readSegments });
  return { redis, config, stores, kpis };
}

async function timeCalls(calls: number, fn: () => Promise<unknown>) {
  await fn(); // warm-up (scripts, connections)
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { medianMs: round(median(times), 2), minMs: round(Math.min(...times), 2), maxMs: round(Math.max(...times), 2), calls };
}

async function snapshotVsHistory(redisUrl: string, n: number) {
  const prefix = `bh${n}${Date.now().toString(36)}`;
  const deps = applyDeps(redisUrl, prefix);
  const store = STORES[0]!.code;
  try {
    const t0 = performance.now();
    const events = history(n, store);
    const generateMs = performance.now() - t0;
    const t1 = performance.now();
    let sent = 0;
    let cut = false;
    for (const batch of chunks(events, 1000)) {
      await applyEvents(deps, batch);
      sent += batch.length;
      if (performance.now() - t1 > HISTORY_BUDGET_MS && sent < events.length) {
        cut = true;
        break;
      }
      if (sent % 100_000 === 0) log(`  history ${n}: ${sent} applied`);
    }
    const applyMs = performance.now() - t1;
    const logSize = await deps.redis.hlen(storeKeys(prefix, store).log);
    const now = Date.now();
    const monthStart = monthStartOf(store, now);
    const inMonth = events.slice(0, sent).filter((e) => Date.parse(e.at) >= monthStart).length;
    const read = await timeCalls(P.readCalls, () => deps.kpis.store(store, now));
    return {
      requested: n,
      applied: logSize,
      cutShort: cut,
      inCurrentMonth: inMonth,
      generateMs: round(generateMs),
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

async function groupSnapshot(redisUrl: string, stores: number) {
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

// ─── 3. client size ───────────────────────────────────────────────────────────────────────────

interface AssetSize {
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

async function clientSize(): Promise<{ js: AssetSize; css: AssetSize; totalGzipBytes: number }> {
  const dir = join(ROOT, 'client/dist/assets');
  if (!existsSync(dir)) {
    log('client/dist missing: npx vite build --logLevel warn');
    const r = spawn('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => r.once('exit', resolve));
    if (code !== 0) throw new Error(`vite build exited with ${code}`);
  }
  const files = readdirSync(dir).filter((f) => /\.(js|css)$/.test(f));
  const of = (ext: string): AssetSize => {
    const mine = files.filter((x) => x.endsWith(ext));
    let raw = 0;
    let gz = 0;
    for (const f of mine) {
      const buf = readFileSync(join(dir, f));
      raw += buf.length;
      gz += gzipSync(buf, { level: 9 }).length;
    }
    return { files: mine.length, rawBytes: raw, gzipBytes: gz };
  };
  const js = of('.js');
  const css = of('.css');
  return { js, css, totalGzipBytes: js.gzipBytes + css.gzipBytes };
}

// ─── main ─────────────────────────────────────────────────────────────────────────────────────

async function main() {
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    date: new Date().toISOString(),
    mode: SMOKE ? 'smoke' : 'full',
  };
  log(machine);
  const redis = await startRedis();
  const redisVersion = await (async () => {
    const r = new Redis(redis.url);
    const info = await r.info('server');
    r.disconnect();
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  })();
  try {
    const ingestRuns = [];
    const ceilingRuns = [];
    for (let run = 0; run < P.runs; run++) {
      const ingest = await ingestRun(redis.url, run);
      log('ingest', ingest);
      ingestRuns.push(ingest);
      const ceiling = await ceilingRun(redis.url, run);
      log('ceiling', ceiling);
      ceilingRuns.push(ceiling);
    }
    const ingestPerSec = median(ingestRuns.map((r) => r.perSec));
    const ceilingPerSec = median(ceilingRuns.map((r) => r.perSec));
    const throughput = {
      ingest: {
        runs: ingestRuns,
        medianPerSec: ingestPerSec,
        batch: 500,
        inFlight: 4,
        stores: P.ingestStores,
        days: P.ingestDays,
      },
      ceiling: { runs: ceilingRuns, medianPerSec: ceilingPerSec, concurrency: CONCURRENCY, addBulkChunk: 500 },
      ratio: round(ingestPerSec / ceilingPerSec, 3),
    };

    const histories = [];
    for (const n of P.histories) {
      const h = await snapshotVsHistory(redis.url, n);
      log('history', h);
      histories.push(h);
    }
    const groups = [];
    for (const s of P.groups) {
      const g = await groupSnapshot(redis.url, s);
      log('group', g);
      groups.push(g);
    }
    const client = await clientSize();
    log('client', client);

    const results = { machine: { ...machine, redis: redisVersion }, throughput, snapshot: { histories, groups }, client };
    const name = SMOKE ? 'results.smoke' : 'results';
    writeFileSync(join(ROOT, `bench/${name}.json`), JSON.stringify(results, null, 2) + '\n');
    writeFileSync(join(ROOT, `bench/${SMOKE ? 'RESULTS.smoke' : 'RESULTS'}.md`), markdown(results));
    log(`wrote bench/${name}.json and bench/${SMOKE ? 'RESULTS.smoke' : 'RESULTS'}.md`);
  } finally {
    await stop(redis.child);
  }
}

type Results = {
  machine: Record<string, string | number>;
  throughput: {
    ingest: { runs: { events: number; ms: number; perSec: number }[]; medianPerSec: number; stores: number; days: number };
    ceiling: { runs: { jobs: number; perSec: number }[]; medianPerSec: number };
    ratio: number;
  };
  snapshot: {
    histories: Awaited<ReturnType<typeof snapshotVsHistory>>[];
    groups: Awaited<ReturnType<typeof groupSnapshot>>[];
  };
  client: Awaited<ReturnType<typeof clientSize>>;
};

function markdown(r: Results): string {
  const m = r.machine;
  const t = r.throughput;
  const kb = (b: number) => `${round(b / 1024)} KiB`;
  const lines = [
    `# Benchmark results${m.mode === 'smoke' ? ' (smoke: tiny sizes, not meaningful)' : ''}`,
    '',
    `Machine: ${m.cpus} CPUs, ${m.model}; Node ${m.node}; redis-server ${m.redis} (own, loopback, no persistence); ${m.date}.`,
    `Generated by \`npm run bench\` (bench/run.ts); medians of ${t.ingest.runs.length} run(s).`,
    '',
    '## Throughput',
    '',
    '| measurement | median | runs |',
    '|---|---|---|',
    `| ingest: POST /api/v1/events (500 per request, 4 in flight) → applied, 1 server + 1 worker process (concurrency 4); ${t.ingest.runs[0]?.events} demo events of ${t.ingest.stores} stores × ${t.ingest.days} days | **${t.ingest.medianPerSec} events/s** | ${t.ingest.runs.map((x) => x.perSec).join(', ')} |`,
    `| bare BullMQ ceiling: Queue + Worker (concurrency 4), one HINCRBY per job, addBulk of 500; ${t.ceiling.runs[0]?.jobs} jobs | **${t.ceiling.medianPerSec} jobs/s** | ${t.ceiling.runs.map((x) => x.perSec).join(', ')} |`,
    `| ratio ingest ÷ ceiling (events/s ÷ jobs/s) | **${t.ratio}** | |`,
    '',
    'Ingest time runs from the first POST until the store logs (`HLEN` of `{S}:log`) hold every distinct event id.',
    'A product job carries a whole request (500 events, one Lua script each), a ceiling job one `HINCRBY`:',
    'the ratio compares events with jobs, as asked, so it can exceed 1.',
    '',
    '## Snapshot cost versus history (in-process, KpiService)',
    '',
    '| events in the store (over 2 years) | of them this month | applied in | KpiService.store() median | min / max | calls |',
    '|---|---|---|---|---|---|',
    ...r.snapshot.histories.map(
      (h) =>
        `| ${h.applied}${h.cutShort ? ` (cut short from ${h.requested} after ${HISTORY_BUDGET_MS / 1000} s)` : ''}${h.requested === 0 ? " (the generator's 2 years)" : ''} | ${h.inCurrentMonth} | ${round(h.applyMs / 1000)} s (${h.applyPerSec}/s) | **${h.store.medianMs} ms** | ${h.store.minMs} / ${h.store.maxMs} ms | ${h.store.calls} |`,
    ),
    '',
    "Histories: the demo generator's 730 days of one store (thinned evenly for 10k, so its month is thin too;",
    'above ~335k, copies of the events before this month with suffixed ids, so this month stays the same).',
    'Each store() call is timed after one warm-up call, at the same `now`.',
    '',
    '| stores | events per store | KpiService.group() median | min / max | calls |',
    '|---|---|---|---|---|',
    ...r.snapshot.groups.map(
      (g) =>
        `| ${g.stores} | ${g.eventsPerStore} (${g.days} days) | **${g.group.medianMs} ms** | ${g.group.minMs} / ${g.group.maxMs} ms | ${g.group.calls} |`,
    ),
    '',
    '## Client size (client/dist/assets, gzip level 9)',
    '',
    '| | files | raw | gzip |',
    '|---|---|---|---|',
    `| JS | ${r.client.js.files} | ${kb(r.client.js.rawBytes)} | ${kb(r.client.js.gzipBytes)} |`,
    `| CSS | ${r.client.css.files} | ${kb(r.client.css.rawBytes)} | ${kb(r.client.css.gzipBytes)} |`,
    `| total | | | **${kb(r.client.totalGzipBytes)}** |`,
    '',
  ];
  return lines.join('\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
