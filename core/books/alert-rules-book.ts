/**
 * A store's alert thresholds (告警阈值), kept in Redis as JSON: the alert engine reads them before
 * each evaluation, the API reads and writes them. The defaults hold until a store sets its own.
 */
import { alertRules as alertRulesSchema, DEFAULT_ALERT_RULES, type AlertRules } from '../../domain/alerts.js';
import type { RedisConn } from '../redis/connections.js';
import { storeKeys } from '../redis/keys.js';

export async function loadAlertRules(redis: RedisConn, prefix: string, store: string): Promise<AlertRules> {
  const json = await redis.get(storeKeys(prefix, store).alertRules);
  const parsed = json ? alertRulesSchema.safeParse(JSON.parse(json)) : null;
  return parsed?.success ? parsed.data : DEFAULT_ALERT_RULES;
}

export async function saveAlertRules(redis: RedisConn, prefix: string, store: string, rules: AlertRules): Promise<void> {
  await redis.set(storeKeys(prefix, store).alertRules, JSON.stringify(rules));
}
