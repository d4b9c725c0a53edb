/**
 * Where a store's event log lives in Redis, and every read of it: the one home of the layout.
 *
 * The log is split by a hash of the event id into LOG_BUCKETS small hashes, `{S}:log:<bucket>`
 * (bucket in base 36), so that each stays a listpack (Redis' compact encoding for a hash of at most
 * 512 fields of at most 64 bytes each) instead of one hash table of every event: about 122 bytes
 * an event instead of 149 (bench/memory.ts, two years of one store). The bucket of an id never changes, so the
 * idempotency check (an id seen twice is applied once) looks in one bucket.
 *
 * An event's compact encoding (logged-event.ts) is 68 bytes in the middle and can be longer: a
 * value above 64 bytes would turn its whole bucket into a hash table. So a longer one is cut, on
 * UTF-8 character boundaries, into a head of at most 63 bytes after one marker character giving the
 * number n of further pieces (1–31), and n tails of at most 64 bytes, each in the same bucket under
 * the field `chr(j) + id` (j = 1…n). A head whose first character is 32 or above is the whole value
 * (an encoding begins with `[` or `{`). The head's field is the id itself, or `\0` + the id for an
 * id that begins with a character below 32, so that no head's field is ever a tail's.
 * An encoding of more than 32 pieces (about 2 KB) is kept whole: its bucket becomes a hash table,
 * still exact. record-event-end.lua writes this layout; this module reads it.
 *
 * Logs written before the split are one hash, `{S}:log` (storeKeys().log), field = id: it is still
 * read everywhere (the apply scripts check it for idempotency, every read below falls back to it)
 * and emptied by the retention job as its events age.
 *
 * Growth: 2048 buckets keep a store's log compact up to 512 fields a bucket (an event is 1.7 fields
 * on average): about 550,000 events kept; a store beyond that still reads and writes exactly, its
 * buckets as hash tables. The count of events in the buckets is kept beside them (`logged`).
 */
import type { RedisConn } from '../redis/connections.js';
import { storeKeys } from '../redis/keys.js';

/** Buckets per store; a power of two. Changing it would move every id: the count is fixed for good. */
export const LOG_BUCKETS = 2048;
/** Redis' `hash-max-listpack-value`: the longest field or value a listpack hash keeps. */
export const LOG_PIECE_BYTES = 64;
/** Tails at most: the marker is one character below 32. */
export const LOG_MAX_TAILS = 31;

