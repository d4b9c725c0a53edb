/**
 * Event → screen latency: from just before the POST of an event to the first `kpis` push received
 * by a socket.io-client socket that shows it, at a steady rate of demo events, with the screens in
 * a process of their own (bench/latency-clients.ts); and the same measurement through a bare
 * Redis pub/sub → Socket.IO relay (bench/latency-relay.ts).
 *
 * Which push shows an event: every applied event bumps its store's `seq` by one (the prologue of
 * every apply script, core/events/lua/record-event.lua); a snapshot carries its store's `seq`, the
 * group's is the sum of its stores'. Every posted event has a new id, and the worker applies jobs in
 * the order they were queued (BullMQ hands them out in job-id order; each job's `ensure` and script
 * pipeline go down the worker's one Redis connection in that order). So once the jobs up to tick
 * i's are applied, a store's seq is seq0 + its events in those jobs: the first push on a socket
 * whose seq reaches that threshold is the first that shows tick i there.
 *
 * A sample is one (event, socket) pair. All events of a tick share a POST and a job, so they are
 * kept as one (tick, socket) sample weighted by the tick's events of that socket's room; quantiles
 * are nearest rank over the weighted samples, as `quantile()` over every event × socket.
 *
 * Each product sample is split with the processes' own clocks (one machine):
 * - queued: POST → a worker takes the job (`processedOn`);
 * - job: → the first change notice of the room heard after that (the bench subscribes to the
 *   channel the servers listen on): apply scripts, alert checks of the stores before it, publish;
 * - slot: → the snapshot is taken (`asOf`: the push's build starts with that `now`): waiting for
 *   the room's next push slot (at most 4 pushes a second);
 * - delivered: → received (build, emit, network, decode).
 * A push that shows the tick without a notice after the job began (an earlier notice's push, built
 * after the scripts ran) counts its whole wait as job.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { PulseEvent } from '../domain/events.js';
import { STORES } from '../launcher/demo/dealership.js';
import { freePort } from '../launcher/redis-launcher.js';
import { globalKeys, queuePrefix, storeKeys } from '../core/redis/keys.js';
import { EVENTS_QUEUE } from '../core/jobs/queues.js';
import type { ClientCommand, ClientPushes, ClientReply } from './latency-clients.js';
import { demoEvents } from './support/demo-events.js';
import { chunks, log, median, round, sleep } from './support/measure.js';
import { ADMIN_TOKEN, ROOT, SMOKE } from './support/params.js';
import { startPulse, stop, track } from './support/processes.js';
import { groupShapeBench, type GroupShapeResults } from './latency-group.js';

type System = 'pulse' | 'relay';

/**
 * The cells: every socket count × rate, one POST (relay: one PUBLISH per room) every `tickMs`,
 * for the product and the relay; `extra` cells run the product alone at another tick.
 */
export const LATENCY = {
  systems: ['pulse', 'relay'] as System[],
  tickMs: 50,
  ...(SMOKE
    ? {
        sockets: [10],
        rates: [200, 1000],
        extra: [{ sockets: 10, rate: 1000, tickMs: 250 }],
        warmupMs: 500,
        measureMs: 1000,
        historyDays: 1,
      }
    : {
        sockets: [100, 1000],
        rates: [200, 1000],
        extra: [{ sockets: 1000, rate: 1000, tickMs: 250 }],
        warmupMs: 2000,
        measureMs: 10_000,
        historyDays: 30,
      }),
};
/** After the last tick is applied: time for its push slot and delivery. */
const SETTLE_MS = 1000;
const GROUP = '*';

const now = () => performance.timeOrigin + performance.now();

/** The room of socket i: one socket in ten watches the group, the others a store, round robin. */
export const roomOfSocket = (i: number, stores: string[]) => (i % 10 === 9 ? GROUP : stores[i % stores.length]!);
/** The server of socket i among n: blocks of ten sockets in turn, so every room has sockets on every server. */
export const serverOfSocket = (i: number, n: number) => Math.floor(i / 10) % n;

