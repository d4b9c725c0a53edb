/**
 * A socket.io client on `/live` that behaves as the wall does (client/src/composables/
 * use-live-snapshot.ts): subscribes on every `connect` and takes the ack's snapshot, replaces it
 * with newer `kpis` pushes, reconnects after `io server disconnect` itself — after the server's
 * `serverShutdown` hint when one came — and after a refused handshake.
 */
import { io, type Socket } from 'socket.io-client';
import type { Snapshot } from '../../domain/kpis.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../domain/protocol.js';
import { ADMIN_TOKEN } from './stack.js';

const ACK_TIMEOUT_MS = 10_000;
const RETRY_MS = 5_000;

export class WallClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  snapshot: Snapshot | null = null;
  /** Connections made (each one subscribes). */
  connects = 0;
  subscribed = false;
  readonly disconnects: string[] = [];
  readonly shutdownHints: number[] = [];
  /** Order of what happened, for the shutdown test: 'serverShutdown', 'disconnect:<reason>', 'connect'. */
  readonly log: string[] = [];
  private pushedSeq: number | null = null;
  private hintMs: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    baseUrl: string,
    readonly store: string,
    token = ADMIN_TOKEN,
  ) {
    // The wall's manager settings; forceNew: one connection per client, as separate screens have.
    this.socket = io(`${baseUrl}/live`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: true,
      reconnectionAttempts: Infinity,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      timeout: 10_000,
    });
    this.socket.on('connect', () => {
      this.connects++;
      this.log.push('connect');
      this.pushedSeq = null;
      this.subscribed = false;
      clearTimeout(this.timer);
      void this.subscribe();
    });
    this.socket.on('kpis', (next) => {
      if (next.store !== this.store) return;
      if (this.snapshot && next.seq < this.snapshot.seq) return;
      if (!this.subscribed) this.pushedSeq = Math.max(this.pushedSeq ?? next.seq, next.seq);
      this.snapshot = next;
    });
    this.socket.on('serverShutdown', (info) => {
      this.log.push('serverShutdown');
      this.shutdownHints.push(info.reconnectInMs);
      this.hintMs = info.reconnectInMs;
    });
    this.socket.on('disconnect', (reason) => {
      this.log.push(`disconnect:${reason}`);
      this.disconnects.push(reason);
      this.subscribed = false;
      if (reason === 'io server disconnect') this.later(() => this.socket.connect(), this.hintMs ?? RETRY_MS);
      this.hintMs = null;
    });
    this.socket.on('connect_error', () => {
      if (!this.socket.active) this.later(() => this.socket.connect(), RETRY_MS);
    });
  }

  private later(action: () => void, ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => !this.closed && action(), ms);
  }

  private async subscribe(): Promise<void> {
    try {
      const res = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('subscribe', { store: this.store });
      if ('error' in res) {
        this.later(() => void this.subscribe(), 1000);
        return;
      }
      if (this.pushedSeq === null || res.data.seq >= this.pushedSeq) this.snapshot = res.data;
      this.subscribed = true;
    } catch {
      if (this.socket.connected) this.socket.disconnect().connect();
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}
