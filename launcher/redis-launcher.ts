/**
 * Finds a Redis for `npm start`: the Redis Cluster of REDIS_CLUSTER_NODES or the Redis of
 * REDIS_URL when set; else one answering on 127.0.0.1:6379; else a redis-server started here with
 * AOF persistence under the data directory; else a clear exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import type { RedisTarget } from '../core/redis/connections.js';

export interface ResolvedRedis {
  url: string;
  /** Set when this process started redis-server itself. */
  child?: ChildProcess;
  stop(): Promise<void>;
}

/** Whether a Redis at `url` answers PING, connecting once (no retries) within `connectTimeoutMs`. */
export async function redisAnswersAt(url: string, connectTimeoutMs = 1000): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: connectTimeoutMs,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

/** Starts redis-server on a loopback port with AOF (appendfsync everysec) in `dir`. */
export async function startRedisServer(dir: string, port?: number): Promise<ResolvedRedis> {
  mkdirSync(dir, { recursive: true });
  const p = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(p),
      '--bind',
      '127.0.0.1',
      '--dir',
      resolve(dir),
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--protected-mode',
      'yes',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `redis://127.0.0.1:${p}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    if (await redisAnswersAt(url)) {
      return {
        url,
        child,
        stop: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.kill('SIGTERM');
          }),
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error('redis-server did not answer within 5 s');
}

const HOW_TO_GET_REDIS = `Showroom Pulse needs Redis (6.2 or newer) and found none.
  - Debian/Ubuntu: sudo apt-get install redis-server   (then run npm start again)
  - macOS: brew install redis
  - or point REDIS_URL at a Redis you have, e.g. REDIS_URL=redis://10.0.0.5:6379 npm start`;

/** The port of the Redis started for a machine without one. */
const LOCAL_PORT = 6390;

/** The Redis the settings name (a Cluster is never started here), else the one `resolveRedis` finds. */
export async function resolveTarget(
  config: Pick<Config, 'redisUrl' | 'redisCluster' | 'dataDir'>,
): Promise<{ target: RedisTarget; child?: ChildProcess; stop(): Promise<void> }> {
  if (config.redisCluster) return { target: { clusterNodes: config.redisCluster }, stop: async () => undefined };
  const { url, ...rest } = await resolveRedis(config.redisUrl, config.dataDir);
  return { target: url, ...rest };
}

export async function resolveRedis(redisUrl: string | undefined, dataDir: string): Promise<ResolvedRedis> {
  if (redisUrl) return { url: redisUrl, stop: async () => undefined };
  const local = 'redis://127.0.0.1:6379';
  if (await redisAnswersAt(local)) return { url: local, stop: async () => undefined };
  // Another process of this install (a server beside a worker) may have started it already.
  const ours = `redis://127.0.0.1:${LOCAL_PORT}`;
  if (await redisAnswersAt(ours)) return { url: ours, stop: async () => undefined };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(HOW_TO_GET_REDIS);
  }
  return startRedisServer(resolve(dataDir, 'redis'), LOCAL_PORT);
}

/**
 * Persistence that keeps acknowledged events across a Redis restart; warns when it is off. On a
 * Cluster, each seed node is asked (CONFIG is a per-node command): the first without AOF warns.
 */
export async function persistenceWarning(target: RedisTarget): Promise<string | null> {
  if (typeof target !== 'string') {
    for (const { host, port } of target.clusterNodes) {
      const warning = await persistenceWarning(`redis://${host}:${port}`);
      if (warning) return `${host}:${port}: ${warning}`;
    }
    return null;
  }
  const r = new Redis(target, { maxRetriesPerRequest: 1 });
  try {
    const [, aof] = (await r.config('GET', 'appendonly')) as [string, string];
    const [, save] = (await r.config('GET', 'save')) as [string, string];
    if (aof === 'yes') return null;
    return save
      ? 'Redis runs without AOF (appendonly no): events acknowledged since the last RDB snapshot can be lost in a crash.'
      : 'Redis keeps nothing on disk (no AOF, no RDB): a Redis restart loses every event and figure. Enable appendonly yes for production.';
  } catch {
    return null;
  } finally {
    r.disconnect();
  }
}
