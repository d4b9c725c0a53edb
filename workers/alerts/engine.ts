/**
 * The alert engine: runs the rule set over a store after every batch that touched it (the rules
 * the batch's event types can affect) and every minute (all rules), turns what changed into
 * alerts, keeps them, pushes them live and hands them to the webhooks.
 */
import { loadAlertRules } from '../../core/books/alert-rules-book.js';
import type { RedisConn } from '../../core/redis/connections.js';
import type { AlertRecord } from '../../domain/alerts.js';
import type { EventType } from '../../domain/events.js';
import type { Config } from '../../core/config.js';
import type { WorkerMetrics } from '../../core/observability/metrics.js';
import { storeKeys } from '../../core/redis/keys.js';
import type { StoreRegistry } from '../../core/books/store-registry.js';
import {
  applyConditionChanges,
  clearConditions,
  markDispatched,
  newAlertId,
  publishAlert,
  undispatched,
  type ConditionChange,
} from '../../core/books/alert-book.js';
import type { AlertRule, Condition, RuleContext } from './rule.js';
import { budgetRule, overspendRule, unbudgetedRule } from './rules/budgets.js';
import { callbackDueSoonRule, callbackMissedRule } from './rules/callbacks.js';
import { complaintRule } from './rules/complaints.js';
import { materialRule } from './rules/materials.js';
import { coopRule } from './rules/coop.js';
import { stocktakeRule } from './rules/stocktake.js';
import { mediaRule } from './rules/media.js';
import { screenSilentRule } from './rules/screens.js';
import { targetRule } from './rules/targets.js';

export const RULES: readonly AlertRule[] = [
  budgetRule,
  overspendRule,
  unbudgetedRule,
  complaintRule,
  callbackMissedRule,
  callbackDueSoonRule,
  materialRule,
  mediaRule,
  targetRule,
  screenSilentRule,
  coopRule,
  stocktakeRule,
];

export interface EngineDeps {
  redis: RedisConn;
  stores: StoreRegistry;
  config: Pick<Config, 'prefix' | 'callbackDeadlineMs' | 'complaintDeadlinesMs'>;
  /** Hands a new alert to the webhooks (a BullMQ job per webhook); absent: no webhooks. */
  notify?: (alert: AlertRecord) => Promise<void>;
  metrics?: Pick<WorkerMetrics, 'alertsRaised'>;
}

export interface Evaluation {
  raised: AlertRecord[];
  updated: AlertRecord[];
}

/** Rules that events of these types can affect; all of them when no types are given. */
export function rulesFor(types?: ReadonlySet<EventType>): AlertRule[] {
  if (!types) return [...RULES];
  return RULES.filter((r) => r.triggers.some((t) => types.has(t)));
}

interface Held {
  level: number;
  /** Set while the condition waits to settle: since when it has held. */
  pendingSince: number | null;
}

/** Condition → level, as last recorded ('level|alertId|since', alertId '~ms' while settling). */
function parseHeld(raw: Record<string, string>): Map<string, Held> {
  return new Map(
    Object.entries(raw).map(([key, v]) => {
      const [level, id] = v.split('|');
      return [key, { level: Number(level), pendingSince: id?.startsWith('~') ? Number(id.slice(1)) : null }];
    }),
  );
}

export async function evaluateStore(
  deps: EngineDeps,
  store: string,
  now: number,
  types?: ReadonlySet<EventType>,
): Promise<Evaluation> {
  const rules = rulesFor(types);
  if (!rules.length) return { raised: [], updated: [] };
  const { redis, config } = deps;
  const k = storeKeys(config.prefix, store);
  const [settings, thresholds, heldRaw] = await Promise.all([
    deps.stores.get(store),
    loadAlertRules(redis, config.prefix, store),
    redis.hgetall(k.alertState),
  ]);
  const timezone = settings?.timezone ?? 'Asia/Shanghai';
  const memos = new Map<string, Promise<unknown>>();
  const memo = <T>(name: string, load: () => Promise<T>): Promise<T> => {
    if (!memos.has(name)) memos.set(name, load());
    return memos.get(name) as Promise<T>;
  };
  const ctx: RuleContext = {
    redis,
    prefix: config.prefix,
    store,
    timezone,
    now,
    rules: thresholds,
    config,
    memo,
  };
  const held = parseHeld(heldRaw);
  const announceWithin = thresholds.announceWithinHours * 3600_000;
  const muted = new Set(thresholds.muted);
  const changes: ConditionChange[] = [];
  const gone: { condition: string; mode: 'clear' | 'expire' }[] = [];

  const results = await Promise.all(rules.map((r) => r.evaluate(ctx)));
  rules.forEach((rule, i) => {
    const { conditions, examined } = results[i]!;
    const holding = new Map<string, Condition>();
    for (const c of conditions) if (!muted.has(c.alert.kind)) holding.set(c.key, c);
    for (const c of holding.values()) {
      const before = held.get(c.key);
      const settling = before !== undefined && before.pendingSince !== null && before.level === c.level;
      if (before?.level === c.level && !settling) continue;
      const rising = !before || c.level > before.level || settling;
      const announce = rising && now - c.since <= announceWithin;
      if (announce && rule.settleMs && !settling) {
        // New and worth announcing, but of a kind that flickers: wait for it to settle.
        changes.push({ condition: c.key, level: c.level, since: c.since, alert: null, pendingSince: now });
        continue;
      }
      if (settling && now - before.pendingSince! < (rule.settleMs ?? 0)) continue;
      changes.push({
        condition: c.key,
        level: c.level,
        since: c.since,
        alert: announce ? { id: newAlertId(store), store, at: new Date(now).toISOString(), condition: c.key, ...c.alert } : null,
      });
    }
    for (const key of held.keys()) {
      if (!key.startsWith(`${rule.name}:`) || holding.has(key)) continue;
      gone.push({ condition: key, mode: !examined || examined(key) ? 'clear' : 'expire' });
    }
  });

  const outcomes = await applyConditionChanges(redis, config.prefix, store, changes, now);
  const cleared = await clearConditions(redis, config.prefix, store, gone, now);
  const raised: AlertRecord[] = [];
  const updated: AlertRecord[] = [...cleared];
  for (const o of outcomes) {
    if (o.code === 'unchanged') continue;
    if (o.replaced) updated.push(o.replaced);
    if (o.code === 'raised') raised.push(o.record);
  }
  for (const a of updated) await publishAlert(redis, config.prefix, 'alertUpdated', a);
  for (const a of raised) await publishAlert(redis, config.prefix, 'alert', a);
  for (const a of raised) deps.metrics?.alertsRaised.inc({ kind: a.kind });
  if (raised.length) await dispatch(deps, store, raised);
  return { raised, updated };
}

/** Hands alerts to the webhooks and marks them handed; what a crash left behind goes on the next pass. */
export async function dispatch(deps: EngineDeps, store: string, alerts?: AlertRecord[]): Promise<number> {
  const list = alerts ?? (await undispatched(deps.redis, deps.config.prefix, store));
  if (!list.length) return 0;
  if (deps.notify) for (const a of list) await deps.notify(a);
  await markDispatched(
    deps.redis,
    deps.config.prefix,
    store,
    list.map((a) => a.id),
  );
  return list.length;
}