type Q = { p50: number; p95: number; p99: number; max: number };
type Part = { p50: number; p99: number; mean: number };

export interface LatencyCell {
  system: System;
  servers: number;
  sockets: number;
  /** Events posted per second; one POST (or PUBLISH per room) every tickMs with eventsPerPost events. */
  rate: number;
  tickMs: number;
  eventsPerPost: number;
  /** Measured ticks (after the warm-up) and their events. */
  posts: number;
  events: number;
  /** Event × socket pairs measured; those never shown (should be 0). */
  samples: number;
  unseen: number;
  /** Event → screen, ms: every room, the store rooms, the group room. */
  latency: Q;
  storeRooms: Q;
  groupRoom: Q;
  /** `kpis` receipts while measuring, and distinct pushes (server, room, seq) among them. */
  received: number;
  pushes: number;
  /** Median size of a push (its JSON), store rooms and group room, bytes. */
  pushBytes: { store: number; group: number };
  /** Median time between two pushes of a room (asOf to asOf). */
  pushGapMs: number;
  /** Per push: from its asOf to its first receipt, and from its first to its last receipt. */
  firstReceiptMs: { p50: number; p99: number };
  fanOutMs: { p50: number; p99: number };
  /** The product only: the four parts of each sample (see the top of bench/latency.ts), ms. */
  parts?: { queued: Part; job: Part; slot: Part; delivered: Part };
  /** The product only, per tick: a job's run (apply, alert checks, publish), ms. */
  jobMs?: { p50: number; p99: number };
  /** The product only: POST → 202, ms. */
  postMs?: { p50: number; p99: number };
  /** The product only: from the last POST until every event was applied; far above the tick, the rate is not sustained. */
  drainMs?: number;
  /** The product only: ticks queued out of posting order (the thresholds follow the job order). */
  reordered?: number;
  /** Latest a tick was sent after its due time, ms. */
  slipMs: number;
  /** CPU of each process while measuring (1 = one core busy), and the machine's 1-minute load average at the start and end. */
  cpu: { servers: number; worker: number; redis: number; clients: number; bench: number };
  load: { start: number; end: number };
  /** The client process: event-loop delay while measuring, sockets lost. */
  client: { loopDelayMs: { p50: number; p99: number; max: number }; disconnects: number };
}

export interface LatencyResults {
  date: string;
  /** CPUs of the machine: every process of the measurement shares them. */
  cpus: number;
  servers: number;
  stores: number;
  historyEventsPerStore: number;
  warmupMs: number;
  measureMs: number;
  /** Opening and subscribing the sockets, per system and count, ms. */
  connectMs: Record<string, number>;
  /** Parent minus client of (Date.now() − timeOrigin − performance.now()), ms: the error of mixing the two clocks. */
  clockSkewMs: number;
  cells: LatencyCell[];
  /** The dealer-group shape (bench/latency-group.ts); absent from results written before it was measured. */
  group?: GroupShapeResults;
}

interface Tick {
  due: number;
  postAt: number;
  /** Events per room (stores and the group). */
  counts: Map<string, number>;
  measured: boolean;
  firstId: string;
  /** The product: its BullMQ job (ids grow in queueing order), when a worker took it and when it finished. */
  jobId?: number;
  processedOn?: number;
  finishedOn?: number;
}

/**
 * Every copy of the history gets new ids (every store-scoped id suffixed: events, leads, orders,
 * customers, …), so every event posted is new; stock items and budgets stay the same.
 */
export function* stream(history: PulseEvent[], stores: string[]): Generator<PulseEvent> {
  const ids = new RegExp(`"(${stores.join('|')})-([^"]*)"`, 'g');
  for (let copy = 1; ; copy++) {
    for (const e of history) {
      const c = JSON.parse(JSON.stringify(e).replace(ids, `"$1-$2-L${copy}"`)) as Record<string, unknown>;
      for (const kept of ['itemId', 'budgetId']) if (kept in e) c[kept] = (e as Record<string, unknown>)[kept];
      if (c.id === e.id) c.id = `${e.id}-L${copy}`;
      yield c as PulseEvent;
    }
  }
}

