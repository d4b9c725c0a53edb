/**
 * A TV of the store that should be on and has been silent for 5 minutes (大屏离线); it clears when
 * the TV reports again or its on-hours end. The rule of silence is domain/devices.ts `isSilent`.
 */
import { isSilent, type DeviceSettings } from '../../../domain/devices.js';
import { deviceKeys } from '../../../core/redis/keys.js';
import type { AlertRule } from '../rule.js';

export const screenSilentRule: AlertRule = {
  name: 'screen',
  kinds: ['screen_silent'],
  // Time alone makes a TV silent: the every-minute pass looks.
  triggers: [],
  async evaluate(ctx) {
    const k = deviceKeys(ctx.prefix);
    // Every device of the deployment (a few hundred TVs at most, one small hash): this store's are kept.
    const all = Object.values(await ctx.redis.hgetall(k.settings)).map((j) => JSON.parse(j) as DeviceSettings);
    const mine = all.filter((d) => d.store === ctx.store);
    if (!mine.length) return { conditions: [] };
    const seen = await ctx.redis.zmscore(k.seen, ...mine.map((d) => d.id));
    const conditions = mine.flatMap((d, i) => {
      const lastSeenMs = seen[i] === null || seen[i] === undefined ? null : Number(seen[i]);
      if (!isSilent(d, ctx.timezone, lastSeenMs, ctx.now)) return [];
      const minutes = lastSeenMs === null ? null : Math.floor((ctx.now - lastSeenMs) / 60_000);
      return [
        {
          key: `screen:${d.id}`,
          level: 1,
          since: ctx.now,
          alert: {
            kind: 'screen_silent' as const,
            severity: 'warning' as const,
            message: `大屏离线：${d.name}${minutes === null ? '' : ` 已 ${minutes} 分钟无响应`}`,
            data: { deviceId: d.id, name: d.name, ...(minutes === null ? {} : { minutes }) },
          },
        },
      ];
    });
    return { conditions };
  },
};
