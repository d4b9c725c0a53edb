/**
 * The product on a real Redis Cluster of three masters (support/redis-cluster.ts), chosen by
 * REDIS_CLUSTER_NODES alone: the end-to-end path from POST /api/v1/events to a /live push, the
 * replay tests, and a CSV import run the same code as on one Redis. A command whose keys spanned
 * slots would fail here with CROSSSLOT (docs/scaling.md).
 */
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config.js';
import { connectRedis, type RedisTarget } from '../core/redis/connections.js';
import { importKeys, storeKeys } from '../core/redis/keys.js';
import { resolveTarget } from '../launcher/redis-launcher.js';
import { importFinished, postCsv } from './support/csv.js';
import { liveE2eTests } from './support/live-e2e-cases.js';
import { startRedisCluster, type RedisClusterHandle } from './support/redis-cluster.js';
import { replayTests } from './support/replay-cases.js';
import { ev } from './support/events.js';
import { startStack, waitFor } from './support/stack.js';
import { areLogged, loggedCount } from '../core/events/event-log.js';

describe('on a Redis Cluster of three masters', () => {
  let cluster: RedisClusterHandle;
  let target: RedisTarget;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    // Exactly what a deployment does: the setting, read by the config, found by the launcher.
    target = (await resolveTarget(loadConfig({ REDIS_CLUSTER_NODES: cluster.nodes }))).target;
  });
  afterAll(() => cluster?.stop());

  it('is chosen by REDIS_CLUSTER_NODES alone, and refuses it beside REDIS_URL', () => {
    expect(target).toEqual({ clusterNodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })) });
    const conn = connectRedis(target, { lazyConnect: true });
    expect(conn).toBeInstanceOf(Cluster);
    conn.disconnect();
    expect(loadConfig({}).redisCluster).toBeUndefined();
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'localhost' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:7000,b:70000' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: cluster.nodes, REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/not both/);
  });

  liveE2eTests(() => target);
  replayTests(() => target);

  it('keeps a refused event among its own store’s rejected events, whatever the slot', async () => {
    const stack = await startStack('cluster-rejected', { target });
    try {
      const at = new Date(Date.now() - 60_000).toISOString();
      const stores = ['CLR1', 'CLR2', 'CLR3'];
      // A stock at the largest whole number every reader holds exactly: one more is refused.
      for (const s of stores)
        await stack.app.deps.redis.hset(storeKeys(stack.config.prefix, s).materials.stock, 'P', '9007199254740991');
      const events = stores.map((store) => ev('material.moved', at, { id: `over-${store}`, store, itemId: 'P', quantity: 1 }));
      expect((await stack.request('POST', '/api/v1/events', { events })).status).toBe(202);
      for (const store of stores) {
        const listed = await waitFor(async () => {
          const r = (await stack.request('GET', `/api/v1/stores/${store}/rejected`)).body;
          return r.total === 1 ? r : null;
        });
        expect(listed.items.map((i: { id: string; reason: string }) => [i.id, i.reason])).toEqual([
          [`over-${store}`, 'the stock of P would be 9007199254740992, beyond ±9007199254740991'],
        ]);
        expect(await loggedCount(stack.app.deps.redis, stack.config.prefix, store)).toBe(0);
      }
    } finally {
      await stack.close();
    }
  });

  it('creates, uses and revokes an API key (the key and its index written in one transaction)', async () => {
    const stack = await startStack('cluster-keys', { target, workers: false });
    try {
      const made = await stack.request('POST', '/api/v1/keys', { name: 'wall', scopes: ['read'] });
      expect(made.status).toBe(201);
      expect((await stack.request('GET', '/api/v1/whoami', undefined, made.body.token)).status).toBe(200);
      expect((await stack.request('DELETE', `/api/v1/keys/${made.body.keyId}`)).status).toBe(204);
      expect((await stack.request('GET', '/api/v1/whoami', undefined, made.body.token)).status).toBe(401);
    } finally {
      await stack.close();
    }
  });

  it('tells what was new in a batch of several stores (one pipeline per store’s slot)', async () => {
    const stack = await startStack('cluster-new', { target });
    try {
      const at = new Date(Date.now() - 60_000).toISOString();
      const events = ['CN01', 'CN02', 'CN03', 'CN04'].map((store) => ({
        id: 'same-id',
        type: 'showroom.visit',
        store,
        at,
        firstVisit: true,
      }));
      expect(await stack.request('POST', '/api/v1/events', { events })).toEqual({
        status: 202,
        body: { accepted: 4, new: 4, duplicates: 0, conflicts: 0 },
      });
      const logged = async (store: string) => (await areLogged(stack.app.deps.redis, stack.config.prefix, store, ['same-id']))[0];
      await waitFor(async () => logged('CN04'), 10_000, 'applied');
      for (const store of ['CN01', 'CN02', 'CN03']) {
        await waitFor(async () => logged(store), 10_000, store);
      }
      // Two stores again, one with another body, and one of them twice in the request.
      const again = [events[1]!, events[2]!, { ...events[3]!, firstVisit: false }, events[1]!];
      expect(await stack.request('POST', '/api/v1/events', { events: again })).toEqual({
        status: 202,
        body: {
          accepted: 3,
          new: 0,
          duplicates: 4,
          conflicts: 1,
          warnings: [
            {
              index: 2,
              path: 'id',
              message: 'was recorded before with a different body: this event changes nothing (a correction needs a new id)',
            },
          ],
        },
      });
    } finally {
      await stack.close();
    }
  });

  it('imports a CSV file (its file and status written together under the import’s tag)', async () => {
    const stack = await startStack('cluster-import', { target });
    try {
      const at = new Date(Date.now() - 60_000).toISOString();
      const csv = ['id,type,store,at,firstVisit', `c1,showroom.visit,CL01,${at},true`, `c2,showroom.visit,CL02,${at},false`].join(
        '\n',
      );
      const res = await postCsv(stack, csv);
      expect(res.status).toBe(202);
      const status = await importFinished(stack, res.body.importId);
      expect(status).toMatchObject({ state: 'done', rows: 2, accepted: 2, rejected: 0 });
      expect(await stack.app.deps.redis.exists(importKeys(stack.config.prefix, res.body.importId).csv)).toBe(0);
      expect(() => stack.redisUrl).toThrow(/target/);
    } finally {
      await stack.close();
    }
  });
});
