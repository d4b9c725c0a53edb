/**
 * Where alerts live: per store, the raised alert (immutable) and its status (open, acked, cleared,
 * with history) side by side, indexed by time. Every change is one script on one store's slot.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChainableCommander } from 'ioredis';
import type { RedisConn } from '../redis/connections.js';
import type { Alert, AlertHistoryEntry, AlertRecord, AlertState } from '../../domain/alerts.js';
import { globalKeys, storeKeys } from '../redis/keys.js';

/** Alerts kept per store; the oldest go first. */
export const ALERTS_KEPT = 5000;

const SCRIPTS = {
  pulseAlertRaise: { file: 'alert-raise', keys: 5 },
  pulseAlertClear: { file: 'alert-clear', keys: 2 },
  pulseAlertAck: { file: 'alert-ack', keys: 1 },
  pulseAlertRecord: { file: 'alert-record', keys: 4 },
} as const;
type ScriptName = keyof typeof SCRIPTS;
type Call = (...args: string[]) => Promise<unknown>;

const sources = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, s]) => [
    name,
    readFileSync(new URL(`../events/lua/${s.file}.lua`, import.meta.url), 'utf8'),
  ]),
);

const defined = new WeakSet<RedisConn>();

/** Defines the scripts on a client once; its pipelines created afterwards inherit them. */
function ready(redis: RedisConn): RedisConn {
  if (!defined.has(redis)) {
    for (const [name, s] of Object.entries(SCRIPTS)) redis.defineCommand(name, { lua: sources[name]!, numberOfKeys: s.keys });
    defined.add(redis);
  }
  return redis;
}

const script = (target: RedisConn | ChainableCommander, name: ScriptName): Call =>
  (target as unknown as Record<ScriptName, Call>)[name].bind(target);

interface AlertStatus {
  state: AlertState;
  ack?: AlertRecord['ack'];
  clearedAt?: string;
  history: AlertHistoryEntry[];
}
export type StoredAlert = Alert & { condition?: string };

export const newAlertId = (store: string): string => `${store}.${randomBytes(9).toString('base64url')}`;

export function mergeRecord(data: StoredAlert, statusJson: string | null): AlertRecord {
  const st: AlertStatus = statusJson ? (JSON.parse(statusJson) as AlertStatus) : { state: 'open', history: [] };
  const rec: AlertRecord = { ...data, state: st.state, history: st.history ?? [] };
  if (st.ack) rec.ack = st.ack;
  if (st.clearedAt) rec.clearedAt = st.clearedAt;
  return rec;
}

export type RaiseOutcome =
  | { code: 'raised'; record: AlertRecord; replaced: AlertRecord | null }
  | { code: 'silent' | 'lowered'; replaced: AlertRecord | null }
  | { code: 'unchanged' };

export interface ConditionChange {
  condition: string;
  level: number;
  since: number;
  /** null: record the level without announcing it. */
  alert: StoredAlert | null;
  /** Record the level as settling since this moment, to be announced later if it still holds. */
  pendingSince?: number;
}

/** One round trip of alert scripts for one store: its keys, the moment as ISO text, the pipeline to fill. */
const storeBatch = (redis: RedisConn, prefix: string, store: string, now: number) => ({
  k: storeKeys(prefix, store),
  nowIso: new Date(now).toISOString(),
  p: ready(redis).pipeline(),
});

/** Applies condition changes of one store in one round trip. */
export async function applyConditionChanges(
  redis: RedisConn,
  prefix: string,
  store: string,
  changes: ConditionChange[],
  now: number,
): Promise<RaiseOutcome[]> {
  if (!changes.length) return [];
  const { k, nowIso, p } = storeBatch(redis, prefix, store, now);
  for (const c of changes) {
    void script(p, 'pulseAlertRaise')(
      k.alertState,
      k.alerts.data,
      k.alerts.status,
      k.alerts.byTime,
      k.alerts.undispatched,
      c.condition,
      String(c.level),
      String(c.since),
      c.alert?.id ?? (c.pendingSince !== undefined ? `~${c.pendingSince}` : ''),
      c.alert ? JSON.stringify(c.alert) : '',
      String(now),
      nowIso,
      String(ALERTS_KEPT),
    );
  }
  const results = ((await p.exec()) ?? []).map(([err, res]) => {
    if (err) throw err;
    return res as [number, string, string];
  });
  // The alert a change replaced (cleared when the level fell, superseded when it rose).
  const replacedIds = results.map(([, updated, id]) => (updated && id ? id : null));
  const replacedData = replacedIds.some(Boolean)
    ? await redis.hmget(k.alerts.data, ...replacedIds.map((id) => id ?? '-'))
    : replacedIds.map(() => null);
  return results.map(([code, updated], i): RaiseOutcome => {
    const old = replacedData[i];
    const replaced = updated && old ? mergeRecord(JSON.parse(old) as StoredAlert, updated) : null;
    const c = changes[i]!;
    if (code === 1) {
      const raisedStatus = { state: 'open', history: [{ at: c.alert!.at, action: 'raised' }] };
      return { code: 'raised', record: mergeRecord(c.alert!, JSON.stringify(raisedStatus)), replaced };
    }
    if (code === 2) return { code: 'silent', replaced };
    if (code === 3) return { code: 'lowered', replaced };
    return { code: 'unchanged' };
  });
}