/** FNV-1a (32 bits) of the id's UTF-8 bytes, modulo LOG_BUCKETS: the same for an id on every process, for ever. */
export function logBucketOf(id: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(id, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h % LOG_BUCKETS;
}

/** The log hash written before the split (read, never written). */
export const legacyLogKey = (prefix: string, store: string): string => storeKeys(prefix, store).log;

export const logBucketKey = (prefix: string, store: string, bucket: number): string =>
  `${legacyLogKey(prefix, store)}:${bucket.toString(36)}`;

/** The bucket that holds (or will hold) this event id. */
export const logKeyOf = (prefix: string, store: string, id: string): string => logBucketKey(prefix, store, logBucketOf(id));

/** Every bucket of a store's log, in order. */
export const logBucketKeys = (prefix: string, store: string): string[] =>
  Array.from({ length: LOG_BUCKETS }, (_, b) => logBucketKey(prefix, store, b));

/** The field of an event's head (its whole value when it was not cut). */
export const headField = (id: string): string => (id.charCodeAt(0) < 32 ? `\0${id}` : id);
/** The field of an event's j-th tail (1…31). */
export const tailField = (id: string, j: number): string => String.fromCharCode(j) + id;

/** How many tails a head announces (0: the head is the whole value). */
const tailsOf = (head: string): number => {
  const c = head.charCodeAt(0);
  return c < 32 ? c : 0;
};

/**
 * What a field of a bucket is: the head of `id`, or its tail `tail` (1…31).
 */
export function fieldOf(field: string): { id: string; tail: number } {
  const c = field.charCodeAt(0);
  if (c === 0) return { id: field.slice(1), tail: 0 };
  if (c < 32) return { id: field.slice(1), tail: c };
  return { id: field, tail: 0 };
}

/** The logged values of these ids of one store (null where unknown), in order: the encoding as written. */
export async function readLogged(
  redis: RedisConn,
  prefix: string,
  store: string,
  ids: readonly string[],
): Promise<(string | null)[]> {
  if (!ids.length) return [];
  const p = redis.pipeline();
  for (const id of ids) p.hmget(logKeyOf(prefix, store, id), headField(id), tailField(id, 1));
  p.hmget(legacyLogKey(prefix, store), ...ids);
  const replies = ((await p.exec()) ?? []).map(([err, v]) => {
    if (err) throw err;
    return v as (string | null)[];
  });
  const legacy = replies[ids.length]!;
  const out: (string | null)[] = [];
  const more: number[] = [];
  ids.forEach((_, i) => {
    const [head, first] = replies[i]!;
    if (head == null) return out.push(legacy[i] ?? null);
    const n = tailsOf(head);
    if (n === 0) return out.push(head);
    out.push(head.slice(1) + (first ?? ''));
    if (n > 1) more.push(i);
  });
  if (more.length) {
    // Longer than two pieces: rare (a long text); their further tails in a second round trip.
    const q = redis.pipeline();
    for (const i of more) {
      const id = ids[i]!;
      const n = tailsOf(replies[i]![0]!);
      q.hmget(logKeyOf(prefix, store, id), ...Array.from({ length: n - 1 }, (_, j) => tailField(id, j + 2)));
    }
    const rest = (await q.exec()) ?? [];
    more.forEach((i, m) => {
      const [err, tails] = rest[m]!;
      if (err) throw err;
      out[i] += (tails as (string | null)[]).map((t) => t ?? '').join('');
    });
  }
  return out;
}

/** Whether each id is in the store's log. */
export async function areLogged(redis: RedisConn, prefix: string, store: string, ids: readonly string[]): Promise<boolean[]> {
  if (!ids.length) return [];
  const p = redis.pipeline();
  for (const id of ids) p.hexists(logKeyOf(prefix, store, id), headField(id));
  for (const id of ids) p.hexists(legacyLogKey(prefix, store), id);
  const r = ((await p.exec()) ?? []).map(([err, v]) => {
    if (err) throw err;
    return v === 1;
  });
  return ids.map((_, i) => r[i]! || r[ids.length + i]!);
}

/** One event of a scan: its id, its logged value, and how many tails it was cut into (0 for the hash written before). */
export interface LoggedEntry {
  id: string;
  raw: string;
  tails: number;
  /** The key it was read from. */
  key: string;
  /** Read from the hash written before the split (field = id). */
  legacy: boolean;
}

/** The whole events of one bucket's fields (flat field, value list); a head without all its tails (written mid-read) is left out. */
function assemble(key: string, fields: Map<string, string>): LoggedEntry[] {
  const out: LoggedEntry[] = [];
  for (const [field, value] of fields) {
    const { id, tail } = fieldOf(field);
    if (tail) continue;
    const n = tailsOf(value);
    if (n === 0) {
      out.push({ id, raw: value, tails: 0, key, legacy: false });
      continue;
    }
    let raw = value.slice(1);
    let whole = true;
    for (let j = 1; j <= n && whole; j++) {
      const t = fields.get(tailField(id, j));
      if (t === undefined) whole = false;
      else raw += t;
    }
    if (whole) out.push({ id, raw, tails: n, key, legacy: false });
  }
  return out;
}

const SCAN_COUNT = 1000;
/** Buckets read in one round trip while scanning. */
const BUCKETS_A_ROUND = 64;

async function readBucket(redis: RedisConn, key: string, first: [string, string[]]): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  let [cursor, flat] = first;
  for (;;) {
    for (let i = 0; i < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
    if (cursor === '0') return fields;
    [cursor, flat] = await redis.hscan(key, cursor, 'COUNT', SCAN_COUNT);
  }
}

/**
 * Every event of a store's log, handed over a batch at a time (a few buckets, or a chunk of the
 * hash written before), never the whole log at once. Between batches the event loop runs. Events
 * written during the scan may or may not be seen; one present throughout is seen at least once
 * (the hash written before is read with HSCAN: maybe twice).
 */
export async function scanLogged(
  redis: RedisConn,
  prefix: string,
  store: string,
  onBatch: (entries: LoggedEntry[]) => Promise<void> | void,
  opts: { count?: number } = {},
): Promise<void> {
  const keys = logBucketKeys(prefix, store);
  for (let b = 0; b < keys.length; b += BUCKETS_A_ROUND) {
    const round = keys.slice(b, b + BUCKETS_A_ROUND);
    const p = redis.pipeline();
    // A listpack bucket comes whole in one HSCAN call; a bucket that grew into a hash table is read on.
    for (const key of round) p.hscan(key, '0', 'COUNT', SCAN_COUNT);
    const replies = (await p.exec()) ?? [];
    const entries: LoggedEntry[] = [];
    for (let i = 0; i < round.length; i++) {
      const [err, reply] = replies[i]!;
      if (err) throw err;
      entries.push(...assemble(round[i]!, await readBucket(redis, round[i]!, reply as [string, string[]])));
    }
    await onBatch(entries);
  }
  const legacy = legacyLogKey(prefix, store);
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(legacy, cursor, 'COUNT', opts.count ?? SCAN_COUNT);
    cursor = next;
    const entries: LoggedEntry[] = [];
    for (let i = 0; i < flat.length; i += 2)
      entries.push({ id: flat[i]!, raw: flat[i + 1]!, tails: 0, key: legacy, legacy: true });
    if (entries.length) await onBatch(entries);
  } while (cursor !== '0');
}

