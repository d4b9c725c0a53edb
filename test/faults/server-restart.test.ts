/**
 * A server process SIGKILLed under 200 walls and started again on the same port: every wall
 * reconnects by itself, subscribes again, and shows an event posted after the restart within 10 s.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ev } from '../support/events.js';
import { getSnapshot, postEvents } from '../support/faults.js';
import { WallClient } from '../support/live-wall.js';
import { killAll } from '../support/processes.js';
import { PulseGroup } from '../support/pulse-group.js';
import { uniquePrefix, waitFor } from '../support/stack.js';

const STORE = 'SR01';
const WALLS = 200;
const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('fsrv');
const walls: WallClient[] = [];

afterAll(async () => {
  walls.forEach((w) => w.close());
  await killAll();
});

const complaint = (id: string) =>
  ev('complaint.opened', new Date(Date.now() - 60_000).toISOString(), {
    store: STORE,
    complaintId: id,
    channel: 'phone',
    category: 'service',
    severity: 'low',
  });

describe(`a server restarted under ${WALLS} walls`, () => {
  it('sees every wall reconnect, resubscribe and show an event posted after the restart', async () => {
    const group = new PulseGroup();
    let server = await group.start('server', { redisUrl, prefix });
    const worker = await group.start('worker', { redisUrl, prefix });
    const { dump } = group;

    expect(await postEvents(server.baseUrl, [complaint('C1')]), dump()).toBe(202);
    await waitFor(async () => (await getSnapshot(server.baseUrl, STORE).catch(() => null))?.kpis.complaints.open === 1);
    for (let i = 0; i < WALLS; i++) walls.push(new WallClient(server.baseUrl, STORE));
    await waitFor(async () => walls.every((w) => w.subscribed && w.snapshot?.kpis.complaints.open === 1), 20_000, 'every wall');

    await server.kill9();
    await waitFor(async () => walls.every((w) => !w.socket.connected), 5000, 'every wall to notice');
    server = await group.start('server', { redisUrl, prefix, port: server.port! });

    const posted = Date.now();
    expect(await postEvents(server.baseUrl, [complaint('C2')]), dump()).toBe(202);
    const behind = () => walls.filter((w) => !(w.subscribed && w.snapshot?.kpis.complaints.open === 2));
    await waitFor(async () => behind().length === 0, 10_000, 'every wall to show the new complaint').catch((err: Error) => {
      const b = behind();
      throw new Error(`${err.message}: ${b.length} behind, e.g. ${JSON.stringify(b[0]?.log)}\n${dump()}`);
    });
    const tookMs = Date.now() - posted;
    expect(tookMs).toBeLessThan(10_000);
    // They came back through their own reconnection, each on a new connection.
    expect(walls.every((w) => w.connects >= 2)).toBe(true);
    expect(worker.alive).toBe(true);
    group.expectNoProblems();
  }, 60_000);
});
