/** Promotional material at or below its reorder level (库存预警); restocking clears it. */
import { materialLowMessage } from '../../../domain/material-stock.js';
import { materialLines } from '../../../core/kpi/read-operations.js';
import { storeKeys } from '../../../core/redis/keys.js';
import { SETTLE_MS, type AlertRule } from '../rule.js';

export const materialRule: AlertRule = {
  name: 'material',
  kinds: ['material_low'],
  settleMs: SETTLE_MS,
  triggers: ['material.moved'],
  async evaluate(ctx) {
    const k = storeKeys(ctx.prefix, ctx.store).materials;
    const [stock, settings] = await Promise.all([ctx.redis.hgetall(k.stock), ctx.redis.hgetall(k.settings)]);
    const conditions = materialLines(ctx.store, stock, settings)
      .filter((m) => m.low)
      .map((m) => ({
        key: `material:${m.itemId}`,
        level: 1,
        since: ctx.now,
        alert: {
          kind: 'material_low' as const,
          severity: 'warning' as const,
          message: materialLowMessage(m.name, m.stock, m.reorderLevel),
          data: { itemId: m.itemId, name: m.name, stock: m.stock, reorderLevel: m.reorderLevel },
        },
      }));
    return { conditions };
  },
};
