/**
 * The live snapshot of one store (or of the group, store "*") over the `/live` namespace.
 *
 * - On every `connect` (the first one and each reconnect) the wall emits `subscribe` and takes the
 *   snapshot from the ack: that is the resync after any gap.
 * - `kpis` pushes then replace the snapshot; a push with a lower `seq` than the one shown (or waiting
 *   to be shown) is ignored. The pushes that arrive between two animation frames are coalesced
 *   (live/frame-coalescer.ts): only the newest is applied, once per frame, so a burst costs one
 *   render and the page keeps up with the socket.
 * - socket.io-client's manager reconnects after network and server failures by itself; the two
 *   cases it leaves alone (the server refusing the handshake, or closing the socket itself) are
 *   retried here after a pause, so that an unattended wall always comes back. A server that stops
 *   says when to come back (`serverShutdown`): the wall reconnects after that delay.
 * - Alerts: on every subscribe the active ones (open or acknowledged) are read from
 *   `GET /api/v1/alerts?state=active`; `alert` pushes add, `alertUpdated` pushes replace in place
 *   (a cleared alert leaves the list), see `alert-list.ts`.
 * - Freshness (domain/freshness.ts): every snapshot and `heartbeat` carries the pipeline's state;
 *   `status` is the connection and that state together, what the header says. A refusal that may
 *   be temporary (the key refused on a page where it worked: Redis may have come back without its
 *   data; a store Redis no longer knows) is retried with a growing pause, the figures kept.
 * - Offline first: the last snapshot taken is kept in the browser (offline/snapshot-cache.ts) and
 *   shown at once when the page starts, marked `fromCache`, until the server answers — unless the
 *   server wrote current figures into the page itself (live/page-snapshot.ts), which come first.
 */
import { computed, onScopeDispose, ref, shallowRef, watch, type ComputedRef, type Ref } from 'vue';
import type { AlertRecord } from '../../../domain/alerts.js';
import type { Snapshot } from '../../../domain/kpis.js';
import { GROUP } from '../../../domain/protocol.js';
import { isStale, wallStatus, type Freshness, type WallStatus } from '../../../domain/freshness.js';
import { activeAlertsPath, mergeAlerts, resyncAlerts } from '../alert-list.js';
import { apiGet } from '../api.js';
import { browserFrames, frameCoalescer } from '../live/frame-coalescer.js';
import { takePageSnapshot } from '../live/page-snapshot.js';
import { isUnauthorized, RETRY_MS, RETRY_REFUSED_MS, useLiveSocket } from '../live/use-live-socket.js';
import { snapshotCache, snapshotKey } from '../offline/snapshot-cache.js';
import { useNow } from './use-now.js';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Not live for this long (or the browser reports no network) reads as offline. */
export const OFFLINE_AFTER_MS = 30_000;
/** The pause after a refusal that may be temporary (RETRY_MS) doubles each time, up to this. */
const RETRY_MAX_MS = 30_000;
/** While stale but connected, ask for a fresh snapshot this often. */
const RESYNC_WHEN_STALE_MS = 60_000;
/**
 * A snapshot is written to the browser's cache at most this often (the latest one of a burst is
 * written when the pause ends): a power cut loses at most these seconds of figures.
 */
export const SAVE_EVERY_MS = 5_000;

/**
 * Why the wall cannot show current figures, beyond what the status says:
 * - `refused`: the key was refused (unknown or revoked); retried every minute;
 * - `refusedAfterUse`: refused although it worked on this page before: Redis may have come back
 *   without its data; retried with back-off;
 * - `unknownStore`: the server does not know the store (any more); retried with back-off.
 */
export type WallProblem = 'refused' | 'refusedAfterUse' | 'unknownStore';

export interface LiveOptions {
  token: string;
  /** Namespace URL; the page's own origin by default (the HTTP API is always read on the page's origin). */
  url?: string;
  /** Keep the figures in the browser and start from them (wall TVs; the staff page does not). */
  offline?: boolean;
}