/** Nearest-rank quantiles of values with integer weights: quantile() over each value repeated weight times. */
function weightedQuantiles(values: number[], weights: number[], qs: number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const total = weights.reduce((s, w) => s + w, 0);
  return qs.map((q) => {
    const rank = Math.min(total, Math.max(1, Math.ceil(q * total)));
    let cum = 0;
    for (const i of order) {
      cum += weights[i]!;
      if (cum >= rank) return round(values[i]!, 1);
    }
    return NaN;
  });
}

const q4 = (v: number[], w: number[]): Q => {
  const [p50, p95, p99, max] = v.length ? weightedQuantiles(v, w, [0.5, 0.95, 0.99, 1]) : [NaN, NaN, NaN, NaN];
  return { p50: p50!, p95: p95!, p99: p99!, max: max! };
};
const q2 = (v: number[], w: number[] = v.map(() => 1)) => {
  const [p50, p99] = v.length ? weightedQuantiles(v, w, [0.5, 0.99]) : [NaN, NaN];
  return { p50: p50!, p99: p99! };
};
const part = (v: number[], w: number[]): Part => ({
  ...q2(v, w),
  mean: round(v.reduce((s, x, i) => s + x * w[i]!, 0) / w.reduce((s, x) => s + x, 0), 1),
});

/** CPU seconds of a process so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return NaN;
  }
}

class Clients {
  readonly child: ChildProcess;
  private readonly output: () => string;
  private waiting: ((m: ClientReply) => void) | null = null;

  constructor() {
    this.child = fork(join(ROOT, 'bench/latency-clients.ts'), [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.output = track(this.child, 'latency clients').output;
    this.child.on('message', (m: ClientReply) => this.waiting?.(m));
  }

  private ask(cmd: ClientCommand, timeoutMs = 300_000): Promise<ClientReply> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`client process: no answer to ${cmd.type}\n${this.output()}`)), timeoutMs);
      this.waiting = (m) => {
        clearTimeout(t);
        this.waiting = null;
        if (m.type === 'error') reject(new Error(`client process: ${m.message}`));
        else resolve(m);
      };
      this.child.send(cmd);
    });
  }

  async connect(urls: string[], token: string, rooms: string[]): Promise<number> {
    const r = await this.ask({ type: 'connect', urls, token, rooms });
    if (r.type === 'connected' && r.retries)
      log(`latency: ${r.retries} subscriptions or sockets asked again (answered "retry shortly", or dropped while connecting)`);
    return r.type === 'connected' ? r.ms : NaN;
  }

  record(): void {
    this.child.send({ type: 'record' } satisfies ClientCommand);
  }

  async collect(): Promise<ClientPushes> {
    const r = await this.ask({ type: 'collect' });
    if (r.type !== 'pushes') throw new Error('client process: unexpected answer');
    return r;
  }

  async close(): Promise<void> {
    if (this.child.connected) this.child.send({ type: 'close' } satisfies ClientCommand);
    await stop(this.child);
  }
}

/** The bare relay in its own process, on a free port. */
async function startRelay(redisUrl: string, channel: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/latency-relay.ts'], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: redisUrl, RELAY_PORT: String(port), RELAY_CHANNEL: channel },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const t = track(child, 'relay');
  const deadline = Date.now() + 60_000;
  while (!t.output().includes('ready')) {
    if (child.exitCode !== null) throw new Error(`relay exited\n${t.output()}`);
    if (Date.now() > deadline) throw new Error(`relay not ready in 60 s\n${t.output()}`);
    await sleep(50);
  }
  return { child, baseUrl: `http://127.0.0.1:${port}` };
}

