/**
 * The `/live` namespace: key in the handshake, `subscribe` answered with the current snapshot,
 * `kpis` and `alert` pushed to the store's room and the group room. With several servers, `kpis`
 * pushes go through the Socket.IO Redis adapter (server/app.ts), one server per push; alerts and
 * screens come to every server over Redis pub/sub and each emits them to its own sockets.
 * Limits (docs/live.md): refused handshakes per client address (as on the API), open sockets per
 * key across every server (socket-leases.ts), messages per socket (message-budget.ts).
 */
import { logFailure, type RedisConn } from '../../core/redis/connections.js';
import type { Namespace, Server } from 'socket.io';
import type { AlertRecord } from '../../domain/alerts.js';
import type { Snapshot } from '../../domain/kpis.js';
import { maskAlert } from '../../domain/masking.js';
import {
  GROUP,
  LIVE_NAMESPACE,
  type ClientToServerEvents,
  type LiveSocketData,
  type ServerToClientEvents,
} from '../../domain/protocol.js';
import { storeCode } from '../../domain/events.js';
import { canSeeScreen } from '../../core/auth/api-keys.js';
import type { KeyCheck } from '../../core/auth/key-gate.js';
import type { AppDeps } from '../deps.js';
import { clientAddress } from '../../core/http/client-address.js';
import { globalKeys } from '../../core/redis/keys.js';
import { GROUP_ROOM, roomOf, screenRoom, storeOfRoom } from './rooms.js';
import { screenName, type Screen } from '../../domain/screens.js';
import { loadScreen } from '../../core/books/screen-book.js';
import { PushClaims } from './push-claim.js';
import { HEARTBEAT_MS, heartbeatTiming, PushScheduler, type PushOutcome } from './push-scheduler.js';
import { deviceChannels, forwardDeviceMessage, onDeviceHello } from './device-socket.js';
import { watchKeys } from './key-watch.js';
import { roomLimitError } from './limits.js';
import { MessageBudget } from './message-budget.js';
import { liveSnapshotReader } from './live-snapshot.js';
import { sharedReads } from './shared-reads.js';
import { SocketLeases } from './socket-leases.js';
import { HEARTBEAT_EVERY_MS, type Freshness } from '../../domain/freshness.js';

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;
type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LiveSocketData>;

export interface Live {
  namespace: LiveNamespace;
  close(): Promise<void>;
}