export interface LiveSnapshot {
  snapshot: Readonly<Ref<Snapshot | null>>;
  /** The active alerts (open or acknowledged), newest first, at most MAX_ALERTS. */
  alerts: Readonly<Ref<readonly AlertRecord[]>>;
  /** Takes a changed alert in at once (e.g. the answer to an acknowledgement), as a push would. */
  takeAlert: (alert: AlertRecord) => void;
  state: ComputedRef<ConnectionState>;
  /** Client time (ms) of the last snapshot taken, from an ack or a push. */
  lastUpdate: Readonly<Ref<number | null>>;
  /** Not live for STALE_TREATMENT_AFTER_MS: the figures are dimmed under a watermark. */
  stale: ComputedRef<boolean>;
  /** What the header says: the connection and the pipeline's freshness together. */
  status: ComputedRef<WallStatus>;
  /** The last freshness the server sent. */
  freshness: Readonly<Ref<Freshness | null>>;
  /** Client time (ms) up to which the figures shown are known to be current. */
  figuresAt: ComputedRef<number | null>;
  problem: Readonly<Ref<WallProblem | null>>;
  /** The server refused the key. */
  unauthorized: Readonly<Ref<boolean>>;
  /** The server refused the subscription (e.g. a key limited to other stores). */
  subscribeError: Readonly<Ref<string | null>>;
  /** The active alerts have been read once (or the reading failed): the list is what there is. */
  alertsRead: Readonly<Ref<boolean>>;
  /**
   * The figures shown are the ones this browser kept from an earlier visit: the server has not
   * answered since the page started. `lastUpdate` is then when they were kept.
   */
  fromCache: Readonly<Ref<boolean>>;
}

/** A kept snapshot fit to show for this store (another build's or store's is not). */
function cachedSnapshot(store: string): { snapshot: Snapshot; savedAt: number } | null {
  const cached = snapshotCache.load<Snapshot>(snapshotKey(store));
  const s = cached?.data;
  if (!cached || !s || s.store !== store || typeof s.seq !== 'number' || typeof s.kpis !== 'object' || !s.kpis) return null;
  return { snapshot: s, savedAt: cached.savedAt };
}

