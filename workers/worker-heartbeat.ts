/**
 * Each worker process says it is alive every WORKER_BEAT_MS in one sorted set (name → time of its
 * last beat), which the servers read for the walls' freshness (domain/freshness.ts). One key: it
 * works the same on a Redis Cluster, and needs no CLIENT LIST. A process that dies stops beating;
 * one that stops cleanly takes its name out at once.
 */
import { WORKER_BEAT_MS } from '../domain/freshness.js';
import type { RedisConn } from '../core/redis/connections.js';
import { globalKeys } from '../core/redis/keys.js';

/** Names of processes gone for an hour leave the set (each beat trims it). */
const FORGET_AFTER_MS = 3600_000;

export interface WorkerHeartbeat {
  close(): Promise<void>;
}

export function startWorkerHeartbeat(redis: RedisConn, prefix: string, name: string, now = () => Date.now()): WorkerHeartbeat {
  const key = globalKeys(prefix).workers;
  let pending: Promise<unknown> | null = null;
  const beat = () => {
    // While Redis is away the connection queues commands: one beat at a time, not a pile of them.
    if (pending) return;
    const t = now();
    pending = redis
      .multi()
      .zadd(key, t, name)
      .zremrangebyscore(key, '-inf', t - FORGET_AFTER_MS)
      .exec()
      .catch(() => undefined)
      .finally(() => {
        pending = null;
      });
  };
  beat();
  const timer = setInterval(beat, WORKER_BEAT_MS);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await redis.zrem(key, name).catch(() => undefined);
    },
  };
}
