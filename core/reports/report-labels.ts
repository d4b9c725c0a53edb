/**
 * The words the report's files (CSV, workbook) print beside the figures' own labels
 * (REPORT_FIGURES): targets, budget statuses, report kinds. Chinese first; the client's pages have
 * their own texts in client/src/i18n.
 */
import type { BudgetStatus, TargetKey } from '../../domain/kpis.js';
import type { PeriodKind } from '../../domain/periods.js';
import { REPORT_FIGURES } from '../../domain/reports.js';

export const TARGET_LABELS: Record<TargetKey, { zh: string; en: string }> = {
  orders: { zh: '订单', en: 'Orders' },
  deliveries: { zh: '交车', en: 'Deliveries' },
  leads: { zh: '线索', en: 'Leads' },
};

/** A target row's four values, as named in the CSV (`targets.orders.actual`). */
export const TARGET_PARTS = {
  target: { zh: '目标', en: 'target' },
  actual: { zh: '实际', en: 'actual' },
  progress: { zh: '完成率', en: 'progress' },
  met: { zh: '是否达成', en: 'met' },
} as const;

export const BUDGET_STATUS_ZH: Record<BudgetStatus, string> = { ok: '正常', warn: '预警', tripped: '跳闸' };

export const PERIOD_KIND_ZH: Record<PeriodKind, string> = { day: '日报', week: '周报', month: '月报', quarter: '季报' };

/** A changed figure's name (Revision.figures) as the report shows it: its label, else the name. */
export function figureLabelZh(name: string): string {
  if (name === 'targets') return '目标';
  if (name === 'campaigns') return '活动';
  if (name === 'spend.budgets') return '预算';
  return REPORT_FIGURES.find((d) => d.name === name)?.zh ?? name;
}
