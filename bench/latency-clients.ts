/**
 * The screens of the latency measurement (bench/latency.ts), in a process of their own: opens
 * sockets to `/live` (socket i to the server urls[i]), subscribes socket i to rooms[i], and notes
 * when every `kpis` push arrives. Driven by its parent over IPC:
 *
 *   → {type: 'connect', urls, token, rooms}   ← {type: 'connected', ms}   (closes earlier sockets)
 *   → {type: 'record'}                        from now on every push is kept
 *   → {type: 'collect'}                       ← {type: 'pushes', …}       and forgets them
 *   → {type: 'close'}                         disconnects and exits
 *
 * A receipt time is `performance.timeOrigin + performance.now()` (ms since the epoch, sub-ms),
 * taken first thing in the `kpis` handler, after socket.io-client has decoded the packet.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

export type ClientCommand =
  | { type: 'connect'; urls: string[]; token: string; rooms: string[] }
  | { type: 'record' }
  | { type: 'collect' }
  | { type: 'close' };

/** Every receipt while recording, as columns: socket index, snapshot seq, its asOf (ms), receipt time (ms). */
export interface ClientPushes {
  type: 'pushes';
  socket: number[];
  seq: number[];
  asOf: number[];
  at: number[];
  /** The JSON size of the pushes received by the first ten sockets (a group one among them). */
  sizes: { group: boolean; bytes: number }[];
  /** This process's event-loop delay while recording. */
  loopDelayMs: { p50: number; p99: number; max: number };
  disconnects: number;
  /** Date.now() − (timeOrigin + performance.now()) here, to check the two clocks agree across processes. */
  wallMinusMono: number;
}

export type ClientReply = { type: 'connected'; ms: number; retries: number } | ClientPushes | { type: 'error'; message: string };

const now = () => performance.timeOrigin + performance.now();

let sockets: Socket[] = [];
let recording = false;
let disconnects = 0;
/** Subscriptions answered "retry shortly" while connecting (asked again, as the wall does). */
let subscribeRetries = 0;
/** Sockets opened again after being dropped while connecting. */
let reopened = 0;
let cols = { socket: [] as number[], seq: [] as number[], asOf: [] as number[], at: [] as number[] };
let sizes: ClientPushes['sizes'] = [];
const loop = monitorEventLoopDelay({ resolution: 5 });

const send = (m: ClientReply) => process.send!(m);

async function connect(urls: string[], token: string, rooms: string[]) {
  for (const s of sockets) s.disconnect();
  sockets = [];
  subscribeRetries = 0;
  reopened = 0;
  const started = now();
  const open = async (i: number) => {
    const socket = io(`${urls[i]}/live`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 60_000,
    });
    sockets[i] = socket;
    socket.on('kpis', (snap: { store?: string; seq: number; asOf?: string; sentAt?: number }) => {
      const at = now();
      if (!recording) return;
      cols.socket.push(i);
      cols.seq.push(snap.seq);
      cols.asOf.push(snap.sentAt ?? Date.parse(snap.asOf ?? ''));
      cols.at.push(at);
      if (i < 10) sizes.push({ group: snap.store === '*', bytes: Buffer.byteLength(JSON.stringify(snap)) });
    });
    socket.on('disconnect', () => disconnects++);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(new Error(`socket ${i}: ${err.message}`)));
    });
    // As the wall does: a snapshot the server could not read in time is asked for again shortly.
    for (let attempt = 1; ; attempt++) {
      const res = (await socket.timeout(60_000).emitWithAck('subscribe', { store: rooms[i] })) as { error?: string };
      if (!res.error) break;
      if (!res.error.includes('retry shortly') || attempt === 20)
        throw new Error(`socket ${i}: subscribe ${rooms[i]}: ${res.error}`);
      subscribeRetries++;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  // 25 handshakes at a time: each subscription's ack carries a freshly built snapshot.
  let next = 0;
  // A socket dropped while connecting (a server too busy to answer its pings in time) is opened again.
  const openRetrying = async (i: number) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await open(i);
      } catch (err) {
        sockets[i]?.disconnect();
        if (attempt === 5) throw err;
        reopened++;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };
  const opener = async () => {
    while (next < rooms.length) await openRetrying(next++);
  };
  await Promise.all(Array.from({ length: 25 }, opener));
  disconnects = 0;
  return now() - started;
}

// The parent is gone (finished or killed): so are the screens.
process.on('disconnect', () => process.exit(0));

process.on('message', (cmd: ClientCommand) => {
  void (async () => {
    try {
      if (cmd.type === 'connect') {
        {
          const ms = await connect(cmd.urls, cmd.token, cmd.rooms);
          send({ type: 'connected', ms, retries: subscribeRetries + reopened });
        }
      } else if (cmd.type === 'record') {
        cols = { socket: [], seq: [], asOf: [], at: [] };
        sizes = [];
        loop.reset();
        loop.enable();
        recording = true;
      } else if (cmd.type === 'collect') {
        recording = false;
        loop.disable();
        const ms = (ns: number) => Math.round(ns / 1e4) / 100;
        send({
          type: 'pushes',
          ...cols,
          sizes,
          loopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
          disconnects,
          wallMinusMono: Date.now() - now(),
        });
        cols = { socket: [], seq: [], asOf: [], at: [] };
      } else if (cmd.type === 'close') {
        for (const s of sockets) s.disconnect();
        setTimeout(() => process.exit(0), 100);
      }
    } catch (err) {
      send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
