/** Keeps an alert in the store's recent list and publishes it for the live sockets. */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Alert } from '../../domain/alerts.js';
import { globalKeys, storeKeys } from '../../server/redis-keys.js';

const KEEP = 200;

export async function raiseAlert(redis: Redis, prefix: string, alert: Omit<Alert, 'id'>): Promise<Alert> {
  const full: Alert = { id: randomUUID(), ...alert };
  const json = JSON.stringify(full);
  const k = storeKeys(prefix, alert.store);
  await redis
    .multi()
    .lpush(k.alerts, json)
    .ltrim(k.alerts, 0, KEEP - 1)
    .exec();
  await redis.publish(globalKeys(prefix).alertChannel, json);
  return full;
}

export async function recentAlerts(redis: Redis, prefix: string, store: string, count = 20): Promise<Alert[]> {
  const raw = await redis.lrange(storeKeys(prefix, store).alerts, 0, count - 1);
  return raw.map((j) => JSON.parse(j) as Alert);
}
