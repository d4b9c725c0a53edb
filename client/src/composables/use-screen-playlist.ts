/**
 * The playlist of one screen (`/screen/{name}`) over the `/live` namespace.
 *
 * - On every `connect` (the first one and each reconnect) the player emits `watchScreen` and takes
 *   the playlist from the ack; the server then pushes `screen` on every change.
 * - A playlist replaces the one shown only when its `version` differs, so a reconnect that brings
 *   the same playlist back does not restart the rotation.
 * - As useLiveSnapshot: refused handshakes and server-side disconnects are retried after a pause
 *   (or after the delay a stopping server asks for);
 *   a screen not set up yet is asked for again every half minute, one the server could not read
 *   (Redis away) after 5 s.
 * - Offline first: the last playlist taken is kept in the browser (offline/snapshot-cache.ts) and
 *   played at once when the page starts, marked `fromCache`, until the server answers.
 */
import { io, type Socket } from 'socket.io-client';
import { onScopeDispose, ref, shallowRef, type Ref } from 'vue';
import { LIVE_NAMESPACE, type ClientToServerEvents, type Response, type ServerToClientEvents } from '../../../domain/protocol.js';
import type { Screen } from '../../../domain/screens.js';
import { playlistKey, snapshotCache } from '../offline/snapshot-cache.js';

const ACK_TIMEOUT_MS = 10_000;
const RETRY_REFUSED_MS = 60_000;
const RETRY_MS = 5_000;
/** A screen that is not set up yet is asked for again this often. */
const RETRY_MISSING_MS = 30_000;

export interface ScreenPlaylist {
  screen: Readonly<Ref<Screen | null>>;
  /** The last refusal of `watchScreen` (e.g. "no screen lobby"), null once a playlist came. */
  error: Readonly<Ref<string | null>>;
  unauthorized: Readonly<Ref<boolean>>;
  /** The connection, shared with the device reports (use-screen-device.ts). */
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** The playlist playing is the one this browser kept: the server has not answered since the page started. */
  fromCache: Readonly<Ref<boolean>>;
}

/** A kept playlist fit to play for this screen (another build's or screen's is not). */
function cachedPlaylist(name: string): Screen | null {
  const s = snapshotCache.load<Screen>(playlistKey(name))?.data;
  return s && s.name === name && typeof s.version === 'number' && Array.isArray(s.items) ? s : null;
}

const isUnauthorized = (message: string): boolean => /unauthori[sz]ed/i.test(message);
/** The server could not read the playlist now (Redis away): asked for again as soon as a dropped connection is. */
const isUnavailable = (message: string): boolean => /unavailable/i.test(message);

export function useScreenPlaylist(name: string, options: { token: string; url?: string }): ScreenPlaylist {
  const screen = shallowRef<Screen | null>(cachedPlaylist(name));
  const fromCache = ref(screen.value !== null);
  const error = ref<string | null>(null);
  const unauthorized = ref(false);

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(options.url ?? LIVE_NAMESPACE, {
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

  function retryLater(action: () => void, ms: number): void {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (!disposed) action();
    }, ms);
  }

  function take(next: Screen): void {
    if (next.name !== name) return;
    const wasCached = fromCache.value;
    fromCache.value = false;
    if (screen.value?.version === next.version) {
      if (wasCached) snapshotCache.save(playlistKey(name), next, Date.now());
      return;
    }
    screen.value = next;
    snapshotCache.save(playlistKey(name), next, Date.now());
  }

  async function watchScreen(): Promise<void> {
    const mine = epoch;
    let res: Response<Screen>;
    try {
      res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('watchScreen', { name });
    } catch {
      if (mine === epoch && socket.connected) {
        socket.disconnect();
        socket.connect();
      }
      return;
    }
    if (mine !== epoch || disposed) return;
    if ('error' in res) {
      error.value = res.error;
      unauthorized.value = isUnauthorized(res.error);
      retryLater(
        () => {
          if (mine === epoch) void watchScreen();
        },
        unauthorized.value ? RETRY_REFUSED_MS : isUnavailable(res.error) ? RETRY_MS : RETRY_MISSING_MS,
      );
      return;
    }
    error.value = null;
    unauthorized.value = false;
    take(res.data);
  }

  socket.on('connect', () => {
    epoch += 1;
    clearTimeout(retryTimer);
    void watchScreen();
  });
  /** A stopping server's `serverShutdown`: when to connect again (to another server). */
  let shutdownHintMs: number | null = null;
  socket.on('serverShutdown', (info) => {
    shutdownHintMs = info.reconnectInMs;
  });

  socket.on('disconnect', (reason) => {
    epoch += 1;
    if (reason === 'io server disconnect') retryLater(() => socket.connect(), shutdownHintMs ?? RETRY_MS);
    shutdownHintMs = null;
  });
  socket.on('connect_error', (err) => {
    if (isUnauthorized(err.message)) unauthorized.value = true;
    if (!socket.active) retryLater(() => socket.connect(), unauthorized.value ? RETRY_REFUSED_MS : RETRY_MS);
  });
  socket.on('screen', take);

  onScopeDispose(() => {
    disposed = true;
    clearTimeout(retryTimer);
    socket.removeAllListeners();
    socket.disconnect();
  });

  return { screen, error, unauthorized, socket, fromCache };
}
