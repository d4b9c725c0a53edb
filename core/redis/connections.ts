/**
 * How servers and workers connect to Redis and hold their connections through a Redis restart
 * (docs/operations-faults.md).
 *
 * Where: one Redis (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_NODES`, docs/scaling.md).
 * `connectRedis` is the one place a connection is made; the rest of the code holds a `RedisConn`
 * and works the same on both, because every command it sends touches one hash slot
 * (core/redis/keys.ts).
 *
 * How: every connection reconnects by itself (ioredis); they differ in what a command does while
 * Redis is away:
 * - the connections HTTP requests wait on fail fast (`failFast`): the request is answered 503;
 * - pub/sub and the workers' connections wait (`maxRetriesPerRequest: null`) and carry on.
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger.js';

/** A connection to one Redis or to a Redis Cluster: the commands the product uses are the same on both. */
export type RedisConn = Redis | Cluster;

export interface ClusterNode {
  host: string;
  port: number;
}

/** Where Redis is: the URL of one Redis, or the seed nodes of a Redis Cluster (any of its masters). */
export type RedisTarget = string | { clusterNodes: ClusterNode[] };

/** What a connection may be told: the same on one Redis and on every node of a Cluster. */
export type ConnectOptions = Pick<
  RedisOptions,
  'maxRetriesPerRequest' | 'retryStrategy' | 'lazyConnect' | 'connectTimeout' | 'commandTimeout'
>;

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

/**
 * A command fails rather than keep a request waiting:
 * - Redis gone (connection lost): after at most one reconnection attempt (well under 2 s);
 * - Redis silent (frozen, swamped: the connection stays open, so no attempt is ever made): after
 *   `commandTimeoutMs`, with "Command timed out". The command itself is still on its way: if
 *   Redis comes back it runs it, and its late answer is dropped; the connection carries on.
 *
 * Never for a connection that blocks (a BullMQ Worker's): the timeout would cut its BZPOPMIN
 * short. A Queue only adds jobs and reads counts: the server's queue connection uses it.
 */
export function failFast(commandTimeoutMs: number): ConnectOptions {
  return {
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    commandTimeout: commandTimeoutMs,
  };
}

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

/** ioredis' `commandTimeout` ran out: Redis did not answer in time (frozen, swamped). */
export const isCommandTimeout = (err: Error): boolean => err.message === 'Command timed out';

/**
 * Redis is away — down, unreachable, or not answering in time: the caller is answered 503 with a
 * Retry-After, and the log says so in one line (no stack: it is not a bug of ours).
 */
export function isRedisAway(err: unknown): boolean {
  return err instanceof Error && (isConnectionError(err) || isCommandTimeout(err));
}

/**
 * Logs a failure: Redis away as one warning without a stack (the outage is not a bug, and its
 * connection's watcher tells when it began and ended), anything else as an error, stack and all.
 */
export function logFailure(log: Logger, err: unknown, msg: string, fields: Record<string, unknown> = {}): void {
  if (isRedisAway(err)) log.warn({ ...fields, redis: (err as Error).message }, `${msg}: Redis unavailable`);
  else log.error({ ...fields, err }, msg);
}

/**
 * The answer of a command sent on a connection that waits through outages (a worker's), or the
 * error of a `commandTimeout` after `timeoutMs`: a request need not wait with the connection.
 */
export async function answerWithin<T>(command: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('Command timed out')), timeoutMs);
  });
  command.catch(() => undefined); // once timed out, its own failure is nobody's business
  try {
    return await Promise.race([command, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
