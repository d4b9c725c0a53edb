/** Screen playlists: stored by name with a version that grows on every change. */
import type { RedisConn } from '../redis/connections.js';
import type { Screen, ScreenSettings } from '../../domain/screens.js';
import { globalKeys } from '../redis/keys.js';

export async function loadScreen(redis: RedisConn, prefix: string, name: string): Promise<Screen | null> {
  const json = await redis.hget(globalKeys(prefix).screens, name);
  return json ? (JSON.parse(json) as Screen) : null;
}

/** Saves the playlist and tells every server, which pushes it to the TVs playing it. */
export async function saveScreen(redis: RedisConn, prefix: string, name: string, settings: ScreenSettings): Promise<Screen> {
  const g = globalKeys(prefix);
  const previous = await loadScreen(redis, prefix, name);
  const screen: Screen = { name, ...settings, version: (previous?.version ?? 0) + 1, updatedAt: new Date().toISOString() };
  const json = JSON.stringify(screen);
  await redis.hset(g.screens, name, json);
  await redis.publish(g.screenChannel, json);
  return screen;
}
