/**
 * Promotional materials (物料) live with their store; an index finds an item's store by id. A change
 * of a material or of the targets bumps the store's seq with it: its snapshot is a new one.
 */
import type { RedisConn } from '../redis/connections.js';
import type { MaterialSettings, TargetSettings } from '../../domain/settings.js';
import { execAll } from '../redis/exec.js';
import { globalKeys, storeKeys } from '../redis/keys.js';

export async function saveMaterial(redis: RedisConn, prefix: string, itemId: string, m: MaterialSettings): Promise<void> {
  const g = globalKeys(prefix);
  const previousStore = await redis.hget(g.materialStore, itemId);
  if (previousStore && previousStore !== m.store) {
    const old = storeKeys(prefix, previousStore);
    await execAll(redis.multi().hdel(old.materials.settings, itemId).incr(old.seq));
  }
  const k = storeKeys(prefix, m.store);
  await execAll(redis.multi().hset(k.materials.settings, itemId, JSON.stringify(m)).incr(k.seq));
  await redis.hset(g.materialStore, itemId, m.store);
}

export async function loadMaterial(redis: RedisConn, prefix: string, itemId: string): Promise<MaterialSettings | null> {
  const store = await redis.hget(globalKeys(prefix).materialStore, itemId);
  const json = store ? await redis.hget(storeKeys(prefix, store).materials.settings, itemId) : null;
  return json ? (JSON.parse(json) as MaterialSettings) : null;
}

/** Monthly targets of a store (刚性目标), one record per month. */
export async function saveTargets(
  redis: RedisConn,
  prefix: string,
  store: string,
  month: string,
  t: TargetSettings,
): Promise<void> {
  const k = storeKeys(prefix, store);
  await execAll(redis.multi().hset(k.targets, month, JSON.stringify(t)).incr(k.seq));
}

export async function loadTargets(
  redis: RedisConn,
  prefix: string,
  store: string,
  month: string,
): Promise<TargetSettings | null> {
  const json = await redis.hget(storeKeys(prefix, store).targets, month);
  return json ? (JSON.parse(json) as TargetSettings) : null;
}
