/**
 * Event → screen latency at a dealer group's shape, measured as bench/latency.ts measures it (same
 * samples, same parts, the bare relay beside it):
 *
 * - **group**: 500 stores, each holding two days of demo history (posted through the API before
 *   anything is timed); 1,000 sockets: one in ten on the group room (100), the other 900 two per
 *   store on 450 stores (roomOfSocket: the 50 stores whose number ends in 9 have no screen open);
 *   1,000 events a second arriving as a Poisson process (exponential gaps from a seeded generator),
 *   each to a store drawn at random, posted by the dealer systems' connector every 20 ms with what
 *   arrived since its last POST (≈ 20 events, mostly one per store); in the middle of the measured
 *   window one DMS batch of 5,000 events for 50 watched stores (100 each), as 10 POSTs of 500 at once.
 * - **hot store**: the same sockets, 250 events a second (Poisson) to one store.
 * - **5,000 sockets** (first, on servers that have served nothing else): the group cell with 5,000 sockets on 2 server processes behind the
 *   Redis adapter (4,500 on 450 stores, 500 on the group), and each server's memory (RSS and V8
 *   heap after a full GC) before the sockets connect and after, divided by its sockets.
 */
import type { PulseEvent } from '../domain/events.js';
import { STORES } from '../launcher/demo/dealership.js';
import { mulberry32 } from '../launcher/demo/random.js';
import { openRig, roomOfSocket, stream, type LatencyCell, type Plan, type ProcessMemory } from './latency.js';
import { demoEvents } from './support/demo-events.js';
import { log, round } from './support/measure.js';
import { SMOKE } from './support/params.js';

export const GROUP_SHAPE = SMOKE
  ? {
      stores: 20,
      sockets: 40,
      rate: 200,
      hotRate: 50,
      burst: { events: 200, stores: 2, posts: 2 },
      manySockets: 100,
      historyDays: 1,
      tickMs: 20,
      warmupMs: 500,
      measureMs: 1000,
    }
  : {
      stores: 500,
      sockets: 1000,
      rate: 1000,
      hotRate: 250,
      burst: { events: 5000, stores: 50, posts: 10 },
      manySockets: 5000,
      historyDays: 2,
      tickMs: 20,
      warmupMs: 2000,
      measureMs: 10_000,
    };
/** The server processes of the many-sockets cell. */
const MANY_SOCKETS_SERVERS = 2;

export type ShapeCell = LatencyCell & {
  /** group: the group's shape; hot: one store at hotRate; many: the group's shape on more sockets. */
  shape: 'group' | 'hot' | 'many';
  /** The DMS batch inside the measured window, if any: its events, stores and POSTs. */
  burst?: { events: number; stores: number; posts: number };
};

export interface SocketMemory {
  servers: number;
  sockets: number;
  /** Each server's memory before any socket connected and with its share of the sockets connected, bytes. */
  before: ProcessMemory[];
  after: ProcessMemory[];
  /** Each server's sockets. */
  socketsPerServer: number[];
  /** (after − before) summed over the servers ÷ sockets, bytes. */
  rssPerSocket: number;
  heapPerSocket: number;
}

export interface GroupShapeResults {
  stores: number;
  historyEventsPerStore: number;
  historyDays: number;
  /** Stores with at least one socket, sockets on a store room, on the group room. */
  storesWatched: number;
  storeSockets: number;
  groupSockets: number;
  tickMs: number;
  warmupMs: number;
  measureMs: number;
  /** Server processes for the 1,000-socket cells. */
  servers: number;
  cells: ShapeCell[];
  memory?: SocketMemory;
}

/**
 * Poisson arrivals at `rate` a second from time 0 (ms): exponential gaps, each arrival to a store
 * index drawn by `pick`. `until(ms)` hands back the arrivals before `ms` not handed back yet.
 */
export function poissonArrivals(rate: number, random: () => number, pick: () => number) {
  let next = -Math.log(1 - random()) * (1000 / rate);
  return {
    until(ms: number): number[] {
      const out: number[] = [];
      while (next < ms) {
        out.push(pick());
        next += -Math.log(1 - random()) * (1000 / rate);
      }
      return out;
    },
  };
}

/** Where the DMS batch goes: `count` watched stores spread over the group (every ⌊n / count⌋-th, none ending in 9). */
export function burstStores(stores: string[], rooms: string[], count: number): string[] {
  const watched = stores.filter((s) => rooms.includes(s));
  const step = watched.length / count;
  return Array.from({ length: count }, (_, k) => watched[Math.floor(k * step)]!);
}