/** Clears conditions that no longer hold (or have left the rule's window: expired); returns the alerts cleared. */
export async function clearConditions(
  redis: RedisConn,
  prefix: string,
  store: string,
  conditions: { condition: string; mode: 'clear' | 'expire' }[],
  now: number,
): Promise<AlertRecord[]> {
  if (!conditions.length) return [];
  const { k, nowIso, p } = storeBatch(redis, prefix, store, now);
  for (const c of conditions) void script(p, 'pulseAlertClear')(k.alertState, k.alerts.status, c.condition, nowIso, c.mode);
  const results = (await p.exec()) ?? [];
  const cleared = results
    .map(([err, res]) => {
      if (err) throw err;
      return res as [string, string];
    })
    .filter(([id]) => id !== '');
  if (!cleared.length) return [];
  const data = await redis.hmget(k.alerts.data, ...cleared.map(([id]) => id));
  return cleared.flatMap(([, status], i) => (data[i] ? [mergeRecord(JSON.parse(data[i]!) as StoredAlert, status)] : []));
}

/** Keeps a one-off alert (no condition); false if that id was already kept. */
export async function recordAlert(redis: RedisConn, prefix: string, alert: StoredAlert): Promise<boolean> {
  const k = storeKeys(prefix, alert.store);
  const at = Date.parse(alert.at);
  const res = await script(ready(redis), 'pulseAlertRecord')(
    k.alerts.data,
    k.alerts.status,
    k.alerts.byTime,
    k.alerts.undispatched,
    alert.id,
    JSON.stringify(alert),
    String(at),
    alert.at,
  );
  return Number(res) === 1;
}

export type AckOutcome =
  { code: 'acked' | 'already'; record: AlertRecord } | { code: 'unknown' } | { code: 'cleared'; record: AlertRecord };

export async function ackAlert(
  redis: RedisConn,
  prefix: string,
  store: string,
  id: string,
  by: string,
  note: string | undefined,
  now: number,
): Promise<AckOutcome> {
  const k = storeKeys(prefix, store);
  const [code, status] = (await script(ready(redis), 'pulseAlertAck')(
    k.alerts.status,
    id,
    by,
    note ?? '',
    new Date(now).toISOString(),
  )) as [number, string];
  if (code === -1) return { code: 'unknown' };
  const data = await redis.hget(k.alerts.data, id);
  if (!data) return { code: 'unknown' };
  const record = mergeRecord(JSON.parse(data) as StoredAlert, status);
  if (code === -2) return { code: 'cleared', record };
  return { code: code === 1 ? 'acked' : 'already', record };
}

export interface ListOptions {
  states?: ReadonlySet<AlertState>;
  kind?: string;
  sinceMs?: number;
  limit: number;
}

/** A store's alerts, newest first, filtered; reads in pages so a filter does not cut the list short. */
export async function listAlerts(redis: RedisConn, prefix: string, store: string, opts: ListOptions): Promise<AlertRecord[]> {
  const k = storeKeys(prefix, store);
  const out: AlertRecord[] = [];
  const page = Math.max(50, opts.limit * 2);
  for (let offset = 0; out.length < opts.limit; offset += page) {
    const ids = await redis.zrevrangebyscore(k.alerts.byTime, '+inf', opts.sinceMs ?? '-inf', 'LIMIT', offset, page);
    if (!ids.length) break;
    const [data, status] = await Promise.all([redis.hmget(k.alerts.data, ...ids), redis.hmget(k.alerts.status, ...ids)]);
    ids.forEach((_, i) => {
      if (!data[i] || out.length >= opts.limit) return;
      const rec = mergeRecord(JSON.parse(data[i]!) as StoredAlert, status[i] ?? null);
      if (opts.states && !opts.states.has(rec.state)) return;
      if (opts.kind && rec.kind !== opts.kind) return;
      out.push(rec);
    });
    if (ids.length < page) break;
  }
  return out;
}

/** Tells every server: a new alert (`alert`) or a changed one (`alertUpdated`). */
export async function publishAlert(
  redis: RedisConn,
  prefix: string,
  event: 'alert' | 'alertUpdated',
  alert: AlertRecord,
): Promise<void> {
  await redis.publish(globalKeys(prefix).alertChannel, JSON.stringify({ event, alert }));
}

/** Alerts raised but not yet handed to the webhooks (a crash in between leaves them here). */
export async function undispatched(redis: RedisConn, prefix: string, store: string): Promise<AlertRecord[]> {
  const k = storeKeys(prefix, store);
  const ids = await redis.smembers(k.alerts.undispatched);
  if (!ids.length) return [];
  const [data, status] = await Promise.all([redis.hmget(k.alerts.data, ...ids), redis.hmget(k.alerts.status, ...ids)]);
  return ids.flatMap((_, i) => (data[i] ? [mergeRecord(JSON.parse(data[i]!) as StoredAlert, status[i] ?? null)] : []));
}

export async function markDispatched(redis: RedisConn, prefix: string, store: string, ids: string[]): Promise<void> {
  if (ids.length) await redis.srem(storeKeys(prefix, store).alerts.undispatched, ...ids);
}
