/** Promotional material at or below its reorder level (库存预警); restocking clears it. */
import { materialLowMessage } from '../../../domain/material-stock.js';
import { readMaterialLines } from '../../../core/kpi/read-materials.js';
import { SETTLE_MS, type AlertRule } from '../rule.js';

export const materialRule: AlertRule = {
  name: 'material',
  kinds: ['material_low'],
  settleMs: SETTLE_MS,
  triggers: ['material.moved'],
  async evaluate(ctx) {
    const lines = await ctx.memo('materials', () => readMaterialLines(ctx.redis, ctx.prefix, ctx.store, ctx.timezone));
    const conditions = lines
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