export async function groupShapeBench(redisUrl: string, opts: { servers: number }): Promise<GroupShapeResults> {
  const G = GROUP_SHAPE;
  const stores = Array.from({ length: G.stores }, (_, i) => `G${String(i).padStart(3, '0')}`);
  // Each store takes the history of one of the demo profiles (generated once per profile).
  const bases = STORES.map((p, k) => {
    const seen = new Set<string>();
    return demoEvents(k, p.code, G.historyDays, 700 + k).filter((e) => !seen.has(e.id) && seen.add(e.id));
  });
  const profileOf = (i: number) => i % bases.length;
  const history = stores
    .flatMap((code, i) => bases[profileOf(i)]!.map((e) => ({ ...e, store: code })))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  // Each store's live stream: copies of its profile's history with new ids.
  const streams = stores.map((code, i) => {
    const s = stream(bases[profileOf(i)]!, [STORES[profileOf(i)]!.code]);
    return () => ({ ...(s.next().value as PulseEvent), store: code });
  });

  const servers = Math.max(opts.servers, MANY_SOCKETS_SERVERS);
  const rig = await openRig(redisUrl, { servers, stores, history, tag: 'bg' });
  const roomsOf = (n: number) => Array.from({ length: n }, (_, i) => roomOfSocket(i, stores));
  const rooms = roomsOf(G.sockets);
  const watched = new Set(rooms.filter((r) => r !== '*'));
  const results: GroupShapeResults = {
    stores: stores.length,
    historyEventsPerStore: Math.round(history.length / stores.length),
    historyDays: G.historyDays,
    storesWatched: watched.size,
    storeSockets: rooms.filter((r) => r !== '*').length,
    groupSockets: rooms.filter((r) => r === '*').length,
    tickMs: G.tickMs,
    warmupMs: G.warmupMs,
    measureMs: G.measureMs,
    servers: opts.servers,
    cells: [],
  };
  const nTicks = Math.round((G.warmupMs + G.measureMs) / G.tickMs);
  const warmTicks = Math.round(G.warmupMs / G.tickMs);
  const burstTick = warmTicks + Math.round((nTicks - warmTicks) / 2);
  const burst = burstStores(stores, rooms, G.burst.stores);

  /** The group's shape: Poisson arrivals over every store, the DMS batch in the middle of the measured window. */
  const groupPlan = (seed: number): Plan => {
    const random = mulberry32(seed);
    const arrivals = poissonArrivals(G.rate, random, () => Math.floor(random() * stores.length));
    return {
      tickMs: G.tickMs,
      nTicks,
      warmTicks,
      posts(i) {
        const posts = [arrivals.until((i + 1) * G.tickMs).map((s) => streams[s]!())];
        if (i !== burstTick) return posts;
        const batch = burst.flatMap((store) =>
          Array.from({ length: G.burst.events / burst.length }, () => streams[stores.indexOf(store)]!()),
        );
        const per = Math.ceil(batch.length / G.burst.posts);
        for (let k = 0; k < G.burst.posts; k++) posts.push(batch.slice(k * per, (k + 1) * per));
        return posts;
      },
    };
  };
  /** One store at hotRate, Poisson. */
  const hotPlan = (seed: number): Plan => {
    const random = mulberry32(seed);
    const arrivals = poissonArrivals(G.hotRate, random, () => 0);
    return { tickMs: G.tickMs, nTicks, warmTicks, posts: (i) => [arrivals.until((i + 1) * G.tickMs).map((s) => streams[s]!())] };
  };
  const burstInfo = { events: G.burst.events, stores: G.burst.stores, posts: G.burst.posts };
  const run = async (shape: ShapeCell['shape'], system: 'pulse' | 'relay', r: string[], plan: Plan, rate: number, on: number) => {
    const c: Partial<Awaited<ReturnType<typeof rig.cell>>> & LatencyCell = await rig.cell(system, r, plan, rate, on);
    delete c.clockSkewMs;
    results.cells.push({ ...c, shape, ...(shape === 'hot' ? {} : { burst: burstInfo }) });
  };

  try {
    // Many sockets on 2 servers first, while the servers have served nothing else since their
    // start: each server's memory with no socket, then with its share of the sockets.
    const before = await rig.memory();
    const many = roomsOf(G.manySockets);
    await rig.connect('pulse', many, MANY_SOCKETS_SERVERS);
    const after = await rig.memory();
    const perServer = Array.from(
      { length: MANY_SOCKETS_SERVERS },
      (_, k) => many.filter((_r, i) => Math.floor(i / 10) % MANY_SOCKETS_SERVERS === k).length,
    );
    const sum = (m: ProcessMemory[], k: keyof ProcessMemory) => m.slice(0, MANY_SOCKETS_SERVERS).reduce((s, x) => s + x[k], 0);
    results.memory = {
      servers: MANY_SOCKETS_SERVERS,
      sockets: many.length,
      before: before.slice(0, MANY_SOCKETS_SERVERS),
      after: after.slice(0, MANY_SOCKETS_SERVERS),
      socketsPerServer: perServer,
      rssPerSocket: round((sum(after, 'rss') - sum(before, 'rss')) / many.length, 0),
      heapPerSocket: round((sum(after, 'heapUsed') - sum(before, 'heapUsed')) / many.length, 0),
    };
    log('latency: memory per socket', results.memory);
    await run('many', 'pulse', many, groupPlan(1), G.rate, MANY_SOCKETS_SERVERS);
    for (const system of ['pulse', 'relay'] as const) {
      await rig.connect(system, rooms, opts.servers);
      // The same seeds for the product and the relay: the same arrivals.
      await run('group', system, rooms, groupPlan(1), G.rate, opts.servers);
      await run('hot', system, rooms, hotPlan(2), G.hotRate, opts.servers);
    }
  } finally {
    await rig.close();
  }
  return results;
}
