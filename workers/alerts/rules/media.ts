/** A negative media mention (负面曝光) of the last week; a correction of its sentiment clears it. */
import { withScores } from '../../../core/kpi/day-buckets.js';
import { storeKeys } from '../../../core/redis/keys.js';
import { loggedEvents } from '../../../core/work-lists/customers.js';
import type { AlertRule, Condition } from '../rule.js';

const WINDOW_MS = 7 * 24 * 3600_000;

export const mediaRule: AlertRule = {
  name: 'media',
  kinds: ['media_negative'],
  triggers: ['media.mention'],
  async evaluate(ctx) {
    const k = storeKeys(ctx.prefix, ctx.store).media;
    const from = ctx.now - WINDOW_MS;
    const [all, negative] = await Promise.all([
      ctx.redis.zrangebyscore(k.all, from, '+inf'),
      ctx.redis.zrangebyscore(k.negative, from, '+inf', 'WITHSCORES'),
    ]);
    const neg = withScores(negative);
    const conditions: Condition[] = [];
    if (neg.length) {
      // The standing record names the event that set it: its outlet and title make the message.
      const records = await ctx.redis.hmget(k.records, ...neg.map((n) => n.member));
      const events = await loggedEvents(
        ctx.redis,
        ctx.prefix,
        ctx.store,
        records.map((r) => r?.split('|')[1] ?? null),
      );
      neg.forEach(({ member: mentionId, score }, i) => {
        const e = events[i];
        const outlet = e?.type === 'media.mention' ? e.outlet : '';
        const title = e?.type === 'media.mention' ? e.title : undefined;
        const data: Record<string, string> = { mentionId, outlet };
        if (title) data.title = title;
        conditions.push({
          key: `media:${mentionId}`,
          level: 1,
          since: score,
          alert: {
            kind: 'media_negative',
            severity: 'critical',
            message: `负面曝光：${outlet || '媒体'}${title ? `《${title}》` : ''}`,
            data,
          },
        });
      });
    }
    const inWindow = new Set(all);
    return { conditions, examined: (key) => inWindow.has(key.slice('media:'.length)) };
  },
};
