/**
 * The Socket.IO Redis adapter (`@socket.io/redis-adapter`) of the live namespace: a broadcast on
 * one server (`nsp.to(room).emit`) reaches the room's sockets on every server of the deployment,
 * over Redis pub/sub. Chosen over the Redis streams adapter: pushes are full snapshots that
 * replace each other and a client resyncs from the `subscribe` ack after any gap, so a message
 * missed by a server during a Redis outage needs no replay from a stream; and plain pub/sub
 * keeps nothing in Redis's memory.
 *
 * The adapter's two connections are copies (`duplicate()`) of the server's pub/sub connection:
 * same Redis or Cluster, and they wait through a Redis restart rather than fail.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from '../../core/observability/logger.js';
import { watchConnection, type RedisConn } from '../../core/redis/connections.js';
import { liveAdapterKey } from '../../core/redis/keys.js';

export interface LiveAdapter {
  /** For `new Server(…, { adapter })`. */
  adapter: ReturnType<typeof createAdapter>;
  /** After `io.close()` (which unsubscribes the adapters). */
  close(): void;
}

/**
 * The adapter sends some commands without waiting for their answer: each broadcast's PUBLISH, and
 * the (P)SUBSCRIBEs and (P)UNSUBSCRIBEs of its start and of `io.close()`. One that fails — its
 * connection closed at shutdown, Redis away — would be an unhandled rejection. Their answers are
 * not needed (a lost push is made good by the next one or the ack of a resubscribe) and the outage
 * itself is logged by watchConnection: their failures are dropped here.
 */
const UNANSWERED = ['publish', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'] as const;
function withUnansweredCommands(conn: RedisConn): RedisConn {
  const methods = conn as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of UNANSWERED) {
    const original = methods[name]!;
    methods[name] = (...args: unknown[]) => {
      const answer = original.apply(conn, args);
      answer.catch(() => undefined);
      return answer;
    };
  }
  return conn;
}

export function liveAdapter(pubsub: RedisConn, prefix: string, log: Logger): LiveAdapter {
  const pub = withUnansweredCommands(pubsub.duplicate());
  const sub = withUnansweredCommands(pubsub.duplicate());
  watchConnection(pub, log, 'live adapter publish');
  watchConnection(sub, log, 'live adapter subscribe');
  return {
    // One deployment's servers talk on channels of its own prefix: installs sharing a Redis stay apart.
    adapter: createAdapter(pub, sub, { key: liveAdapterKey(prefix) }),
    close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}
