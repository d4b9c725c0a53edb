/** The `/live` Socket.IO protocol, typed once for server and client. */
import type { AlertRecord } from './alerts.js';
import type { Celebration, DeviceAssignment, DeviceCommand, DeviceReport } from './devices.js';
import type { Freshness } from './freshness.js';
import type { Snapshot } from './kpis.js';
import type { Screen } from './screens.js';

export const LIVE_NAMESPACE = '/live';
/** Pushes per room are coalesced to at most this many a second. */
export const MAX_PUSHES_PER_SECOND = 4;

/** `retryInMs`: with the error `rate_limited` (the socket sent messages too fast), when to send again. */
export type Response<T> = { error: string; retryInMs?: number } | { data: T };

export interface SubscribePayload {
  /** A store code, or "*" for the whole group. */
  store: string;
}

export interface ClientToServerEvents {
  subscribe: (payload: SubscribePayload, ack: (res: Response<Snapshot>) => void) => void;
  unsubscribe: (payload: SubscribePayload, ack?: (res: Response<true>) => void) => void;
  /** A TV playing a screen: the ack carries its playlist, `screen` pushes carry every change. */
  watchScreen: (payload: { name: string }, ack: (res: Response<Screen>) => void) => void;
  /**
   * A TV's report (docs/wall.md, "Screen management"), every 30 s and on every connect: registers
   * the device, ties the socket to it, and answers with what the administrator set for it.
   */
  deviceHello: (report: DeviceReport, ack: (res: Response<DeviceAssignment>) => void) => void;
}

export interface ServerToClientEvents {
  kpis: (snapshot: Snapshot) => void;
  /** A newly raised alert (the spec's `{id, store, kind, severity, message, at}` and more). */
  alert: (alert: AlertRecord) => void;
  /** An alert was acknowledged or cleared: the banner and ticker update in place. */
  alertUpdated: (alert: AlertRecord) => void;
  screen: (screen: Screen) => void;
  /** To a registered TV: its settings changed (name, playlist, store, on-hours, celebrations). */
  device: (assignment: DeviceAssignment) => void;
  /** To a registered TV: reload the page, or show the device's name full-screen. */
  deviceCommand: (command: DeviceCommand) => void;
  /** To TVs with celebrations on, of the event's store: an order signed or a car delivered (masked). */
  celebration: (celebration: Celebration) => void;
  /**
   * At least every HEARTBEAT_EVERY_MS (5 s) to every store room, and at once when the state
   * changes, also while the server cannot reach Redis: the pipeline's state and the server's time.
   */
  heartbeat: (beat: Heartbeat) => void;
  /**
   * This server is stopping (SIGTERM): it disconnects the socket right after. Connect again after
   * `reconnectInMs` (a load balancer sends the connection to another server) and subscribe again.
   */
  serverShutdown: (info: { reconnectInMs: number }) => void;
}

export interface Heartbeat {
  /** The room's store code, or "*" for the group. */
  store: string;
  /** RFC 3339. */
  serverTime: string;
  freshness: Freshness;
}

export interface LiveSocketData {
  /** The key of the handshake: its sockets are dropped when it is revoked. */
  keyId: string;
  scopes: string[];
  stores: string[] | null;
}

export const GROUP = '*';

/**
 * The element of a wall's page that holds its first snapshot (`<script type="application/json">`),
 * written by the server when the page's address brings a key that may read the wall
 * (server/http/wall-page.ts) and shown by the page before its socket has connected.
 */
export const PAGE_SNAPSHOT_ID = 'pulse-snapshot';