/**
 * Takes these scanned events out of the log; returns how many were there. A bucket's fields and the
 * buckets' count change in one script, so the count stays exact.
 */
export async function forgetLogged(
  redis: RedisConn,
  prefix: string,
  store: string,
  entries: readonly LoggedEntry[],
): Promise<number> {
  const byKey = new Map<string, LoggedEntry[]>();
  for (const e of entries) {
    const list = byKey.get(e.key);
    if (list) list.push(e);
    else byKey.set(e.key, [e]);
  }
  const counter = storeKeys(prefix, store).logged;
  const p = redis.pipeline();
  for (const [key, list] of byKey) {
    if (list[0]!.legacy) p.hdel(key, ...list.map((e) => e.id));
    else {
      const heads = list.map((e) => headField(e.id));
      const tails = list.flatMap((e) => Array.from({ length: e.tails }, (_, j) => tailField(e.id, j + 1)));
      p.eval(FORGET, 2, key, counter, String(heads.length), ...heads, ...tails);
    }
  }
  let removed = 0;
  for (const [err, n] of (await p.exec()) ?? []) {
    if (err) throw err;
    removed += Number(n);
  }
  return removed;
}

/** ARGV[1] how many heads follow, then the heads, then their tails: deletes them all, counts the heads deleted off KEYS[2]. */
const FORGET = `local heads = tonumber(ARGV[1])
local n = 0
for i = 2, heads + 1 do
  n = n + redis.call('HDEL', KEYS[1], ARGV[i])
end
for i = heads + 2, #ARGV do
  redis.call('HDEL', KEYS[1], ARGV[i])
end
if n > 0 then
  redis.call('DECRBY', KEYS[2], n)
end
return n`;

/** How many events a store's log keeps: its buckets' count and the hash written before them. */
export async function loggedCount(redis: RedisConn, prefix: string, store: string): Promise<number> {
  const k = storeKeys(prefix, store);
  const [inBuckets, before] = await Promise.all([redis.get(k.logged), redis.hlen(k.log)]);
  return Number(inBuckets ?? 0) + before;
}
