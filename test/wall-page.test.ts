/**
 * A wall's page with its first figures in it (server/http/wall-page.ts), over real HTTP against the
 * real app's key gate and snapshot reader: the JSON in the page is the snapshot the API returns and
 * the live socket sends first; a store name typed to break out of the element stays inside it; the
 * key's scope and stores decide, as they do on the socket; without a key, with a refused one, or
 * when the read fails, the page goes out as built — never an error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../domain/kpis.js';
import { PAGE_SNAPSHOT_ID, type ClientToServerEvents, type ServerToClientEvents } from '../domain/protocol.js';
import type { Socket } from 'socket.io-client';
import { clientPages } from '../server/http/client-pages.js';
import { scriptJson, wallStoreOf } from '../server/http/wall-page.js';
import { liveSnapshotReader } from '../server/live/live-snapshot.js';
import { ev } from './support/events.js';
import { startStack, waitFor, type Stack } from './support/stack.js';

const PAGE = '<!doctype html><html><head><title>walls</title></head><body><div id="app"></div></body></html>';
/** Everything that could end the element, open a comment or end a line in a script. */
const NAME = '</script><script>alert(1)</script><!-- & \u2028\u2029 店';
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

let stack: Stack;
let dist: string;
const servers: Server[] = [];
let base = '';
let failing = '';
const keys: Record<'read' | 'own' | 'other' | 'ingest', string> = { read: '', own: '', other: '', ingest: '' };

