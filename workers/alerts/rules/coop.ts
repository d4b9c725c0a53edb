/**
 * A co-op spend unclaimed past 60 days (coop_claim_window, ledgers.md): manufacturer programs
 * refuse claims filed 60–90 days late. Ages are store-local days, so it rises on the minute pass
 * after the store's midnight; claiming the spend clears it.
 */
import { CLAIM_WINDOW_AFTER_DAYS, unclaimedSpends } from '../../../domain/coop.js';
import { readCoopLedger } from '../../../core/kpi/read-coop.js';
import { isoInZone } from '../../../core/kpi/windows.js';
import type { AlertRule } from '../rule.js';

const yuan = (v: number) => v.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const coopRule: AlertRule = {
  name: 'coop',
  kinds: ['coop_claim_window'],
  triggers: ['spend.recorded', 'coop.claim.submitted'],
  async evaluate(ctx) {
    const ledger = await readCoopLedger(ctx.redis, ctx.prefix, ctx.store);
    const conditions = unclaimedSpends(ledger, ctx.now, ctx.timezone, CLAIM_WINDOW_AFTER_DAYS).map((r) => ({
      key: `coop:${r.spendId}`,
      level: 1,
      since: ctx.now,
      alert: {
        kind: 'coop_claim_window' as const,
        severity: 'warning' as const,
        message: `厂家市场支持待申报：费用 ${r.spendId}（${r.program}）已 ${r.ageDays} 天未申报，可返还 ¥${yuan(r.coopAmount)}`,
        data: {
          spendId: r.spendId,
          budgetId: r.budgetId,
          program: r.program,
          at: isoInZone(r.at, ctx.timezone),
          coopAmount: r.coopAmount,
          ageDays: r.ageDays,
        },
      },
    }));
    return { conditions };
  },
};