interface CellInput {
  system: System;
  servers: number;
  sockets: number;
  rate: number;
  tickMs: number;
  rooms: string[];
  ticks: Tick[];
  /** Room → seq before the first tick. */
  seq0: Map<string, number>;
  pushes: ClientPushes;
  /** The product: change notices heard, per room (a store's also under the group), in order. */
  notices: Map<string, number[]>;
  postMs: number[];
  drainMs: number | undefined;
  cpu: LatencyCell['cpu'];
  load: LatencyCell['load'];
}

/** The first index of a sorted array whose value is ≥ x (its length when none is). */
function firstAtLeast(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** From the ticks and what the sockets received, the cell's figures. */
function analyse(c: CellInput): LatencyCell {
  const { ticks, pushes, rooms } = c;
  const product = c.system === 'pulse';
  // Tick i's threshold per room: seq0 + the room's events in tick i and in every tick applied before it.
  const order = ticks.map((_, i) => i);
  if (product) order.sort((a, b) => ticks[a]!.jobId! - ticks[b]!.jobId!);
  const threshold = new Map<string, number[]>();
  for (const room of new Set(rooms)) {
    const thr: number[] = [];
    let sum = c.seq0.get(room)!;
    for (const i of order) thr[i] = sum += ticks[i]!.counts.get(room) ?? 0;
    threshold.set(room, thr);
  }
  const firstMeasured = ticks.find((t) => t.measured)!.postAt;

  // The receipts of each socket, in order of arrival.
  const bySocket = rooms.map(() => [] as number[]);
  pushes.socket.forEach((s, k) => bySocket[s]!.push(k));

  const lat: number[] = [];
  const w: number[] = [];
  const isGroup: boolean[] = [];
  const parts = { queued: [] as number[], job: [] as number[], slot: [] as number[], delivered: [] as number[] };
  let unseen = 0;
  let received = 0;
  const distinct = new Map<string, { asOf: number; first: number; last: number }>();
  rooms.forEach((room, s) => {
    const mine = bySocket[s]!;
    const maxSeq: number[] = [];
    let top = -Infinity;
    for (const k of mine) {
      maxSeq.push((top = Math.max(top, pushes.seq[k]!)));
      const asOf = pushes.asOf[k]!;
      if (asOf < firstMeasured) continue;
      received++;
      const key = `${serverOfSocket(s, c.servers)}|${room}|${pushes.seq[k]}`;
      const at = pushes.at[k]!;
      const d = distinct.get(key);
      if (!d) distinct.set(key, { asOf, first: at, last: at });
      else {
        d.first = Math.min(d.first, at);
        d.last = Math.max(d.last, at);
      }
    }
    const thr = threshold.get(room)!;
    const notices = c.notices.get(room) ?? [];
    ticks.forEach((t, i) => {
      const n = t.counts.get(room) ?? 0;
      if (!t.measured || n === 0) return;
      const p = firstAtLeast(maxSeq, thr[i]!);
      if (p === maxSeq.length) {
        unseen += n;
        return;
      }
      const k = mine[p]!;
      const at = pushes.at[k]!;
      const asOf = pushes.asOf[k]!;
      lat.push(at - t.postAt);
      w.push(n);
      isGroup.push(room === GROUP);
      if (product) {
        const taken = t.processedOn!;
        const notice = Math.min(asOf, notices[firstAtLeast(notices, taken)] ?? asOf);
        parts.queued.push(taken - t.postAt);
        parts.job.push(notice - taken);
        parts.slot.push(asOf - notice);
        parts.delivered.push(at - asOf);
      }
    });
  });

  const gaps: number[] = [];
  const byRoom = new Map<string, number[]>();
  for (const [key, d] of distinct) {
    const room = key.slice(0, key.lastIndexOf('|'));
    byRoom.set(room, [...(byRoom.get(room) ?? []), d.asOf]);
  }
  for (const times of byRoom.values()) {
    times.sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
  }
  const sub = (group: boolean) =>
    q4(
      lat.filter((_, i) => isGroup[i] === group),
      w.filter((_, i) => isGroup[i] === group),
    );
  const measured = ticks.filter((t) => t.measured);
  const eventsOf = (t: Tick) => t.counts.get(GROUP) ?? 0;
  const ds = [...distinct.values()];
  return {
    system: c.system,
    servers: c.servers,
    sockets: c.sockets,
    rate: c.rate,
    tickMs: c.tickMs,
    eventsPerPost: eventsOf(ticks[0]!),
    posts: measured.length,
    events: measured.reduce((s, t) => s + eventsOf(t), 0),
    samples: w.reduce((s, x) => s + x, 0),
    unseen,
    latency: q4(lat, w),
    storeRooms: sub(false),
    groupRoom: sub(true),
    received,
    pushes: distinct.size,
    pushBytes: {
      store: median(pushes.sizes.filter((x) => x.group === false).map((x) => x.bytes)),
      group: median(pushes.sizes.filter((x) => x.group).map((x) => x.bytes)),
    },
    pushGapMs: q2(gaps).p50,
    firstReceiptMs: q2(ds.map((d) => d.first - d.asOf)),
    fanOutMs: q2(ds.map((d) => d.last - d.first)),
    ...(product
      ? {
          parts: {
            queued: part(parts.queued, w),
            job: part(parts.job, w),
            slot: part(parts.slot, w),
            delivered: part(parts.delivered, w),
          },
          jobMs: q2(measured.map((t) => t.finishedOn! - t.processedOn!)),
          postMs: q2(c.postMs),
          drainMs: round(c.drainMs ?? NaN),
          reordered: order.filter((i, k) => i !== k).length,
        }
      : {}),
    slipMs: round(Math.max(...ticks.map((t) => t.postAt - t.due))),
    cpu: c.cpu,
    load: c.load,
    client: { loopDelayMs: pushes.loopDelayMs, disconnects: pushes.disconnects },
  };
}

/** What a cell posts: `nTicks` ticks `tickMs` apart, the first `warmTicks` not measured; tick i's POSTs (several in a burst, none when nothing arrived). */
export interface Plan {
  tickMs: number;
  nTicks: number;
  warmTicks: number;
  posts(i: number): PulseEvent[][];
}

/** A steady rate: one POST of rate × tickMs / 1000 events every tick, from `events`. */
function steadyPlan(events: Iterator<PulseEvent>, rate: number, tickMs: number): Plan {
  const perTick = Math.round((rate * tickMs) / 1000);
  return {
    tickMs,
    nTicks: Math.round((LATENCY.warmupMs + LATENCY.measureMs) / tickMs),
    warmTicks: Math.round(LATENCY.warmupMs / tickMs),
    posts: () => [Array.from({ length: perTick }, () => events.next().value as PulseEvent)],
  };
}

/** A server process's memory: resident set and V8 heap used, bytes, after a full GC (bench/support/memory-probe.mjs). */
export interface ProcessMemory {
  rss: number;
  heapUsed: number;
}

export type Rig = Awaited<ReturnType<typeof openRig>>;

/**
 * The processes of a measurement: `servers` server processes (sockets spread by serverOfSocket,
 * POSTs round robin), one worker process, the bare relay, the client process; `history` posted
 * through the API before anything is timed. `cell` runs one cell of the product or of the relay.
 */
export async function openRig(redisUrl: string, opts: { servers: number; stores: string[]; history: PulseEvent[]; tag: string }) {
  const { servers, stores, history } = opts;
  const prefix = `${opts.tag}${Date.now().toString(36)}`;
  // BENCH_CPU_PROFILE=dir: CPU profiles of the server and worker processes (bench/support/cpu-profile.mjs).
  const profile: Record<string, string> = process.env.BENCH_CPU_PROFILE
    ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${join(ROOT, 'bench/support/cpu-profile.mjs')}` }
    : {};
  // The servers' memory on demand (SIGUSR2: a full GC, then process.memoryUsage() into a file).
  const memoryDir = mkdtempSync(join(tmpdir(), 'pulse-bench-memory-'));
  const probe = {
    NODE_OPTIONS: `${profile.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? ''} --import ${join(ROOT, 'bench/support/memory-probe.mjs')}`,
    BENCH_MEMORY_DIR: memoryDir,
  };
  const worker = await startPulse('worker', redisUrl, prefix, profile);
  const pulse: Awaited<ReturnType<typeof startPulse>>[] = [];
  for (let i = 0; i < servers; i++) {
    pulse.push(await startPulse('server', redisUrl, prefix, { ...profile, ...probe, PULSE_LIVE_SOCKETS_PER_KEY: '0' }));
  }
  const relayChannel = `${prefix}:relay`;
  const relay = await startRelay(redisUrl, relayChannel);
  const redis = new Redis(redisUrl);
  const publisher = new Redis(redisUrl);
  const listener = new Redis(redisUrl);
  const queue = new Queue(EVENTS_QUEUE, { connection: { url: redisUrl }, prefix: queuePrefix(prefix) });
  const clients = new Clients();
  const close = async () => {
    await clients.close().catch(() => undefined);
    await queue.close();
    for (const r of [redis, publisher, listener]) r.disconnect();
    await stop(relay.child);
    for (const p of pulse) await stop(p.child);
    await stop(worker.child);
    rmSync(memoryDir, { recursive: true, force: true });
  };

  // The change notices the servers act on, as they are heard here.
  let notices = new Map<string, number[]>();
  listener.on('message', (_channel: string, store: string) => {
    const at = now();
    for (const room of [store, GROUP]) {
      const heard = notices.get(room);
      if (heard) heard.push(at);
      else notices.set(room, [at]);
    }
  });

  const seqKeys = stores.map((s) => storeKeys(prefix, s).seq);
  const readSeqs = async () => {
    const v = (await redis.mget(...seqKeys)).map(Number);
    const m = new Map(stores.map((s, i) => [s, v[i]!]));
    m.set(
      GROUP,
      v.reduce((a, b) => a + b, 0),
    );
    return m;
  };
  const untilApplied = async (expected: number) => {
    const deadline = Date.now() + 300_000;
    while ((await readSeqs()).get(GROUP)! < expected) {
      if (Date.now() > deadline) throw new Error(`events not applied in 300 s\n${worker.output()}`);
      await sleep(10);
    }
  };
  /** POSTs answered 503 and sent again, as a dealer system does (the time still runs from the first). */
  let postRetries = 0;
  const post = async (base: string, batch: PulseEvent[]) => {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${base}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: batch }),
      }).catch((err: unknown) => {
        // A server that went away: say why, from its own output.
        const gone = pulse.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null);
        throw new Error(`POST events to ${base}: ${String(err)}\n${gone.map((p) => p.output()).join('\n')}`);
      });
      const text = await res.text();
      if (res.status === 202) return;
      if (res.status !== 503 || attempt === 10) throw new Error(`POST events: ${res.status} ${text.slice(0, 500)}`);
      postRetries++;
      await sleep(200);
    }
  };
  const cpuNow = async () => {
    const info = await redis.info('cpu');
    const redisCpu = ['used_cpu_sys', 'used_cpu_user'].reduce((s, f) => s + Number(new RegExp(`${f}:(\\S+)`).exec(info)?.[1]), 0);
    const own = process.cpuUsage();
    return {
      servers: pulse.reduce((s, p) => s + cpuSeconds(p.child.pid), 0),
      worker: cpuSeconds(worker.child.pid),
      redis: redisCpu,
      clients: cpuSeconds(clients.child.pid),
      bench: (own.user + own.system) / 1e6,
      at: now(),
    };
  };
  /** Each server's memory after a full GC (NaN when the probe did not answer). */
  const memory = async (): Promise<ProcessMemory[]> =>
    Promise.all(
      pulse.map(async (p) => {
        const file = join(memoryDir, `${p.child.pid}.json`);
        rmSync(file, { force: true });
        p.child.kill('SIGUSR2');
        for (let i = 0; i < 200 && !existsSync(file); i++) await sleep(25);
        try {
          const m = JSON.parse(readFileSync(file, 'utf8')) as ProcessMemory;
          return { rss: m.rss, heapUsed: m.heapUsed };
        } catch {
          return { rss: NaN, heapUsed: NaN };
        }
      }),
    );

  let posted = history.length;
  const relaySeq = new Map<string, number>([...stores, GROUP].map((r) => [r, 0]));

  /** One cell: the plan posted to the product (`onServers` of the servers take POSTs) or published to the relay. */
  async function cell(
    system: System,
    rooms: string[],
    plan: Plan,
    rate: number,
    onServers: number,
  ): Promise<LatencyCell & { clockSkewMs: number }> {
    const { tickMs, nTicks, warmTicks } = plan;
    const seq0 = system === 'pulse' ? await readSeqs() : new Map(relaySeq);
    const ticks: Tick[] = [];
    const postMs: number[] = [];
    const sends: Promise<void>[] = [];
    let drainMs: number | undefined;
    let sent = 0;
    const retried = postRetries;
    const load0 = round(loadavg()[0]!, 2);
    clients.record();
    notices = new Map();
    await sleep(100);
    const cpu0 = await cpuNow();
    const t0 = now() + 10;
    for (let i = 0; i < nTicks; i++) {
      const due = t0 + i * tickMs;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      for (const batch of plan.posts(i)) {
        if (!batch.length) continue;
        const counts = new Map<string, number>([[GROUP, batch.length]]);
        for (const e of batch) counts.set(e.store, (counts.get(e.store) ?? 0) + 1);
        const postAt = now();
        ticks.push({ due, postAt, counts, measured: i >= warmTicks, firstId: batch[0]!.id });
        sent += batch.length;
        if (system === 'pulse') {
          sends.push(post(pulse[ticks.length % onServers]!.baseUrl, batch).then(() => void postMs.push(now() - postAt)));
        } else {
          const p = publisher.pipeline();
          for (const [room, n] of counts) {
            relaySeq.set(room, relaySeq.get(room)! + n);
            p.publish(relayChannel, JSON.stringify({ store: room, seq: relaySeq.get(room), sentAt: postAt }));
          }
          sends.push(p.exec().then(() => undefined));
        }
      }
    }
    await Promise.all(sends);
    if (postRetries > retried) log(`latency: ${postRetries - retried} POSTs answered 503 and sent again`);
    if (system === 'pulse') {
      posted += sent;
      await untilApplied(posted);
      drainMs = now() - ticks[ticks.length - 1]!.postAt;
      // When each tick's job was taken and finished (the newest jobs first); a job completes just after it publishes.
      for (let attempt = 0; ; attempt++) {
        const jobs = await queue.getJobs(['completed'], 0, ticks.length + 100, false);
        const byFirst = new Map(jobs.map((j) => [(j.data as { events: PulseEvent[] }).events[0]?.id, j]));
        const missing = ticks.filter((t) => {
          const j = byFirst.get(t.firstId);
          t.jobId = Number(j?.id);
          t.processedOn = j?.processedOn;
          t.finishedOn = j?.finishedOn;
          return !t.finishedOn || !t.processedOn;
        });
        if (!missing.length) break;
        if (attempt === 100) throw new Error(`no completed job for the tick of ${missing[0]!.firstId}`);
        await sleep(50);
      }
    }
    await sleep(SETTLE_MS);
    const cpu1 = await cpuNow();
    const pushes = await clients.collect();
    const wall = (cpu1.at - cpu0.at) / 1000;
    const share = (k: keyof typeof cpu0) => round((cpu1[k] - cpu0[k]) / wall, 2);
    const r = analyse({
      system,
      servers: system === 'pulse' ? onServers : 1,
      sockets: rooms.length,
      rate,
      tickMs,
      rooms,
      ticks,
      seq0,
      pushes,
      notices,
      postMs,
      drainMs,
      cpu: {
        servers: share('servers'),
        worker: share('worker'),
        redis: share('redis'),
        clients: share('clients'),
        bench: share('bench'),
      },
      load: { start: load0, end: round(loadavg()[0]!, 2) },
    });
    log('latency', {
      system,
      sockets: rooms.length,
      rate,
      tickMs,
      ...r.latency,
      store: r.storeRooms.p99,
      group: r.groupRoom.p99,
      unseen: r.unseen,
      ...(r.parts ? { queued: r.parts.queued.p50, slot: r.parts.slot.p50, delivered: r.parts.delivered.p50 } : {}),
      cpu: r.cpu,
    });
    return Object.assign(r, { clockSkewMs: round(Date.now() - now() - pushes.wallMinusMono, 2) });
  }

  /** Opens the sockets: socket i to rooms[i], on the relay or on the first `onServers` servers. */
  async function connect(system: System, rooms: string[], onServers: number): Promise<number> {
    const bases = system === 'pulse' ? pulse.slice(0, onServers).map((p) => p.baseUrl) : [relay.baseUrl];
    const urls = rooms.map((_, i) => bases[serverOfSocket(i, bases.length)]!);
    const ms = await clients.connect(urls, ADMIN_TOKEN, rooms);
    log(`latency: ${rooms.length} sockets connected to the ${system === 'pulse' ? 'product' : 'relay'} in ${round(ms)} ms`);
    return round(ms);
  }

  try {
    await listener.subscribe(globalKeys(prefix).changedChannel);
    // The history, through the API, 4 requests in flight.
    let next = 0;
    const batches = chunks(history, 500);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < batches.length) await post(pulse[0]!.baseUrl, batches[next++]!);
      }),
    );
    await untilApplied(posted);
    log('latency: history applied', { events: posted, stores: stores.length });
  } catch (err) {
    await close();
    throw err;
  }
  return { cell, connect, memory, close, disconnect: () => clients.connect([], ADMIN_TOKEN, []) };
}

/**
 * Every cell, for the product (`servers` server processes; one worker process) and for the bare
 * relay; a single run of each. Then the dealer-group shape (bench/latency-group.ts).
 */
export async function latencyBench(redisUrl: string, opts: { servers?: number } = {}): Promise<LatencyResults> {
  const servers = opts.servers ?? 1;
  const stores = STORES.slice(0, 4).map((s) => s.code);
  // A month of demo history per store; its copies with new ids are the live stream.
  const history = stores
    .flatMap((code, i) => {
      const seen = new Set<string>();
      return demoEvents(i, code, LATENCY.historyDays, 300 + i).filter((e) => !seen.has(e.id) && seen.add(e.id));
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const events = stream(history, stores);

  const results: LatencyResults = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    servers,
    stores: stores.length,
    historyEventsPerStore: Math.round(history.length / stores.length),
    warmupMs: LATENCY.warmupMs,
    measureMs: LATENCY.measureMs,
    connectMs: {},
    clockSkewMs: NaN,
    cells: [],
  };
  const rig = await openRig(redisUrl, { servers, stores, history, tag: 'bl' });
  try {
    for (const sockets of LATENCY.sockets) {
      const rooms = Array.from({ length: sockets }, (_, i) => roomOfSocket(i, stores));
      for (const system of LATENCY.systems) {
        results.connectMs[`${system} ${sockets}`] = await rig.connect(system, rooms, servers);
        const cells = [...LATENCY.rates.map((rate) => ({ rate, tickMs: LATENCY.tickMs }))];
        if (system === 'pulse') cells.push(...LATENCY.extra.filter((e) => e.sockets === sockets));
        for (const { rate, tickMs } of cells) {
          const { clockSkewMs, ...c } = await rig.cell(system, rooms, steadyPlan(events, rate, tickMs), rate, servers);
          results.clockSkewMs = clockSkewMs;
          results.cells.push(c);
        }
      }
    }
  } finally {
    await rig.close();
  }
  results.group = await groupShapeBench(redisUrl, { servers });
  return results;
}
