/**
 * Open live sockets per API key, counted across every server of the install (docs/live.md): a
 * key may hold at most `max` at once. Each socket is an entry `serverId:socketId` of the key's
 * ZSET in Redis (`liveSocketsKey`), scored by when its server last renewed it:
 *
 * - the handshake takes its place with one script (socket-admit.lua) that drops lapsed entries,
 *   counts and adds in one step — two handshakes, on one server or two, cannot both take the
 *   last place;
 * - the socket's server renews its entries every third of a lease, and removes an entry when its
 *   socket goes;
 * - a server that dies (SIGKILL, a crash, its machine gone) renews nothing: its entries lapse
 *   after one lease and stop counting against their keys.
 *
 * Every time is Redis' own clock, so the servers' clocks need not agree.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisConn } from '../../core/redis/connections.js';
import { liveSocketsKey } from '../../core/redis/keys.js';

const ADMIT = readFileSync(new URL('./socket-admit.lua', import.meta.url), 'utf8');
const RENEW = readFileSync(new URL('./socket-renew.lua', import.meta.url), 'utf8');
/** Members renewed by one call, well within what a script's unpack takes. */
const RENEW_BATCH = 1000;

type AdmitCall = (key: string, member: string, max: number, leaseMs: number) => Promise<number>;
type RenewCall = (key: string, leaseMs: number, ...members: string[]) => Promise<number>;

export class SocketLeases {
  private readonly admitCall: AdmitCall;
  private readonly renewCall: RenewCall;
  /** This server's admitted sockets: socket id → its key. */
  private readonly held = new Map<string, string>();
  private readonly timer: NodeJS.Timeout | null = null;

  /** `max` 0: no limit, and nothing is counted. `onError`: a renewal that failed (Redis away). */
  constructor(
    private readonly redis: RedisConn,
    private readonly prefix: string,
    private readonly max: number,
    private readonly leaseMs: number,
    onError: (err: unknown) => void,
    private readonly serverId = randomBytes(6).toString('base64url'),
  ) {
    redis.defineCommand('pulseSocketAdmit', { lua: ADMIT, numberOfKeys: 1 });
    redis.defineCommand('pulseSocketRenew', { lua: RENEW, numberOfKeys: 1 });
    const r = redis as unknown as { pulseSocketAdmit: AdmitCall; pulseSocketRenew: RenewCall };
    this.admitCall = r.pulseSocketAdmit.bind(redis);
    this.renewCall = r.pulseSocketRenew.bind(redis);
    if (max > 0) {
      this.timer = setInterval(() => this.renew().catch(onError), Math.max(100, Math.floor(leaseMs / 3)));
      this.timer.unref();
    }
  }

  private member(socketId: string) {
    return `${this.serverId}:${socketId}`;
  }

  /** Takes a place for the socket if its key has one left; false: the key is at its cap. */
  async admit(keyId: string, socketId: string): Promise<boolean> {
    if (this.max <= 0) return true;
    const admitted = await this.admitCall(liveSocketsKey(this.prefix, keyId), this.member(socketId), this.max, this.leaseMs);
    if (admitted === 1) this.held.set(socketId, keyId);
    return admitted === 1;
  }

  /** Gives the socket's place back; again, or for a socket never admitted, nothing happens. */
  async release(socketId: string): Promise<void> {
    const keyId = this.held.get(socketId);
    if (keyId === undefined) return;
    this.held.delete(socketId);
    // Should Redis be away, the entry is no longer renewed: it lapses within a lease.
    await this.redis.zrem(liveSocketsKey(this.prefix, keyId), this.member(socketId));
  }

  /** Renews every held entry: one script per key (and per thousand sockets), sent together. */
  async renew(): Promise<void> {
    const byKey = new Map<string, string[]>();
    for (const [socketId, keyId] of this.held) {
      const members = byKey.get(keyId) ?? [];
      members.push(this.member(socketId));
      byKey.set(keyId, members);
    }
    const calls: Promise<number>[] = [];
    for (const [keyId, members] of byKey) {
      for (let i = 0; i < members.length; i += RENEW_BATCH) {
        calls.push(this.renewCall(liveSocketsKey(this.prefix, keyId), this.leaseMs, ...members.slice(i, i + RENEW_BATCH)));
      }
    }
    await Promise.all(calls);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
