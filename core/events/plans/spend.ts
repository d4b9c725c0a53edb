/** Spend (费用): one record per spendId, summed per budget in fen; those under a co-op program also in the co-op ledger. */
import { EVENT_SCHEMAS, MAX_EXACT_SUM, toFen } from '../../../domain/events.js';
import { eventScript, type EventPlans } from '../event-plan.js';

const script = eventScript('pulseSpend', new URL('./spend.lua', import.meta.url), '----zh');
export const spendScripts = [script];

export const spendPlans: EventPlans<'spend.recorded'> = {
  'spend.recorded': {
    schema: EVENT_SCHEMAS['spend.recorded'],
    script,
    keys: (_, k) => [k.spend.records, k.spend.byBudget, k.spend.byTime, k.coop.spends],
    args: (e, c) => [
      e.spendId,
      c.at,
      e.id,
      e.budgetId,
      String(toFen(e.amount)),
      String(MAX_EXACT_SUM),
      e.coop
        ? JSON.stringify({
            at: Number(c.at),
            budgetId: e.budgetId,
            fen: toFen(e.amount),
            program: e.coop.program,
            share: e.coop.share,
          })
        : '',
    ],
  },
};
