/**
 * How servers and workers connect to Redis and hold their connections through a Redis restart
 * (docs/operations-faults.md).
 *
 * Where: one Redis (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_NODES`, docs/scaling.md).
 * `connectRedis` is the one place a connection is made; the rest of the code holds a `RedisConn`
 * and works the same on both, because every command it sends touches one hash slot
 * (server/redis-keys.ts).
 *
 * How: every connection reconnects by itself (ioredis); they differ in what a command does while
 * Redis is away:
 * - the connections HTTP requests wait on fail fast (`FAIL_FAST`): the request is answered 503;
 * - pub/sub and the workers' connections wait (`maxRetriesPerRequest: null`) and carry on.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './observability/logger.js';

/** A connection to one Redis or to a Redis Cluster: the commands the product uses are the same on both. */
export type RedisConn = Redis | Cluster;

export interface ClusterNode {
  host: string;
  port: number;
}

/** Where Redis is: the URL of one Redis, or the seed nodes of a Redis Cluster (any of its masters). */
export type RedisTarget = string | { clusterNodes: ClusterNode[] };

/** What a connection may be told: the same on one Redis and on every node of a Cluster. */
export type ConnectOptions = Pick<RedisOptions, 'maxRetriesPerRequest' | 'retryStrategy' | 'lazyConnect' | 'connectTimeout'>;

/**
 * Opens a connection to the target. On a Cluster, the options apply to the connection of each
 * node, the retry strategy to reconnecting the cluster; reads go to the masters (a replica may lag
 * behind what was just written), and the cluster is ready once the slots are known.
 */
export function connectRedis(target: RedisTarget, options: ConnectOptions = {}): RedisConn {
  if (typeof target === 'string') return new Redis(target, options);
  const { retryStrategy, lazyConnect, ...redisOptions } = options;
  return new Cluster(target.clusterNodes, {
    scaleReads: 'master',
    enableReadyCheck: true,
    redisOptions,
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
  });
}

/** The target for a log line or the console: the URL, or the cluster's seed nodes. */
export const describeTarget = (target: RedisTarget): string =>
  typeof target === 'string' ? target : `Redis Cluster ${target.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}`;

/** A command waits for at most one reconnection attempt (well under 2 s), then fails. */
export const FAIL_FAST: ConnectOptions = {
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(times * 100, 1000),
};

const watched = new WeakSet<RedisConn>();

/**
 * Logs a connection's outage once (not every reconnection attempt) and its return, instead of
 * ioredis' "Unhandled error event" on the console.
 */
export function watchConnection(conn: RedisConn, log: Logger, name: string): void {
  if (watched.has(conn)) return;
  watched.add(conn);
  let down = false;
  conn.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ connection: name, err: err.message }, 'Redis connection lost; reconnecting');
  });
  conn.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ connection: name }, 'Redis connection back');
  });
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN', 'EHOSTUNREACH']);

/** An error that only says the connection is down (the connection's watcher logs those once). */
export function isConnectionError(err: Error & { code?: string }): boolean {
  return (
    CONNECTION_CODES.has(err.code ?? '') ||
    err.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable/.test(err.message)
  );
}

/** Whether Redis answers PING within `timeoutMs` (for /readyz). */
export async function redisAnswers(conn: RedisConn, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  const pong = await Promise.race([conn.ping().catch(() => null), timeout]);
  clearTimeout(timer);
  return pong === 'PONG';
}
