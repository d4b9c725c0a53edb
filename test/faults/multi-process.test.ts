/**
 * Several servers and workers as real processes on one Redis: two `--role=server`, two
 * `--role=worker`. Sockets on both servers follow a store each and the group; events are posted to
 * both servers in turn; one worker is SIGKILLed with batches in hand. Every socket ends with the
 * exact figures; each push reached the room's sockets on both servers, once; seq only goes up; and
 * a room is pushed at most PULSE_LIVE_MAX_PUSHES_PER_SECOND times a second across the servers.
 */
import { isDeepStrictEqual } from 'node:util';
import { Job } from 'bullmq';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LEAD_CHANNELS, type PulseEvent } from '../../domain/events.js';
import type { Snapshot } from '../../domain/kpis.js';
import { GROUP, MAX_PUSHES_PER_SECOND, type ClientToServerEvents, type ServerToClientEvents } from '../../domain/protocol.js';
import { ev } from '../support/events.js';
import { batches, eventsQueue, expectRecovered, figures, getSnapshot, postEvents, unfinished } from '../support/faults.js';
import { killAll, type PulseProcess } from '../support/processes.js';
import { PulseGroup } from '../support/pulse-group.js';
import { ADMIN_TOKEN, uniquePrefix, waitFor } from '../support/stack.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('fmulti');
const STORES = ['MP01', 'MP02'];
const ROOMS = [...STORES, GROUP];
/** Deliveries per store; with their callbacks, visits and leads, about 3,700 events in all. */
const PER_STORE = 500;
const BATCH = 75;
const CAP = MAX_PUSHES_PER_SECOND;
const queue = eventsQueue(redisUrl, prefix);
const sockets: { disconnect(): unknown }[] = [];

afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await killAll();
  await queue.close();
});

// ── What is posted, and the figures it must give (worked out here, from the events alone) ──

function storeEvents(store: string, at: number): PulseEvent[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const out: PulseEvent[] = [];
  for (let i = 0; i < PER_STORE; i++) {
    const orderId = `${store}-o${i}`;
    out.push(ev('vehicle.delivered', iso(at + i), { store, id: `${store}-d${i}`, orderId }));
    if (i % 3 !== 0) {
      const fields = { store, id: `${store}-c${i}`, callbackId: `${store}-cb${i}`, subjectId: orderId };
      out.push(ev('callback.attempted', iso(at + 1000 + i), { ...fields, kind: 'sales', outcome: 'reached' }));
    }
    out.push(ev('showroom.visit', iso(at + i), { store, id: `${store}-v${i}`, firstVisit: i % 2 === 0 }));
    const channel = LEAD_CHANNELS[i % LEAD_CHANNELS.length]!;
    out.push(ev('lead.created', iso(at + i), { store, id: `${store}-l${i}`, leadId: `${store}-lead${i}`, channel }));
  }
  return out;
}

/** The month's figures these events drive, as a snapshot shows them. */
function counted(s: Snapshot) {
  const cb = s.kpis.salesCallbackRate.month;
  return {
    deliveries: s.kpis.deliveries.month.count,
    salesCallbacks: { numerator: cb.numerator, denominator: cb.denominator, pending: cb.pending, missed: cb.missed },
    showroom: s.kpis.showroom.month,
    leads: s.kpis.leads.month.byChannel,
  };
}

/** The same figures from the events: deliveries, reached callbacks of those deliveries, visits, leads by channel. */
function expectedOf(events: PulseEvent[], stores: string[]): ReturnType<typeof counted> {
  const mine = events.filter((e) => stores.includes(e.store));
  const delivered = new Set(mine.flatMap((e) => (e.type === 'vehicle.delivered' ? [`${e.store}/${e.orderId}`] : [])));
  const met = new Set(
    mine.flatMap((e) =>
      e.type === 'callback.attempted' && e.outcome === 'reached' && delivered.has(`${e.store}/${e.subjectId}`)
        ? [`${e.store}/${e.subjectId}`]
        : [],
    ),
  );
  const visits = mine.filter((e) => e.type === 'showroom.visit');
  const leads = Object.fromEntries(LEAD_CHANNELS.map((c) => [c, 0])) as Record<(typeof LEAD_CHANNELS)[number], number>;
  for (const e of mine) if (e.type === 'lead.created') leads[e.channel]++;
  return {
    deliveries: delivered.size,
    // None is due yet (72 h): the rate counts the met ones over met or due, the rest are pending.
    salesCallbacks: { numerator: met.size, denominator: met.size, pending: delivered.size - met.size, missed: 0 },
    showroom: { visits: visits.length, firstVisits: visits.filter((e) => e.type === 'showroom.visit' && e.firstVisit).length },
    leads,
  };
}

// ── Sockets that keep every push ──