export function useLiveSnapshot(store: string, options: LiveOptions): LiveSnapshot {
  const snapshot = shallowRef<Snapshot | null>(null);
  const alerts = shallowRef<readonly AlertRecord[]>([]);
  const lastUpdate = ref<number | null>(null);
  const connected = ref(false);
  const subscribed = ref(false);
  const everLive = ref(false);
  const notLiveSince = ref(Date.now());
  const unauthorized = ref(false);
  const subscribeError = ref<string | null>(null);
  const alertsRead = ref(false);
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  const freshness = shallowRef<Freshness | null>(null);
  const lastBeatAt = ref<number | null>(null);
  /** Client time of the last word from the server that the pipeline was live. */
  const lastLiveAt = ref<number | null>(null);
  /** The server refused the handshake as `unavailable`: it cannot reach Redis. */
  const serverCutOff = ref(false);
  const problem = ref<WallProblem | null>(null);
  /** Refusals that may be temporary, in a row: the back-off grows with them. */
  let refusals = 0;
  const now = useNow();
  let disposed = false;

  const cached = options.offline ? cachedSnapshot(store) : null;
  const fromCache = ref(cached !== null);
  if (cached) {
    snapshot.value = cached.snapshot;
    lastUpdate.value = cached.savedAt;
  }
  let lastSaved = 0;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  function saveNow(): void {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    if (!options.offline || fromCache.value || !snapshot.value) return;
    lastSaved = Date.now();
    snapshotCache.save(snapshotKey(store), snapshot.value, lastSaved);
  }
  /** Keeps the snapshot shown, at most every SAVE_EVERY_MS. */
  function remember(): void {
    if (!options.offline || saveTimer !== undefined) return;
    const wait = lastSaved + SAVE_EVERY_MS - Date.now();
    if (wait <= 0) saveNow();
    else saveTimer = setTimeout(saveNow, wait);
  }

  // The first figures: those the server wrote into the page (live/page-snapshot.ts), drawn with
  // the page's first render; else by HTTP, sent alongside the socket's handshake. The handshake
  // takes several round trips, each waiting for the page's main thread while it renders for the
  // first time. Whichever answers first is shown; the socket's ack and pushes take over from there.
  const inPage = takePageSnapshot(store);
  if (inPage) {
    show(inPage);
  } else {
    const kpisPath = store === GROUP ? '/api/v1/kpis' : `/api/v1/stores/${encodeURIComponent(store)}/kpis`;
    apiGet<Snapshot>(kpisPath, options.token).then(
      (first) => {
        if (!disposed && (snapshot.value === null || fromCache.value)) showNow(first);
      },
      () => undefined, // the socket reports what is wrong
    );
  }

  /** Highest `seq` pushed on the current connection before its ack arrived. */
  let pushedSeq: number | null = null;
  let lastResync = 0;
  const live = useLiveSocket(options, {
    onConnect() {
      pushedSeq = null;
      connected.value = true;
      subscribed.value = false;
      serverCutOff.value = false;
      void subscribe();
    },
    onDisconnect() {
      // A push waiting for its frame is shown now: the next connection's ack decides from there.
      pushes.flush();
      markDown();
    },
  });
  const socket = live.socket;

  /** Pushes waiting for the next animation frame: only the newest of them is applied. */
  const pushes = frameCoalescer<Snapshot>(show, browserFrames);

  /** Shows an answer (the HTTP snapshot, an ack): a waiting push no newer than it is dropped. */
  function showNow(next: Snapshot): void {
    pushes.dropUpTo(next.seq);
    show(next);
  }

  function show(next: Snapshot): void {
    snapshot.value = next;
    lastUpdate.value = Date.now();
    fromCache.value = false;
    remember();
    if (next.freshness) takeFreshness(next.freshness);
  }

  function takeFreshness(f: Freshness): void {
    freshness.value = f;
    lastBeatAt.value = Date.now();
    if (f.state === 'live') lastLiveAt.value = lastBeatAt.value;
  }

  /** The pause before retrying something that may be temporary: 5 s, 10 s, 20 s, then 30 s. */
  function backOff(): number {
    refusals += 1;
    return Math.min(RETRY_MS * 2 ** (refusals - 1), RETRY_MAX_MS);
  }

  function markDown(): void {
    if (subscribed.value || connected.value) notLiveSince.value = Date.now();
    connected.value = false;
    subscribed.value = false;
  }

  async function subscribe(): Promise<void> {
    const answer = await live.request<Snapshot>((timed) => timed.emitWithAck('subscribe', { store }));
    if (!answer || disposed) return;
    const { res, mine } = answer;
    if ('error' in res) {
      subscribeError.value = res.error;
      unauthorized.value = isUnauthorized(res.error);
      // A store the server does not know, on a wall that showed it: Redis lost its data, or it is
      // being reloaded. Said as such, the figures kept, retried soon.
      const unknown = /^no store /.test(res.error) && snapshot.value !== null;
      if (unknown) problem.value = 'unknownStore';
      live.retryIfCurrent(
        mine,
        () => void subscribe(),
        unknown ? backOff() : isUnauthorized(res.error) ? RETRY_REFUSED_MS : RETRY_MS * 6,
      );
      return;
    }
    subscribeError.value = null;
    unauthorized.value = false;
    problem.value = null;
    refusals = 0;
    if (!subscribed.value) {
      // The first ack of a connection is the truth after a gap (even with a lower seq: the server
      // may have restarted), unless a newer push on this same connection already overtook it.
      if (pushedSeq === null || res.data.seq >= pushedSeq) showNow(res.data);
    } else if (fromCache.value || res.data.seq > ((pushes.pending() ?? snapshot.value)?.seq ?? -Infinity)) {
      // A resync while stale counts only if it brings something newer: an unchanged snapshot
      // leaves the wall stale, as the pushes are still missing.
      showNow(res.data);
    }
    subscribed.value = true;
    everLive.value = true;
    void loadRecentAlerts(mine);
  }

  /** Pushes received while the active alerts are being read, kept to apply over the answer. */
  let pushedAlerts: AlertRecord[] | null = null;

  /** The active alerts, read again on every subscribe: what changed while this page was away. */
  async function loadRecentAlerts(mine: number): Promise<void> {
    const meanwhile: AlertRecord[] = [];
    pushedAlerts = meanwhile;
    try {
      const body = await apiGet<{ alerts: AlertRecord[] }>(activeAlertsPath(store), options.token);
      if (!live.isCurrent(mine) || disposed || pushedAlerts !== meanwhile) return;
      alerts.value = resyncAlerts(body.alerts, meanwhile, store);
    } catch {
      // The ticker still fills from live alerts.
    } finally {
      if (pushedAlerts === meanwhile) pushedAlerts = null;
      if (!disposed) alertsRead.value = true;
    }
  }

  function takeAlert(alert: AlertRecord): void {
    pushedAlerts?.push(alert);
    alerts.value = mergeAlerts(alerts.value, [alert], store);
  }

  socket.on('connect_error', (err) => {
    markDown();
    const refused = isUnauthorized(err.message);
    serverCutOff.value = err.message === 'unavailable';
    // An unknown key where it worked before: most likely Redis came back without its keys (being
    // restored); a key revoked on purpose stays refused, retried every minute, never a dead end.
    const reason = (err as Error & { data?: { reason?: string } }).data?.reason;
    const mayComeBack = refused && everLive.value && reason !== 'revoked' && reason !== 'scope';
    if (refused) problem.value = mayComeBack ? 'refusedAfterUse' : 'refused';
    unauthorized.value = refused && !everLive.value;
    // `active` is false when the server refused the handshake: the manager gives up, we do not.
    if (!socket.active) {
      const wait = refused && !mayComeBack ? RETRY_REFUSED_MS : backOff();
      live.reconnectLater(wait);
    }
  });

  socket.on('kpis', (next) => {
    if (next.store !== store) return;
    const newest = pushes.pending() ?? (fromCache.value ? null : snapshot.value);
    if (newest && next.seq < newest.seq) return;
    if (!subscribed.value) pushedSeq = Math.max(pushedSeq ?? next.seq, next.seq);
    pushes.offer(next);
  });

  socket.on('heartbeat', (beat) => {
    if (beat.store === store) takeFreshness(beat.freshness);
  });

  socket.on('alert', takeAlert);
  socket.on('alertUpdated', takeAlert);

  const onOnline = (): void => {
    online.value = true;
    if (!socket.connected) socket.connect();
  };
  const onOffline = (): void => {
    online.value = false;
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);

  const state = computed<ConnectionState>(() => {
    if (connected.value && subscribed.value) return 'live';
    if (!online.value || now.value - notLiveSince.value >= OFFLINE_AFTER_MS) return 'offline';
    return everLive.value ? 'reconnecting' : 'connecting';
  });

  const status = computed<WallStatus>(() =>
    wallStatus(
      {
        connected: connected.value && subscribed.value,
        everConnected: everLive.value || snapshot.value !== null,
        serverCutOff: serverCutOff.value,
        freshness: freshness.value,
        lastBeatAt: lastBeatAt.value,
      },
      now.value,
    ),
  );
  /** Since when the wall has not been live (null: live now). */
  const notLiveFrom = ref<number | null>(Date.now());
  watch(
    status,
    (s) => {
      if (s === 'live') notLiveFrom.value = null;
      else notLiveFrom.value ??= Date.now();
    },
    { immediate: true },
  );
  const stale = computed(() => snapshot.value !== null && isStale(status.value, notLiveFrom.value, now.value));
  const figuresAt = computed<number | null>(() => {
    if (status.value === 'live') return now.value;
    const f = freshness.value;
    // Behind, yet connected: the events are in up to `appliedThrough`.
    if ((status.value === 'delayed' || status.value === 'stalled') && f?.appliedThrough) {
      return Math.min(Date.parse(f.appliedThrough), now.value);
    }
    return lastLiveAt.value ?? lastUpdate.value;
  });

  // Connected yet silent for two minutes: ask for the snapshot again rather than wait.
  watch(now, (t) => {
    if (stale.value && connected.value && subscribed.value && t - lastResync >= RESYNC_WHEN_STALE_MS) {
      lastResync = t;
      void subscribe();
    }
  });

  onScopeDispose(() => {
    disposed = true;
    pushes.dispose();
    if (saveTimer !== undefined) saveNow();
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
  });

  return {
    snapshot,
    alerts,
    takeAlert,
    state,
    lastUpdate,
    stale,
    status,
    freshness,
    figuresAt,
    problem,
    unauthorized,
    subscribeError,
    alertsRead,
    fromCache,
  };
}