export async function attachLive(io: LiveServer, deps: AppDeps, subscriber: RedisConn): Promise<Live> {
  const nsp: LiveNamespace = io.of(LIVE_NAMESPACE);
  const log = deps.log.child({ component: 'live' });
  const { subscriptionsPerSocket, socketsPerKey } = deps.config.liveLimits;
  const leases = new SocketLeases(deps.redis, deps.config.prefix, socketsPerKey, deps.config.liveSocketLeaseMs, (err) =>
    log.warn({ err }, 'could not renew the places of open sockets'),
  );
  // Revoked keys: their sockets are dropped at once, and re-checked every 30 s (key-watch.ts).
  const keyWatch = await watchKeys(nsp, deps, subscriber, log);

  nsp.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const address = clientAddress(socket.request, deps.config.trustProxyHops);
    let check: KeyCheck;
    let admitted = false;
    try {
      check = await deps.gate.check(typeof token === 'string' ? token : undefined, address);
      if (check.kind === 'accepted' && check.principal.scopes.includes('read')) {
        // One step in Redis: count the key's sockets on every server and take a place if one is left.
        admitted = await leases.admit(check.principal.keyId, socket.id);
      }
    } catch {
      // Redis is away: not the key's fault. The wall tries again in seconds, not in a minute.
      return next(new Error('unavailable'));
    }
    if (check.kind === 'rate_limited') {
      return next(Object.assign(new Error('rate_limited'), { data: { retryAfter: check.retryAfterS, message: check.message } }));
    }
    if (check.kind !== 'accepted') {
      // Told apart for the wall: a revoked key stays refused; an unknown one may come back (Redis
      // restored after losing its data), so the wall keeps trying sooner.
      const reason = await deps.keys.refusedAs(typeof token === 'string' ? token : undefined).catch(() => 'unknown' as const);
      return next(Object.assign(new Error('unauthorized'), { data: { reason } }));
    }
    if (!check.principal.scopes.includes('read'))
      return next(Object.assign(new Error('unauthorized'), { data: { reason: 'scope' } }));
    if (!admitted) return next(new Error('too many connections for this key'));
    // The place is given back when the socket goes, or when its connection closes before that.
    const release = () => {
      socket.conn.off('close', release);
      leases.release(socket.id).catch((err: unknown) => log.debug({ err }, 'could not give back a socket place: it lapses'));
    };
    socket.conn.once('close', release);
    socket.once('disconnect', release);
    // Closed while the key was being checked: no 'close' will come.
    if (socket.conn.readyState !== 'open') release();
    const { principal } = check;
    socket.data = { keyId: principal.keyId, scopes: principal.scopes, stores: principal.stores };
    next();
  });

  // The pipeline's state, one look per server every 2 s. Heartbeats go to this server's own sockets
  // (`local`): through the Redis adapter they would not get through while Redis is unreachable,
  // which is when they matter most. A change of state is sent at once.
  const sendHeartbeats = (freshness: Freshness) => {
    const serverTime = new Date().toISOString();
    for (const room of nsp.adapter.rooms.keys()) {
      const store = storeOfRoom(room);
      if (store !== null) nsp.local.to(room).emit('heartbeat', { store, serverTime, freshness });
    }
  };
  const freshness = deps.freshness;
  freshness.onChange(sendHeartbeats);
  const heartbeats = setInterval(() => sendHeartbeats(freshness.current), HEARTBEAT_EVERY_MS);
  heartbeats.unref();

  // Every snapshot sent on the socket says how fresh the pipeline behind it is.
  const snapshotFor = liveSnapshotReader(deps);
  // A `subscribe` answers with a snapshot; those asked for at once share one read.
  const subscribeSnapshot = sharedReads(snapshotFor);
  const { perSecond, burst } = deps.config.liveMessages;

  // Several servers (docs/live.md): a push goes through the Redis adapter to the room's sockets on
  // every server, so each is made by the one server holding the room's turn (push-claim.ts). Only
  // servers with subscribers in the room (the adapter's `rooms` are this server's) ask for it.
  const claims = new PushClaims(deps.redis, deps.config.prefix, {
    minGapMs: 1000 / deps.config.livePushesPerSecond,
    heartbeatDueMs: heartbeatTiming(HEARTBEAT_MS).dueAfterMs,
  });
  const push = async (room: string): Promise<PushOutcome> => {
    const store = storeOfRoom(room);
    if (!store) return { done: true, lastPushAgeMs: -1 };
    const claim = await claims.claim(store);
    if (claim.kind === 'wait') return { done: false, retryInMs: claim.retryInMs };
    if (claim.kind === 'nothing') return { done: true, lastPushAgeMs: claim.lastPushAgeMs };
    let snap: Snapshot | null = null;
    try {
      snap = await snapshotFor(store);
    } finally {
      // A failed read gives the turn back (the claim's bound would end it anyway).
      if (!snap) await claims.done(store, claim.token, null).catch(() => undefined);
    }
    // The group's seq (the sum of every store's) is compared here; a store's was in the claim.
    if (!snap) return { done: true, lastPushAgeMs: claim.lastPushAgeMs };
    if (snap.seq <= claim.lastSeq && !claim.heartbeatDue) {
      await claims.done(store, claim.token, null);
      return { done: true, lastPushAgeMs: claim.lastPushAgeMs };
    }
    // Recorded first, pushed right after (nothing awaited in between): a turn that passed to
    // another server meanwhile (a snapshot slower than the claim's bound) pushes nothing.
    if (!(await claims.done(store, claim.token, snap.seq))) return { done: false, retryInMs: 0 };
    nsp.to(room).emit('kpis', snap);
    deps.metrics.livePushes.inc({ kind: 'kpis' });
    return { done: true, lastPushAgeMs: 0 };
  };
  const scheduler = new PushScheduler(
    {
      activeRooms: () => [...nsp.adapter.rooms.keys()].filter((r) => storeOfRoom(r) !== null),
      hasSubscribers: (room) => (nsp.adapter.rooms.get(room)?.size ?? 0) > 0,
      push,
    },
    (err) => logFailure(log, err, 'push failed'),
    HEARTBEAT_MS,
    deps.config.livePushesPerSecond,
  );

  nsp.on('connection', (socket) => {
    // Every message spends the socket's budget; past it, refused without any work (no Redis, no
    // snapshot), and a socket that goes on regardless is dropped.
    const budget = new MessageBudget(perSecond, burst);
    socket.use((packet, next) => {
      if (!socket.connected) return;
      const verdict = budget.take();
      if (verdict.kind === 'ok') return next();
      if (verdict.kind === 'drop') {
        log.info({ socketId: socket.id, keyId: socket.data.keyId }, 'socket dropped: too many messages');
        socket.disconnect(true);
        return;
      }
      const ack = packet.at(-1) as unknown;
      if (typeof ack === 'function') ack({ error: 'rate_limited', retryInMs: verdict.retryInMs });
    });
    deps.metrics.liveSockets.inc();
    log.debug({ socketId: socket.id, sockets: nsp.sockets.size }, 'socket connected');
    socket.on('disconnect', (reason) => {
      deps.metrics.liveSockets.dec();
      log.debug({ socketId: socket.id, reason, sockets: nsp.sockets.size }, 'socket disconnected');
    });
    socket.on('subscribe', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const store = (payload as { store?: unknown } | undefined)?.store;
      if (store !== GROUP && !storeCode.safeParse(store).success) {
        ack({ error: 'store must be a store code or "*"' });
        return;
      }
      const code = store as string;
      const limits = socket.data.stores;
      if (limits && (code === GROUP || !limits.includes(code))) {
        ack({ error: 'forbidden: this key may not read this store' });
        return;
      }
      const tooMany = roomLimitError(socket, roomOf(code), subscriptionsPerSocket);
      if (tooMany) {
        ack({ error: tooMany });
        return;
      }
      try {
        const snap = await subscribeSnapshot(code);
        if (!snap) {
          ack({ error: `no store ${code}` });
          return;
        }
        await socket.join(roomOf(code));
        scheduler.markPushed(roomOf(code));
        ack({ data: snap });
      } catch (err) {
        logFailure(log, err, 'subscribe failed', { store: code });
        ack({ error: 'snapshot unavailable, retry shortly' });
      }
    });
    socket.on('watchScreen', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const name = screenName.safeParse((payload as { name?: unknown } | undefined)?.name);
      if (!name.success) {
        ack({ error: 'name must be 1-64 characters of A-Za-z0-9_-' });
        return;
      }
      let screen: Screen | null;
      try {
        screen = await loadScreen(deps.redis, deps.config.prefix, name.data);
      } catch (err) {
        // Redis away: not "no such screen", which a TV would show until someone looks.
        logFailure(log, err, 'watchScreen failed', { screen: name.data });
        ack({ error: 'screen unavailable, retry shortly' });
        return;
      }
      if (!screen) {
        ack({ error: `no screen ${name.data}` });
        return;
      }
      // A store-limited key plays only screens of its stores (a playlist names stores; the figures would be refused anyway).
      if (!canSeeScreen(socket.data, screen.items)) {
        ack({ error: 'forbidden: this screen shows stores this key may not read' });
        return;
      }
      const tooMany = roomLimitError(socket, screenRoom(name.data), subscriptionsPerSocket);
      if (tooMany) {
        ack({ error: tooMany });
        return;
      }
      await socket.join(screenRoom(name.data));
      ack({ data: screen });
    });
    onDeviceHello(socket, deps, log, subscriptionsPerSocket);
    socket.on('unsubscribe', async (payload, ack) => {
      const store = (payload as { store?: unknown } | undefined)?.store;
      if (typeof store === 'string') await socket.leave(roomOf(store));
      if (typeof ack === 'function') ack({ data: true });
    });
  });

  const g = globalKeys(deps.config.prefix);
  await subscriber.subscribe(g.changedChannel, g.alertChannel, g.screenChannel, ...deviceChannels(deps.config.prefix));
  subscriber.on('message', (channel: string, message: string) => {
    if (deviceChannels(deps.config.prefix).includes(channel)) {
      forwardDeviceMessage(nsp, deps.config.prefix, channel, message).catch((err: unknown) =>
        log.warn({ err, channel }, 'could not hand a device message to its TV'),
      );
    } else if (channel === g.changedChannel) {
      scheduler.request(roomOf(message));
      scheduler.request(GROUP_ROOM);
    } else if (channel === g.screenChannel) {
      // Screens and alerts reach every server on this channel, so each serves its own sockets
      // (`local`): sent through the Redis adapter, they would arrive once per server.
      const screen = JSON.parse(message) as Screen;
      nsp.local.to(screenRoom(screen.name)).emit('screen', screen);
    } else if (channel === g.alertChannel) {
      const { event, alert } = JSON.parse(message) as { event: 'alert' | 'alertUpdated'; alert: AlertRecord };
      // Walls are shared screens: every socket gets the alert's free text masked, whatever its
      // key's scopes (`pii` keys read it raw from GET /api/v1/alerts).
      nsp.local
        .to(roomOf(alert.store))
        .to(GROUP_ROOM)
        .emit(event === 'alertUpdated' ? 'alertUpdated' : 'alert', maskAlert(alert));
      deps.metrics.livePushes.inc({ kind: 'alert' });
    }
  });

  return {
    namespace: nsp,
    async close() {
      scheduler.close();
      clearInterval(heartbeats);
      leases.close();
      await keyWatch.close();
      await subscriber.unsubscribe().catch(() => undefined);
    },
  };
}