interface Push {
  seq: number;
  /** When the server built the snapshot (its clock; every process here shares the machine's). */
  builtAt: number;
  /** When it arrived. */
  at: number;
  snap: Snapshot;
}
interface Watcher {
  name: string;
  rooms: string[];
  pushes: Map<string, Push[]>;
}

async function watch(name: string, server: PulseProcess, rooms: string[]): Promise<Watcher> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`${server.baseUrl}/live`, {
    auth: { token: ADMIN_TOKEN },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  const w: Watcher = { name, rooms, pushes: new Map(rooms.map((r) => [r, []])) };
  socket.on('kpis', (snap) =>
    w.pushes.get(snap.store)?.push({ seq: snap.seq, builtAt: Date.parse(snap.asOf), at: Date.now(), snap }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  for (const store of rooms) {
    const ack = await socket.timeout(10_000).emitWithAck('subscribe', { store });
    if ('error' in ack) throw new Error(`${name} subscribe ${store}: ${ack.error}`);
  }
  return w;
}

async function snapshotOf(baseUrl: string, room: string): Promise<Snapshot> {
  if (room !== GROUP) return getSnapshot(baseUrl, room);
  const res = await fetch(`${baseUrl}/api/v1/kpis`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (res.status !== 200) throw new Error(`GET group kpis: ${res.status} ${await res.text()}`);
  return (await res.json()) as Snapshot;
}

/** The most items of a sorted list of times that fall within any window of `windowMs`. */
function mostInWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe('two servers and two workers on one Redis', () => {
  it('bring every socket on both servers the exact figures, each push once, within the rate', async () => {
    // No rate limits: the test reads snapshots in a loop while it waits.
    const opts = { redisUrl, prefix, env: { PULSE_RATE_API_PER_MIN: '0', PULSE_RATE_INGEST_PER_MIN: '0' } };
    const group = new PulseGroup({ tail: 2500 });
    const [serverA, serverB, w1] = await Promise.all([
      group.start('server', opts),
      group.start('server', opts),
      group.start('worker', opts),
    ]);
    // One worker after the other: each is found ready by its new connection to the queue.
    const w2 = await group.start('worker', opts);
    const servers = [serverA, serverB];
    const { dump } = group;

    for (const store of STORES) {
      const res = await fetch(`${serverA.baseUrl}/api/v1/stores/${store}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `门店 ${store}`, timezone: 'Asia/Shanghai' }),
      });
      expect(res.status, await res.text()).toBe(200);
    }
    const watchers = await Promise.all([
      watch('A1', serverA, ['MP01', GROUP]),
      watch('A2', serverA, ['MP02', GROUP]),
      watch('B1', serverB, ['MP01', GROUP]),
      watch('B2', serverB, ['MP02', GROUP]),
    ]);
    // Every socket is in its rooms now: any push of a later seq was sent to all of them.
    const seqBefore = new Map(
      await Promise.all(ROOMS.map(async (r) => [r, (await snapshotOf(serverA.baseUrl, r)).seq] as const)),
    );

    const base = Date.now() - 60_000;
    const [first, second] = STORES.map((s) => storeEvents(s, base));
    const events = first!.flatMap((e, i) => (second![i] ? [e, second![i]!] : [e]));
    const jobs = batches(events, BATCH);
    const post = async (i: number, b: PulseEvent[]) => {
      expect(await postEvents(servers[i % 2]!.baseUrl, b), dump()).toBe(202);
    };
    const third = Math.floor(jobs.length / 3);

    // 1. A third of the stream, to both servers in turn, through both workers.
    for (let i = 0; i < third; i++) await post(i, jobs[i]!);
    await waitFor(async () => (await unfinished(queue)) === 0, 20_000, 'the first third applied');

    // 2. The second worker is frozen (SIGSTOP, idle), so that the first surely holds batches when
    //    it is SIGKILLed in the middle of the next third.
    w2.signal('SIGSTOP');
    let next = third;
    let cutOff: Job[] | null = null;
    while (next < 2 * third && !cutOff) {
      const from = next;
      const chunk = jobs.slice(from, Math.min(from + 5, 2 * third));
      await Promise.all(chunk.map((b, k) => post(from + k, b)));
      next += chunk.length;
      // Batches waiting: the worker takes the next as soon as it finishes one, so it holds some.
      const c = await queue.getJobCounts('wait', 'active');
      if ((c.active ?? 0) > 0 && (c.wait ?? 0) > 0) {
        await w1.kill9();
        cutOff = await queue.getActive();
      }
    }
    if (!cutOff) {
      await w1.kill9();
      cutOff = await queue.getActive();
    }
    w2.signal('SIGCONT');
    expect(cutOff.length, `batches in the hands of the killed worker\n${dump()}`).toBeGreaterThan(0);

    // 3. The rest, with some batches sent again to the other server (a retrying sender).
    for (let i = next; i < jobs.length; i++) {
      await post(i, jobs[i]!);
      if (i % 4 === 0) await post(i + 1, jobs[i - third]!);
    }

    // The killed worker's batches are taken over once their lock expires (PULSE_WORKER_LOCK_MS, 2 s here).
    await expectRecovered(queue, cutOff, dump);

    // Every socket's last push: the figures worked out from the events, and a fresh snapshot's.
    const expected = new Map(ROOMS.map((r) => [r, expectedOf(events, r === GROUP ? STORES : [r])]));
    const lastOf = (w: Watcher, room: string) => w.pushes.get(room)!.at(-1)?.snap;
    let fresh = new Map<string, Snapshot>();
    await waitFor(
      async () => {
        fresh = new Map(await Promise.all(ROOMS.map(async (r) => [r, await snapshotOf(serverB.baseUrl, r)] as const)));
        return watchers.every((w) =>
          w.rooms.every((room) => {
            const last = lastOf(w, room);
            const now = fresh.get(room)!;
            return (
              last?.seq === now.seq &&
              isDeepStrictEqual(counted(last), expected.get(room)) &&
              isDeepStrictEqual(figures(last), figures(now))
            );
          }),
        );
      },
      20_000,
      'every socket to show the exact figures',
    ).catch((err: Error) => {
      const state = watchers.flatMap((w) =>
        w.rooms.map((r) => `${w.name} ${r}: seq ${lastOf(w, r)?.seq} ${JSON.stringify(lastOf(w, r) && counted(lastOf(w, r)!))}`),
      );
      const now = [...fresh].map(([r, f]) => `fresh ${r}: seq ${f.seq} ${JSON.stringify(counted(f))}`);
      throw new Error(
        `${err.message}\n${state.join('\n')}\n${now.join('\n')}\nexpected ${JSON.stringify([...expected])}\n${dump()}`,
      );
    });
    for (const w of watchers) {
      for (const room of w.rooms) {
        expect(counted(lastOf(w, room)!), `${w.name} ${room}`).toEqual(expected.get(room));
        expect(figures(lastOf(w, room)!), `${w.name} ${room}`).toEqual(figures(fresh.get(room)!));
      }
    }

    const measured: Record<string, unknown> = {};
    for (const room of ROOMS) {
      const inRoom = watchers.filter((w) => w.rooms.includes(room));
      expect(new Set(inRoom.map((w) => w.name[0])), `sockets of ${room} on both servers`).toEqual(new Set(['A', 'B']));
      // No double pushes: on each socket, seq strictly increases from push to push.
      for (const w of inRoom) {
        const seqs = w.pushes.get(room)!.map((p) => p.seq);
        for (let k = 1; k < seqs.length; k++)
          expect(seqs[k], `${w.name} ${room} push ${k}: ${seqs.join(',')}`).toBeGreaterThan(seqs[k - 1]!);
      }
      // Each push reached the room's sockets on both servers: the same pushes everywhere.
      const after = (w: Watcher) => w.pushes.get(room)!.filter((p) => p.seq > seqBefore.get(room)!);
      const reference = after(inRoom[0]!);
      expect(reference.length, `pushes of ${room}`).toBeGreaterThanOrEqual(2);
      for (const w of inRoom)
        expect(
          after(w).map((p) => p.seq),
          `${w.name} ${room}`,
        ).toEqual(reference.map((p) => p.seq));
      // The rate, across servers: snapshots built at least 1/CAP s apart (the turn's gap, on Redis'
      // clock, which is this machine's), so never more than CAP in a second.
      const built = reference.map((p) => p.builtAt);
      for (let k = 1; k < built.length; k++) {
        expect(built[k]! - built[k - 1]!, `${room} pushes ${k - 1}→${k}`).toBeGreaterThanOrEqual(1000 / CAP - 2);
      }
      expect(mostInWindow(built, 1000 - 2 * CAP)).toBeLessThanOrEqual(CAP);
      measured[room] = {
        pushes: reference.length,
        overMs: built.at(-1)! - built[0]!,
        mostBuiltIn1s: mostInWindow(built, 1000),
        mostArrivedIn1s: Math.max(
          ...inRoom.map((w) =>
            mostInWindow(
              after(w).map((p) => p.at),
              1000,
            ),
          ),
        ),
        minGapMs: Math.min(...built.slice(1).map((t, k) => t - built[k]!)),
      };
    }
    console.log(`multi-process pushes: ${JSON.stringify(measured)}`);

    expect(w1.alive).toBe(false);
    expect(serverA.alive && serverB.alive && w2.alive, dump()).toBe(true);
    group.expectNoProblems();
  }, 90_000);
});
