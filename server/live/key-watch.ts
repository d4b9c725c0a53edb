/**
 * Revoked keys lose their open sockets within seconds. A revocation is published on Redis
 * (ApiKeys.revoke); every server disconnects the sockets whose handshake used that key.
 *
 * Pub/sub delivers at most once: a server whose subscriber connection was down at that moment
 * (Redis restarting, a network blip) never hears of it. So each server also re-checks, every
 * `keyRecheckMs` (30 s), the keys of its open sockets — one HMGET pair for all of them, however
 * many sockets — and drops those no longer valid. A missed revocation thus lasts at most 30 s.
 */
import type { RedisConn } from '../../core/redis/connections.js';
import type { AppDeps } from '../deps.js';
import type { Logger } from '../../core/observability/logger.js';
import { globalKeys } from '../../core/redis/keys.js';
import type { LiveNamespace } from './limits.js';

export interface KeyWatch {
  close(): Promise<void>;
}

export async function watchKeys(nsp: LiveNamespace, deps: AppDeps, subscriber: RedisConn, log: Logger): Promise<KeyWatch> {
  const channel = globalKeys(deps.config.prefix).keyRevokedChannel;

  const drop = (keyIds: ReadonlySet<string>, why: string) => {
    for (const socket of nsp.sockets.values()) {
      if (!keyIds.has(socket.data.keyId)) continue;
      log.info({ socketId: socket.id, keyId: socket.data.keyId }, why);
      socket.disconnect(true);
    }
  };

  const onMessage = (ch: string, keyId: string) => {
    if (ch === channel) drop(new Set([keyId]), 'key revoked: socket dropped');
  };
  subscriber.on('message', onMessage);
  await subscriber.subscribe(channel);

  let sweeping = false;
  const timer = setInterval(async () => {
    if (sweeping || nsp.sockets.size === 0) return;
    sweeping = true;
    try {
      const open = new Set([...nsp.sockets.values()].map((s) => s.data.keyId));
      const valid = await deps.keys.stillValid([...open]);
      drop(new Set([...open].filter((id) => !valid.has(id))), 'key no longer valid: socket dropped');
    } catch (err) {
      // Redis away: nothing is dropped for it; the next sweep tries again.
      log.warn({ err }, 'could not re-check the keys of open sockets');
    } finally {
      sweeping = false;
    }
  }, deps.config.keyRecheckMs);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      subscriber.off('message', onMessage);
    },
  };
}
