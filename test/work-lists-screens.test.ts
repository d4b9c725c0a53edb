/** Drill-down lists (masked unless pii) and screen playlists pushed live, through the real app. */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '../domain/protocol.js';
import type { Screen } from '../domain/screens.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './support/stack.js';

let stack: Stack;
let readKey: string;
let piiKey: string;
const H = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

beforeAll(async () => {
  stack = await startStack('lists');
  readKey = (await stack.request('POST', '/api/v1/keys', { name: 'wall', scopes: ['read'] })).body.token;
  piiKey = (await stack.request('POST', '/api/v1/keys', { name: 'call centre', scopes: ['read', 'pii'] })).body.token;
  await stack.request('PUT', '/api/v1/stores/WL1', { name: '列表店', timezone: 'Asia/Shanghai' });
  await stack.request('PUT', '/api/v1/materials/FLYER', { store: 'WL1', name: '<i>单页</i>', reorderLevel: 100 });
  await stack.request('PUT', '/api/v1/materials/POSTER', { store: 'WL1', name: '海报', reorderLevel: 10 });
  const res = await stack.request('POST', '/api/v1/events', {
    events: [
      ev('vehicle.delivered', ago(10 * H), {
        store: 'WL1',
        orderId: 'D1',
        customer: { id: 'C1', name: '王小明', phone: '13812345678' },
      }),
      ev('vehicle.delivered', ago(70 * H), { store: 'WL1', orderId: 'D2', customer: { id: 'C2', name: '李四' } }),
      ev('vehicle.delivered', ago(80 * H), { store: 'WL1', orderId: 'D3' }),
      ev('vehicle.delivered', ago(2 * H), { store: 'WL1', orderId: 'D4' }),
      ev('callback.attempted', ago(1 * H), {
        store: 'WL1',
        callbackId: 'K4',
        kind: 'sales',
        subjectId: 'D4',
        outcome: 'reached',
      }),
      ev('complaint.opened', ago(6 * H), {
        store: 'WL1',
        complaintId: 'CP1',
        channel: 'phone',
        category: 'service',
        severity: 'high',
        summary: '<b>等了很久</b>',
        customer: { id: 'C9', name: '欧阳小明', phone: '13900001111' },
      }),
      ev('complaint.opened', ago(1 * H), {
        store: 'WL1',
        complaintId: 'CP2',
        channel: 'phone',
        category: 'sales',
        severity: 'high',
      }),
      ev('material.moved', ago(5 * H), { store: 'WL1', itemId: 'FLYER', quantity: 80 }),
      ev('material.moved', ago(5 * H), { store: 'WL1', itemId: 'POSTER', quantity: 50 }),
    ],
  });
  expect(res.status).toBe(202);
  await waitFor(async () => (await stack.request('GET', '/api/v1/stores/WL1/kpis')).body?.seq >= 9, 10_000, 'events applied');
});
afterAll(() => stack.close());

const list = (name: string, token: string) => stack.request('GET', `/api/v1/stores/WL1/lists/${name}`, undefined, token);

