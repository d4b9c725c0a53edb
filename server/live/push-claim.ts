/**
 * Whose turn it is to push a live room, across every server process (docs/live.md, "Several
 * servers"). Through the Socket.IO Redis adapter one server's `kpis` push reaches the room's
 * sockets on every server, so each push must be made by one server only: the one that holds the
 * room's turn, a small HASH in Redis (`pushTurnKey`) read and written by two Lua scripts.
 *
 * - `claim` grants the turn when nobody holds it and the minimum gap since the room's last push
 *   (by any server) has passed; otherwise it answers how long to wait. For a store it also answers
 *   "nothing to push" when the store's `seq` is not above the last pushed one and no heartbeat is
 *   due. (The group's seq is the sum of every store's: the caller compares after building.)
 * - `done` ends the turn: with the seq about to be pushed (the push time is recorded, and the next
 *   turn comes `minGapMs` later), or with nothing pushed (the next server may go at once). It
 *   refuses when the turn had already passed to another server, so a snapshot built too slowly
 *   cannot go out a second time.
 * - A server that dies holding a turn loses it after `holdMs`.
 *
 * Every time is Redis' own clock (TIME), so the servers' clocks need not agree.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisConn } from '../../core/redis/connections.js';
import { pushTurnKey, seqKeys } from '../../core/redis/keys.js';
import { GROUP } from '../../domain/protocol.js';

const CLAIM = readFileSync(new URL('./push-claim.lua', import.meta.url), 'utf8');
const DONE = readFileSync(new URL('./push-done.lua', import.meta.url), 'utf8');

/** A server that died holding a turn loses it after this long: the room's pushes pause at most that. */
export const TURN_HOLD_MS = 2000;
/** A room's turn is forgotten after this long without a push (longer than any heartbeat). */
const TURN_TTL_MS = 10 * 60_000;

export interface PushTiming {
  /** The minimum gap between two pushes of a room, whoever makes them. */
  minGapMs: number;
  /** A push is due, even with nothing new, this long after the room's last one (the heartbeat). */
  heartbeatDueMs: number;
  /** How long a turn may be held. */
  holdMs?: number;
}

export type Claim =
  /** Another server holds the turn, or the last push was under the minimum gap ago. */
  | { kind: 'wait'; retryInMs: number }
  /** Nothing new since the last push and no heartbeat due: the room's last push was `lastPushAgeMs` ago. */
  | { kind: 'nothing'; lastPushAgeMs: number }
  /** The caller's turn: it must end it with `done`. `lastSeq`, `lastPushAgeMs`: -1 when the room was never pushed. */
  | { kind: 'turn'; token: string; lastSeq: number; lastPushAgeMs: number; heartbeatDue: boolean };

type ClaimCall = (numKeys: number, ...keysAndArgs: (string | number)[]) => Promise<number[]>;
type DoneCall = (key: string, token: string, seq: string, minGapMs: number, ttlMs: number) => Promise<number>;

export class PushClaims {
  private readonly claimCall: ClaimCall;
  private readonly doneCall: DoneCall;
  private readonly id = randomBytes(6).toString('base64url');
  private turns = 0;
  private readonly minGapMs: number;
  private readonly holdMs: number;
  private readonly heartbeatDueMs: number;

  constructor(
    redis: RedisConn,
    private readonly prefix: string,
    timing: PushTiming,
  ) {
    // The claim reads the store's seq too: its number of keys is given per call (one for the group).
    redis.defineCommand('pulsePushClaim', { lua: CLAIM });
    redis.defineCommand('pulsePushDone', { lua: DONE, numberOfKeys: 1 });
    const r = redis as unknown as { pulsePushClaim: ClaimCall; pulsePushDone: DoneCall };
    this.claimCall = r.pulsePushClaim.bind(redis);
    this.doneCall = r.pulsePushDone.bind(redis);
    this.minGapMs = Math.max(1, Math.ceil(timing.minGapMs));
    this.holdMs = timing.holdMs ?? TURN_HOLD_MS;
    this.heartbeatDueMs = timing.heartbeatDueMs;
  }

  /** Asks for the turn to push the room of `store` (a store code, or `*` for the group). */
  async claim(store: string): Promise<Claim> {
    const token = `${this.id}:${++this.turns}`;
    const keys =
      store === GROUP ? [pushTurnKey(this.prefix, store)] : [pushTurnKey(this.prefix, store), seqKeys(this.prefix, store).seq];
    const args = [token, this.holdMs, this.heartbeatDueMs, TURN_TTL_MS];
    const [status, a = -1, b = -1, c = 0] = (await this.claimCall(keys.length, ...keys, ...args)).map(Number);
    if (status === 0) return { kind: 'wait', retryInMs: a };
    if (status === 1) return { kind: 'nothing', lastPushAgeMs: a };
    return { kind: 'turn', token, lastSeq: a, lastPushAgeMs: b, heartbeatDue: c === 1 };
  }

  /**
   * Ends a turn. With `pushedSeq`, the push is recorded and must follow at once; false means the
   * turn had passed to another server (it was held past `holdMs`): push nothing then.
   */
  async done(store: string, token: string, pushedSeq: number | null): Promise<boolean> {
    const seq = pushedSeq === null ? '' : String(pushedSeq);
    return (await this.doneCall(pushTurnKey(this.prefix, store), token, seq, this.minGapMs, TURN_TTL_MS)) === 1;
  }
}
