/**
 * One connection to the `/live` namespace, as the wall and the screen player both hold it:
 * - socket.io-client's manager reconnects after network and server failures by itself; a server
 *   that closes the socket on purpose is connected to again here, after the delay a stopping server
 *   asked for (`serverShutdown`), else after RETRY_MS;
 * - every connect and disconnect starts a new epoch: answers from an older connection are dropped;
 * - a request unanswered within ACK_TIMEOUT_MS treats the link as dead: the socket is dropped and
 *   connected again, and the reconnect asks again;
 * - one retry timer: a new retry replaces the one waiting, a connect cancels it.
 * What to ask on connect, and how long to wait after a refusal, stays with the caller.
 */
import { io, type Socket } from 'socket.io-client';
import { onScopeDispose } from 'vue';
import { LIVE_NAMESPACE, type ClientToServerEvents, type Response, type ServerToClientEvents } from '../../../domain/protocol.js';

export type LiveSocketClient = Socket<ServerToClientEvents, ClientToServerEvents>;
/** The socket with an ack timeout set, as `request` hands it over. */
export type TimedSocket = ReturnType<LiveSocketClient['timeout']>;

export const ACK_TIMEOUT_MS = 10_000;
/** Pause before trying again after the server refused the key. */
export const RETRY_REFUSED_MS = 60_000;
/** Pause before trying again after any other refusal. */
export const RETRY_MS = 5_000;

export const isUnauthorized = (message: string): boolean => /unauthori[sz]ed/i.test(message);

export interface LiveSocketHooks {
  /** Runs on every connect (the first one and each reconnect), in the new epoch. */
  onConnect(): void;
  /** Runs on every disconnect, before the epoch moves on. */
  onDisconnect?(): void;
}

export interface LiveSocket {
  socket: LiveSocketClient;
  /** Still the same connection, and the scope not disposed. */
  isCurrent(mine: number): boolean;
  /** Runs `action` after `ms`, unless the scope is disposed by then; replaces a retry waiting. */
  retryLater(action: () => void, ms: number): void;
  /** Runs `action` after `ms` if the connection is still the one of `mine`. */
  retryIfCurrent(mine: number, action: () => void, ms: number): void;
  /** Connects again after `ms`. */
  reconnectLater(ms: number): void;
  /**
   * Emits with an ack timeout; the answer with the epoch it was asked in, or null when it came too
   * late (the link is then dropped and connected again) or belongs to an older connection.
   */
  request<T>(emit: (timed: TimedSocket) => Promise<Response<T>>): Promise<{ res: Response<T>; mine: number } | null>;
}

export function useLiveSocket(options: { token: string; url?: string }, hooks: LiveSocketHooks): LiveSocket {
  const socket: LiveSocketClient = io(options.url ?? LIVE_NAMESPACE, {
    auth: { token: options.token },
    transports: ['websocket'],
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
    timeout: 10_000,
  });

  /** Bumped on every connect and disconnect: answers from an older connection are dropped. */
  let epoch = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  const isCurrent = (mine: number): boolean => mine === epoch && !disposed;

  function retryLater(action: () => void, ms: number): void {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (!disposed) action();
    }, ms);
  }

  async function request<T>(
    emit: (timed: TimedSocket) => Promise<Response<T>>,
  ): Promise<{ res: Response<T>; mine: number } | null> {
    const mine = epoch;
    let res: Response<T>;
    try {
      res = await emit(socket.timeout(ACK_TIMEOUT_MS));
    } catch {
      // No answer in time: treat the link as dead; the reconnect asks again.
      if (mine === epoch && socket.connected) {
        socket.disconnect();
        socket.connect();
      }
      return null;
    }
    return isCurrent(mine) ? { res, mine } : null;
  }

  socket.on('connect', () => {
    epoch += 1;
    clearTimeout(retryTimer);
    hooks.onConnect();
  });

  /** A stopping server's `serverShutdown`: when to connect again (to another server). */
  let shutdownHintMs: number | null = null;
  socket.on('serverShutdown', (info) => {
    shutdownHintMs = info.reconnectInMs;
  });

  socket.on('disconnect', (reason) => {
    hooks.onDisconnect?.();
    epoch += 1;
    // The manager does not reconnect after the server closed the socket on purpose: we do, after
    // the delay a stopping server asked for, else after a pause.
    if (reason === 'io server disconnect') retryLater(() => socket.connect(), shutdownHintMs ?? RETRY_MS);
    shutdownHintMs = null;
  });

  onScopeDispose(() => {
    disposed = true;
    clearTimeout(retryTimer);
    socket.removeAllListeners();
    socket.disconnect();
  });

  return {
    socket,
    isCurrent,
    retryLater,
    retryIfCurrent: (mine, action, ms) =>
      retryLater(() => {
        if (mine === epoch) action();
      }, ms),
    reconnectLater: (ms) => retryLater(() => socket.connect(), ms),
    request,
  };
}
