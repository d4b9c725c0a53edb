/**
 * How servers and workers hold their Redis connections through a Redis restart
 * (docs/operations-faults.md). Every connection reconnects by itself (ioredis); they differ in
 * what a command does while Redis is away:
 * - the connections HTTP requests wait on fail fast (`FAIL_FAST`): the request is answered 503;
 * - pub/sub and the workers' connections wait (`maxRetriesPerRequest: null`) and carry on.
 */
import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from './observability/logger.js';

/** A command waits for at most one reconnection attempt (well under 2 s), then fails. */
export const FAIL_FAST: RedisOptions = {
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(times * 100, 1000),
};

const watched = new WeakSet<Redis>();

/**
 * Logs a connection's outage once (not every reconnection attempt) and its return, instead of
 * ioredis' "Unhandled error event" on the console.
 */
export function watchConnection(conn: Redis, log: Logger, name: string): void {
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
export async function redisAnswers(conn: Redis, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  const pong = await Promise.race([conn.ping().catch(() => null), timeout]);
  clearTimeout(timer);
  return pong === 'PONG';
}
