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
import { ref, shallowRef, type Ref } from 'vue';
import type { Screen } from '../../../domain/screens.js';
import { isUnauthorized, RETRY_MS, RETRY_REFUSED_MS, useLiveSocket, type LiveSocketClient } from '../live/use-live-socket.js';
import { playlistKey, snapshotCache } from '../offline/snapshot-cache.js';

/** A screen that is not set up yet is asked for again this often. */
const RETRY_MISSING_MS = 30_000;

export interface ScreenPlaylist {
  screen: Readonly<Ref<Screen | null>>;
  /** The last refusal of `watchScreen` (e.g. "no screen lobby"), null once a playlist came. */
  error: Readonly<Ref<string | null>>;
  unauthorized: Readonly<Ref<boolean>>;
  /** The connection, shared with the device reports (use-screen-device.ts). */
  socket: LiveSocketClient;
  /** The playlist playing is the one this browser kept: the server has not answered since the page started. */
  fromCache: Readonly<Ref<boolean>>;
}

/** A kept playlist fit to play for this screen (another build's or screen's is not). */
function cachedPlaylist(name: string): Screen | null {
  const s = snapshotCache.load<Screen>(playlistKey(name))?.data;
  return s && s.name === name && typeof s.version === 'number' && Array.isArray(s.items) ? s : null;
}

/** The server could not read the playlist now (Redis away): asked for again as soon as a dropped connection is. */
const isUnavailable = (message: string): boolean => /unavailable/i.test(message);

export function useScreenPlaylist(name: string, options: { token: string; url?: string }): ScreenPlaylist {
  const screen = shallowRef<Screen | null>(cachedPlaylist(name));
  const fromCache = ref(screen.value !== null);
  const error = ref<string | null>(null);
  const unauthorized = ref(false);

  const live = useLiveSocket(options, { onConnect: () => void watchScreen() });
  const socket = live.socket;

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
    const answer = await live.request<Screen>((timed) => timed.emitWithAck('watchScreen', { name }));
    if (!answer) return;
    const { res, mine } = answer;
    if ('error' in res) {
      error.value = res.error;
      unauthorized.value = isUnauthorized(res.error);
      live.retryIfCurrent(
        mine,
        () => void watchScreen(),
        unauthorized.value ? RETRY_REFUSED_MS : isUnavailable(res.error) ? RETRY_MS : RETRY_MISSING_MS,
      );
      return;
    }
    error.value = null;
    unauthorized.value = false;
    take(res.data);
  }

  socket.on('connect_error', (err) => {
    if (isUnauthorized(err.message)) unauthorized.value = true;
    if (!socket.active) live.reconnectLater(unauthorized.value ? RETRY_REFUSED_MS : RETRY_MS);
  });
  socket.on('screen', take);

  return { screen, error, unauthorized, socket, fromCache };
}