async function serve(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function page(path: string, at = base) {
  const res = await fetch(`${at}${path}`);
  const html = await res.text();
  const m = new RegExp(`<script type="application/json" id="${PAGE_SNAPSHOT_ID}">(.*?)</script>`, 's').exec(html);
  return { status: res.status, cacheControl: res.headers.get('cache-control'), html, raw: m?.[1] ?? null };
}

/**
 * A snapshot's figures: without the moment it was read and the pipeline's state, which differ from
 * one read to the next (the freshness look runs every 2 s); both present.
 */
const figures = ({ asOf, freshness, ...rest }: Snapshot) => {
  expect(Date.parse(asOf)).toBeGreaterThan(Date.now() - 60_000);
  expect(freshness?.state).toMatch(/^(live|delayed|stalled|down)$/);
  return rest;
};

beforeAll(async () => {
  stack = await startStack('wallpage');
  expect((await stack.request('PUT', '/api/v1/stores/WP1', { name: NAME, timezone: 'Asia/Shanghai' })).status).toBe(200);
  expect((await stack.request('PUT', '/api/v1/stores/WP2', { name: '宁波店', timezone: 'Asia/Shanghai' })).status).toBe(200);
  const key = async (scopes: string[], stores?: string[]) =>
    (await stack.request('POST', '/api/v1/keys', { name: 'tv', scopes, ...(stores ? { stores } : {}) })).body.token as string;
  keys.read = await key(['read']);
  keys.own = await key(['read'], ['WP1']);
  keys.other = await key(['read'], ['WP2']);
  keys.ingest = await key(['ingest']);
  const events = [
    ev('vehicle.delivered', ago(60), { store: 'WP1', orderId: 'O1' }),
    ev('vehicle.delivered', ago(50), { store: 'WP1', orderId: 'O2' }),
    ev('complaint.opened', ago(40), { store: 'WP1', complaintId: 'C1', channel: 'phone', category: 'service', severity: 'low' }),
    ev('complaint.opened', ago(30), { store: 'WP2', complaintId: 'C2', channel: 'phone', category: 'service', severity: 'low' }),
  ];
  expect((await stack.request('POST', '/api/v1/events', { events })).status).toBe(202);
  await waitFor(
    async () => (await stack.request('GET', '/api/v1/kpis')).body?.kpis?.complaints?.open === 2,
    10_000,
    'events applied',
  );

  dist = mkdtempSync(join(tmpdir(), 'pulse-dist-'));
  writeFileSync(join(dist, 'index.html'), PAGE);
  const deps = stack.app.deps;
  base = await serve(express().use(clientPages(dist, { gate: deps.gate, read: liveSnapshotReader(deps), trustProxyHops: 0 })));
  const away = async () => {
    throw new Error('Redis away');
  };
  failing = await serve(express().use(clientPages(dist, { gate: deps.gate, read: away, trustProxyHops: 0 })));
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await stack?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

describe('the first snapshot in the wall page', () => {
  it('is the snapshot the API returns and the socket sends first, never kept by a cache', async () => {
    const inPage = await page(`/wall/WP1?token=${keys.read}`);
    expect(inPage.status).toBe(200);
    expect(inPage.cacheControl).toBe('no-store');
    expect(inPage.raw).not.toBeNull();
    // The page itself around it, unchanged.
    expect(inPage.html.replace(/<script type="application\/json".*?<\/script>/s, '')).toBe(PAGE);
    const snap = JSON.parse(inPage.raw!) as Snapshot;
    expect(snap.store).toBe('WP1');
    expect(snap.name).toBe(NAME);
    expect(snap.kpis.complaints.open).toBe(1);
    expect(snap.freshness).toBeDefined();

    const api = (await stack.request('GET', '/api/v1/stores/WP1/kpis', undefined, keys.read)).body as Snapshot;
    expect(figures(snap)).toEqual(figures(api));

    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`${stack.baseUrl}/live`, {
      auth: { token: keys.read },
      transports: ['websocket'],
      reconnection: false,
    });
    try {
      const ack = await socket.emitWithAck('subscribe', { store: 'WP1' });
      if (!('data' in ack)) throw new Error(ack.error);
      expect(figures(snap)).toEqual(figures(ack.data));
    } finally {
      socket.disconnect();
    }

    // A department page of the same wall carries the same figures.
    const sales = await page(`/wall/WP1/sales?token=${keys.read}`);
    expect(figures(JSON.parse(sales.raw!) as Snapshot)).toEqual(figures(api));
  });

  it('carries the group on the group wall, as the group API', async () => {
    for (const path of ['/wall', '/wall/group', '/wall/*', '/wall/group/value']) {
      const inPage = await page(`${path}?token=${keys.read}`);
      const snap = JSON.parse(inPage.raw!) as Snapshot;
      expect(snap.store, path).toBe('*');
      expect(snap.kpis.complaints.open, path).toBe(2);
      const api = (await stack.request('GET', '/api/v1/kpis', undefined, keys.read)).body as Snapshot;
      expect(figures(snap)).toEqual(figures(api));
    }
  });

  it('keeps typed text inside its element', async () => {
    const { raw, html } = await page(`/wall/WP1?token=${keys.read}`);
    for (const c of ['<', '>', '&', '\u2028', '\u2029']) expect(raw!.includes(c), c).toBe(false);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(scriptJson({ t: '</script>&\u2028' })).toBe('{"t":"\\u003c/script\\u003e\\u0026\\u2028"}');
    expect(JSON.parse(scriptJson({ t: NAME }))).toEqual({ t: NAME });
  });

  it('follows the key: scope read, its stores, never the group for a key limited to stores', async () => {
    expect((await page(`/wall/WP1?token=${keys.own}`)).raw).not.toBeNull();
    expect(JSON.parse((await page(`/wall/WP2?token=${keys.other}`)).raw!).store).toBe('WP2');
    for (const [path, key] of [
      ['/wall/WP1', keys.other],
      ['/wall/WP2', keys.own],
      ['/wall', keys.own],
      ['/wall/group', keys.other],
      ['/wall/WP1', keys.ingest],
    ] as const) {
      const plain = await page(`${path}?token=${key}`);
      expect(plain.status, path).toBe(200);
      expect(plain.html, path).toBe(PAGE);
      expect(plain.cacheControl, path).toBe('no-cache');
    }
  });

  it('sends the page as built without a key, with a refused one, for other addresses, when the read fails', async () => {
    for (const [path, at] of [
      ['/wall/WP1', base],
      ['/wall/WP1?token=', base],
      ['/wall/WP1?token=not-a-key', base],
      ['/wall/NOPE?token=' + keys.read, base],
      ['/wall/WP1/nopage?token=' + keys.read, base],
      ['/screen/lobby?token=' + keys.read, base],
      ['/?token=' + keys.read, base],
      ['/wall/WP1?token=' + keys.read, failing],
    ] as const) {
      const plain = await page(path, at);
      expect(plain.status, path).toBe(200);
      expect(plain.html, path).toBe(PAGE);
      expect(plain.cacheControl, path).toBe('no-cache');
    }
  });

  it('reads the store from the address as the client does', () => {
    expect(wallStoreOf('/wall')).toBe('*');
    expect(wallStoreOf('/wall/')).toBe('*');
    expect(wallStoreOf('/wall/group')).toBe('*');
    expect(wallStoreOf('/wall/%2A')).toBe('*');
    expect(wallStoreOf('/wall/HZ01')).toBe('HZ01');
    expect(wallStoreOf('/wall/HZ01/')).toBe('HZ01');
    expect(wallStoreOf('/wall/HZ01/service')).toBe('HZ01');
    expect(wallStoreOf('/wall/HZ01/other')).toBeNull();
    expect(wallStoreOf('/wall/HZ01/sales/x')).toBeNull();
    expect(wallStoreOf('/wall/bad%zz')).toBeNull();
    expect(wallStoreOf('/wall/' + 'A'.repeat(33))).toBeNull();
    expect(wallStoreOf('/walls/HZ01')).toBeNull();
    expect(wallStoreOf('/screen/HZ01')).toBeNull();
  });
});
