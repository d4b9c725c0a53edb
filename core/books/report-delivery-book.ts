/**
 * A store's summary delivery: its settings, and per period and channel whether the summary went
 * out, under the store's hash tag (one Cluster slot, so a script may touch a period's marker and
 * lock together).
 *
 * Once per period and channel, with any number of workers: a sender first takes the channel's
 * lock (SET NX with an expiry and its own token), checks the sent marker, sends, and only then
 * records the send and drops its lock in one script. Two senders never send at once; a sender that
 * dies mid-send leaves no marker, and its lock lapses, so the send is tried again: a crash may
 * cost a duplicate, never a lost summary.
 */
import { randomUUID } from 'node:crypto';
import type { RedisConn } from '../redis/connections.js';
import { storeKeys } from '../redis/keys.js';
import { REPORT_CADENCES, reportDeliverySettings, type ReportDeliveryRecord } from '../../domain/report-delivery.js';

/** Markers are kept past any look-back: the catch-up asks only for the last due week and month. */
const MARKER_TTL_S = 400 * 24 * 3600;
/** The `sent` field saying every channel of the period is settled. */
const DONE = 'done';

export async function loadReportDelivery(redis: RedisConn, prefix: string, store: string): Promise<ReportDeliveryRecord | null> {
  const json = await redis.get(storeKeys(prefix, store).reportDelivery.settings);
  if (!json) return null;
  const raw = JSON.parse(json) as { settings?: unknown; since?: Record<string, unknown> };
  const r = reportDeliverySettings.safeParse(raw.settings);
  // Stored JSON that no longer passes the schema (an older version) sends nothing rather than guess.
  if (!r.success) return null;
  const since: ReportDeliveryRecord['since'] = {};
  for (const c of REPORT_CADENCES) if (typeof raw.since?.[c] === 'number') since[c] = raw.since[c];
  return { settings: r.data, since };
}

export async function saveReportDelivery(redis: RedisConn, prefix: string, store: string, record: ReportDeliveryRecord) {
  await redis.set(storeKeys(prefix, store).reportDelivery.settings, JSON.stringify(record));
}

/** Channels of the period already sent, with when (ISO), and whether the period is settled. */
export async function sentChannels(
  redis: RedisConn,
  prefix: string,
  store: string,
  period: string,
): Promise<{ sent: Map<string, string>; done: boolean }> {
  const raw = await redis.hgetall(storeKeys(prefix, store).reportDelivery.sent(period));
  const done = DONE in raw;
  delete raw[DONE];
  return { sent: new Map(Object.entries(raw)), done };
}

export async function isPeriodDone(redis: RedisConn, prefix: string, store: string, period: string): Promise<boolean> {
  return (await redis.hexists(storeKeys(prefix, store).reportDelivery.sent(period), DONE)) === 1;
}

export async function markPeriodDone(redis: RedisConn, prefix: string, store: string, period: string, at: number) {
  const key = storeKeys(prefix, store).reportDelivery.sent(period);
  await redis.multi().hset(key, DONE, new Date(at).toISOString()).expire(key, MARKER_TTL_S).exec();
}

/** Records the send and drops the lock if it is still this sender's (a lapsed lock is another's now). */
const RECORD_SENT = `
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export type ClaimOutcome =
  /** The channel is this sender's: send, then `sent()` or `release()`. */
  | { state: 'claimed'; sent(at: number): Promise<void>; release(): Promise<void> }
  /** Already sent (at, ISO). */
  | { state: 'already'; at: string }
  /** Another sender holds it now. */
  | { state: 'busy' };

/** Takes one channel of one period for sending, for at most `lockMs` (longer than any send takes). */
export async function claimChannel(
  redis: RedisConn,
  prefix: string,
  store: string,
  period: string,
  channel: string,
  lockMs: number,
): Promise<ClaimOutcome> {
  const keys = storeKeys(prefix, store).reportDelivery;
  const sentKey = keys.sent(period);
  const lockKey = keys.lock(period, channel);
  const token = randomUUID();
  if ((await redis.set(lockKey, token, 'PX', lockMs, 'NX')) !== 'OK') return { state: 'busy' };
  // Checked under the lock: a sender that finished between our look and our claim has marked it.
  const at = await redis.hget(sentKey, channel);
  if (at !== null) {
    await redis.eval(RELEASE, 1, lockKey, token);
    return { state: 'already', at };
  }
  return {
    state: 'claimed',
    async sent(when: number) {
      await redis.eval(RECORD_SENT, 2, sentKey, lockKey, token, channel, new Date(when).toISOString(), MARKER_TTL_S);
    },
    async release() {
      await redis.eval(RELEASE, 1, lockKey, token);
    },
  };
}
