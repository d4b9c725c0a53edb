/**
 * A rule looks at one store and says which of its conditions hold now, each at a level (a budget
 * at warn is 1, tripped 2). The engine compares that with what held before and raises an alert for
 * every upward crossing, clears alerts whose condition stopped holding and lets a recurrence alert
 * anew. Rules only read; the engine does the writing.
 */
import type { RedisConn } from '../../core/redis/connections.js';
import type { Alert, AlertKind, AlertRules } from '../../domain/alerts.js';
import type { EventType } from '../../domain/events.js';
import type { Config } from '../../core/config.js';

export interface Condition {
  /** Unique within the store, starting with the rule's name: `budget:B-2611-media`. */
  key: string;
  level: number;
  /** When the condition began (ms). One that began longer ago than `announceWithinHours` is recorded, not announced. */
  since: number;
  alert: Pick<Alert, 'kind' | 'severity' | 'message' | 'data'>;
}

export interface RuleContext {
  redis: RedisConn;
  prefix: string;
  store: string;
  timezone: string;
  now: number;
  rules: AlertRules;
  config: Pick<Config, 'callbackDeadlineMs' | 'complaintDeadlinesMs'>;
  /** Reads shared by several rules, done once per evaluation. */
  memo<T>(name: string, load: () => Promise<T>): Promise<T>;
}

export interface RuleResult {
  conditions: Condition[];
  /**
   * Whether a remembered condition that no longer holds was within what the rule looked at: then it
   * cleared. Otherwise it has only left the rule's window (a callback missed weeks ago, last
   * month's budget): its alert expires. All of them, when absent.
   */
  examined?: (key: string) => boolean;
}

export interface AlertRule {
  name: string;
  kinds: readonly AlertKind[];
  /** Event types whose arrival can change the outcome; the every-minute pass runs every rule. */
  triggers: readonly EventType[];
  evaluate(ctx: RuleContext): Promise<RuleResult>;
  /**
   * How long a new condition must keep holding before it is announced. Events arriving out of
   * order (a back-fill, a late export) make some conditions flicker: stock issued before it was
   * received, a delivery applied before its callback. Those rules wait; the every-minute pass
   * announces what is still true.
   */
  settleMs?: number;
}

/** Long enough for a batch applied out of order to be followed by the rest of it; the minute pass then announces. */
export const SETTLE_MS = 45_000;
