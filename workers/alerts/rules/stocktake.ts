/**
 * A stocktake that differs from the books (stock_discrepancy, ledgers.md): goods and books are to
 * agree, zero error. It holds while the item's latest stocktake differs from the book stock at its
 * moment; a recount, or a movement booked late that explains the gap, clears it. Waits like the
 * stock alert, since a late movement of the same export often arrives just after the count.
 */
import { stockDiscrepancyMessage } from '../../../domain/material-stock.js';
import { readMaterialLines } from '../../../core/kpi/read-materials.js';
import { SETTLE_MS, type AlertRule } from '../rule.js';

export const stocktakeRule: AlertRule = {
  name: 'stocktake',
  kinds: ['stock_discrepancy'],
  settleMs: SETTLE_MS,
  triggers: ['material.counted', 'material.moved'],
  async evaluate(ctx) {
    const lines = await ctx.memo('materials', () => readMaterialLines(ctx.redis, ctx.prefix, ctx.store, ctx.timezone));
    const conditions = lines
      .filter((m) => m.counted !== null && m.discrepancy !== null && m.discrepancy !== 0)
      .map((m) => {
        const counted = m.counted!;
        const book = counted + m.discrepancy!;
        return {
          key: `stocktake:${m.itemId}`,
          level: 1,
          since: ctx.now,
          alert: {
            kind: 'stock_discrepancy' as const,
            severity: 'warning' as const,
            message: stockDiscrepancyMessage(m.name, book, counted),
            data: { itemId: m.itemId, name: m.name, book, counted, discrepancy: m.discrepancy!, countedAt: m.countedAt ?? '' },
          },
        };
      });
    return { conditions };
  },
};
