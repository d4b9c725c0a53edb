/**
 * Two servers (two apps in this process) on one Redis and one prefix, sockets on both: every push
 * reaches both through the Socket.IO Redis adapter, once; an alert arrives once per socket, not
 * once per server; a renamed store is pushed; a server that stops drops only its own sockets.
 * (The same with real processes and a killed worker: test/faults/multi-process.test.ts.)
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../domain/alerts.js';
import type { Snapshot } from '../domain/kpis.js';
import { GROUP, type ClientToServerEvents, type ServerToClientEvents } from '../domain/protocol.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './support/stack.js';

type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;
const STORE = 'SV01';

let a: Stack;
let b: Stack;
let bClosed = false;
const sockets: LiveClient[] = [];
beforeAll(async () => {
  a = await startStack('several');
  b = await startStack('several', { workers: false, config: { prefix: a.config.prefix } });
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  if (!bClosed) await b.close();
  await a.close();
});

interface Seen {
  socket: LiveClient;
  kpis: Snapshot[];
  alerts: Alert[];
}

async function watcher(stack: Stack): Promise<Seen> {
  const socket: LiveClient = connect(`${stack.baseUrl}/live`, {
    auth: { token: ADMIN_TOKEN },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  const seen: Seen = { socket, kpis: [], alerts: [] };
  socket.on('kpis', (s) => s.store === STORE && seen.kpis.push(s));
  socket.on('alert', (al) => seen.alerts.push(al));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  for (const store of [STORE, GROUP]) {
    const ack = await socket.emitWithAck('subscribe', { store });
    if ('error' in ack) throw new Error(ack.error);
  }
  return seen;
}

const minuteAgo = () => new Date(Date.now() - 60_000).toISOString();
let visits = 0;
const visit = (stack: Stack) =>
  stack.request('POST', '/api/v1/events', ev('showroom.visit', minuteAgo(), { store: STORE, firstVisit: ++visits === 1 }));

describe('two servers on one Redis', () => {
  let onA: Seen;
  let onB: Seen;
  beforeAll(async () => {
    await a.request('PUT', `/api/v1/stores/${STORE}`, { name: '两台店', timezone: 'Asia/Shanghai' });
    [onA, onB] = await Promise.all([watcher(a), watcher(b)]);
  });

  it('push the figures of an event posted to either to the sockets of both, each push once', async () => {
    for (let i = 0; i < 3; i++) expect((await visit(i % 2 ? a : b)).status).toBe(202);
    for (const seen of [onA, onB]) {
      await waitFor(async () => seen.kpis.at(-1)?.kpis.showroom.month.visits === 3, 10_000, 'the third visit');
    }
    // The same pushes on both servers' sockets (those since the first visit, when both were
    // subscribed), seq rising: each push was made by one server.
    const seqs = (seen: Seen) => seen.kpis.filter((s) => s.kpis.showroom.month.visits > 0).map((s) => s.seq);
    expect(seqs(onA)).toEqual(seqs(onB));
    for (let i = 1; i < onA.kpis.length; i++) expect(onA.kpis[i]!.seq).toBeGreaterThan(onA.kpis[i - 1]!.seq);
  });

  it('emit an alert once to each socket, however many servers hear of it', async () => {
    const mention = ev('media.mention', minuteAgo(), {
      store: STORE,
      mentionId: 'M1',
      sentiment: 'negative',
      outlet: '汽车之家',
    });
    expect((await b.request('POST', '/api/v1/events', mention)).status).toBe(202);
    for (const seen of [onA, onB]) await waitFor(async () => seen.alerts.length > 0, 10_000, 'the alert');
    // A later push is the barrier: an alert sent twice would have come before it.
    expect((await visit(a)).status).toBe(202);
    for (const seen of [onA, onB]) {
      await waitFor(async () => seen.kpis.at(-1)?.kpis.showroom.month.visits === 4, 10_000, 'the fourth visit');
      expect(seen.alerts.map((al) => al.kind)).toEqual(['media_negative']);
    }
  });

  it('push a renamed store, with a new seq', async () => {
    const before = onB.kpis.at(-1)!.seq;
    expect((await a.request('PUT', `/api/v1/stores/${STORE}`, { name: '改名店', timezone: 'Asia/Shanghai' })).status).toBe(200);
    for (const seen of [onA, onB]) await waitFor(async () => seen.kpis.at(-1)?.name === '改名店', 10_000, 'the new name');
    expect(onB.kpis.at(-1)!.seq).toBeGreaterThan(before);
  });

  it('drop only their own sockets when one stops', async () => {
    bClosed = true;
    await b.close();
    await waitFor(async () => !onB.socket.connected, 5000, 'the socket on the stopped server to drop');
    expect(onA.socket.connected).toBe(true);
    expect((await visit(a)).status).toBe(202);
    await waitFor(async () => onA.kpis.at(-1)?.kpis.showroom.month.visits === 5, 10_000, 'the fifth visit');
  });
});
