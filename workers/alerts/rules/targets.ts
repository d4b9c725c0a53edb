/**
 * Hard monthly targets (刚性销售目标): after the given day of the month, a target whose pace (actual
 * over the calendar's share of the target) is below the floor raises an alert; catching up clears it.
 */
import { DateTime } from 'luxon';
import { TARGET_KEYS } from '../../../domain/kpis.js';
import { targetBehind, targetPaceWatched } from '../../../domain/targets.js';
import { readTargetFigures } from '../../../core/kpi/read-targets.js';
import { windowsAt } from '../../../core/kpi/windows.js';
import { SETTLE_MS, type AlertRule, type Condition } from '../rule.js';

const METRIC_ZH: Record<(typeof TARGET_KEYS)[number], string> = { orders: '订单', deliveries: '交车', leads: '线索' };

export const targetRule: AlertRule = {
  name: 'target',
  kinds: ['target_behind'],
  settleMs: SETTLE_MS,
  triggers: ['order.signed', 'order.cancelled', 'vehicle.delivered', 'lead.created'],
  async evaluate(ctx) {
    const local = DateTime.fromMillis(ctx.now, { zone: ctx.timezone });
    const month = local.toFormat('yyyy-MM');
    const conditions: Condition[] = [];
    if (targetPaceWatched(local.day, ctx.rules.targetPaceAfterDay)) {
      const targets = await readTargetFigures(ctx.redis, ctx.prefix, ctx.store, windowsAt(ctx.now, ctx.timezone));
      for (const metric of TARGET_KEYS) {
        const t = targets[metric];
        if (!t || t.pace === null || !targetBehind(t.pace, local.day, ctx.rules)) continue;
        conditions.push({
          key: `target:${metric}:${month}`,
          level: 1,
          since: ctx.now,
          alert: {
            kind: 'target_behind',
            severity: 'warning',
            message: `目标进度落后：本月${METRIC_ZH[metric]} ${t.actual} / ${t.target}，进度 ${Math.round(t.pace * 100)}%（低于 ${Math.round(ctx.rules.targetPaceBelow * 100)}%）`,
            data: { metric, target: t.target, actual: t.actual, pace: t.pace, month },
          },
        });
      }
    }
    // Last month's targets are over: their alerts expire.
    return { conditions, examined: (key) => key.endsWith(`:${month}`) };
  },
};