describe('work lists', () => {
  it('callbacks to make, soonest deadline first, masked for a read key', async () => {
    const { status, body } = await list('pendingCallbacks', readKey);
    expect(status).toBe(200);
    expect(body.masked).toBe(true);
    expect(body.items.map((i: { subjectId: string }) => i.subjectId)).toEqual(['D2', 'D1']); // D3 missed, D4 met
    expect(body.items[0].customer).toEqual({ id: 'C2', name: '李*' });
    expect(body.items[0].hoursLeft).toBeCloseTo(2, 0);
    expect(body.items[1].customer).toEqual({ id: 'C1', name: '王*明', phone: '138****5678' });
  });

  it('shows names and phones to a key with scope pii', async () => {
    const { body } = await list('pendingCallbacks', piiKey);
    expect(body.masked).toBe(false);
    expect(body.items[1].customer).toEqual({ id: 'C1', name: '王小明', phone: '13812345678' });
  });

  it('overdue complaints with their summary as plain text', async () => {
    const { body } = await list('overdueComplaints', readKey);
    // CP1 is 6 h old without a response (high: 4 h); CP2 only 1 h.
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      complaintId: 'CP1',
      severity: 'high',
      responded: false,
      summary: '<b>等了很久</b>',
      customer: { id: 'C9', name: '欧**明', phone: '139****1111' },
    });
  });

  it('materials at or below their reorder level', async () => {
    const { body } = await list('lowMaterials', readKey);
    expect(body.items).toEqual([{ itemId: 'FLYER', name: '<i>单页</i>', stock: 80, reorderLevel: 100 }]);
  });

  it('co-op spends to claim and claims unpaid, each leaving its list once settled', async () => {
    const D = 24 * H;
    const program = '一汽丰田2026市场支持';
    const post = (events: object[]) => stack.request('POST', '/api/v1/events', { events });
    expect(
      (
        await post([
          // 40 days old, half paid back: 2,000 of 4,000 to claim; 10 days old: not yet listed.
          ev('spend.recorded', ago(40 * D), {
            store: 'WL1',
            spendId: 'SP-OLD',
            budgetId: 'B1',
            amount: 4000,
            coop: { program, share: 0.5 },
          }),
          ev('spend.recorded', ago(10 * D), {
            store: 'WL1',
            spendId: 'SP-NEW',
            budgetId: 'B1',
            amount: 1000,
            coop: { program, share: 0.5 },
          }),
          // Claimed, approved 35 days ago, nothing received yet.
          ev('spend.recorded', ago(60 * D), {
            store: 'WL1',
            spendId: 'SP-C',
            budgetId: 'B1',
            amount: 3000,
            coop: { program, share: 1 },
          }),
          ev('coop.claim.submitted', ago(50 * D), {
            store: 'WL1',
            claimId: 'CL1',
            program,
            spendIds: ['SP-C'],
            amount: 3000,
            evidence: 2,
          }),
          ev('coop.claim.decided', ago(35 * D), { store: 'WL1', claimId: 'CL1', outcome: 'approved', approvedAmount: 3000 }),
        ])
      ).status,
    ).toBe(202);
    const unclaimed = await waitFor(async () => {
      const r = await list('coopUnclaimed', readKey);
      return r.body.items?.length ? r : null;
    });
    expect(unclaimed.body).toMatchObject({ list: 'coopUnclaimed', total: 1 });
    expect(unclaimed.body.items[0]).toMatchObject({ spendId: 'SP-OLD', amount: 4000, share: 0.5, coopAmount: 2000, ageDays: 40 });
    const unpaid = (await list('coopUnpaid', readKey)).body;
    expect(unpaid.items).toEqual([
      expect.objectContaining({ claimId: 'CL1', approved: 3000, received: 0, outstanding: 3000, ageDays: 35 }),
    ]);
    // The claim for SP-OLD and the payment of CL1 arrive: both lists empty themselves.
    await post([
      ev('coop.claim.submitted', ago(H), {
        store: 'WL1',
        claimId: 'CL2',
        program,
        spendIds: ['SP-OLD'],
        amount: 2000,
        evidence: 1,
      }),
      ev('coop.claim.paid', ago(H), { store: 'WL1', claimId: 'CL1', amount: 3000 }),
    ]);
    await waitFor(async () => (await list('coopUnclaimed', readKey)).body.total === 0, 10_000, 'the spend claimed');
    await waitFor(async () => (await list('coopUnpaid', readKey)).body.total === 0, 10_000, 'the claim paid');
  });

  it('rejects an unknown list and a key without read', async () => {
    expect((await list('everything', readKey)).status).toBe(400);
    const ingest = (await stack.request('POST', '/api/v1/keys', { name: 'dms', scopes: ['ingest'] })).body.token;
    expect((await list('pendingCallbacks', ingest)).status).toBe(403);
  });
});

describe('screen playlists', () => {
  it('a TV watching a screen gets its playlist and every change live', async () => {
    const items = [
      { page: 'overview', store: '*', seconds: 20 },
      { page: 'sales', store: 'WL1', seconds: 15 },
    ];
    const put = await stack.request('PUT', '/api/v1/screens/lobby', { title: '展厅大屏', items });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'lobby', version: 1, items });
    expect((await stack.request('PUT', '/api/v1/screens/lobby', { items }, readKey)).status).toBe(403);
    const bad = await stack.request('PUT', '/api/v1/screens/lobby', { items: [{ page: 'kitchen', store: 'WL1', seconds: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['items.0.page', 'items.0.seconds']);

    const tv: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`${stack.baseUrl}/live`, {
      auth: { token: readKey },
      transports: ['websocket'],
      reconnection: false,
    });
    try {
      const ack = await tv.emitWithAck('watchScreen', { name: 'lobby' });
      if (!('data' in ack)) throw new Error(ack.error);
      expect(ack.data.version).toBe(1);
      const pushed: Screen[] = [];
      tv.on('screen', (s) => pushed.push(s));
      await stack.request(
        'PUT',
        '/api/v1/screens/lobby',
        { title: '展厅大屏', items: [{ page: 'marketing', store: 'WL1', seconds: 30 }] },
        ADMIN_TOKEN,
      );
      const next = await waitFor(async () => pushed.find((s) => s.version === 2), 5000, 'the new playlist');
      expect(next.items).toEqual([{ page: 'marketing', store: 'WL1', seconds: 30 }]);
      expect(await tv.emitWithAck('watchScreen', { name: 'nope' })).toEqual({ error: 'no screen nope' });
    } finally {
      tv.disconnect();
    }
    expect((await stack.request('GET', '/api/v1/screens/lobby', undefined, readKey)).body.version).toBe(2);
  });
});
