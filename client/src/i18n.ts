/**
 * The wall's words in Chinese (default) and English: one typed table, no library.
 * The English table must have every key of the Chinese one with the same signature.
 */
import { computed, ref, watchEffect } from 'vue';
import type { AlertSeverity } from '../../domain/alerts.js';
import type { BudgetStatus } from '../../domain/kpis.js';
import type { ConnectionState } from './composables/use-live-snapshot.js';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_KEY = 'pulse.locale';

const zh = {
  product: '展厅脉搏',
  group: '集团',
  storeCount: (n: number) => `${n} 家门店`,
  today: '今日',
  month: '本月',
  salesCallback: '销售回访率',
  serviceCallback: '售后回访率',
  appointment: '预约率',
  appointmentHint: '进厂工单中提前预约的比例',
  pending: '待回访',
  missed: '逾期未回访',
  monthNote: '本月',
  complaints: '投诉',
  open: '未结',
  overdue: '超时',
  complaintsGoal: '目标：零投诉',
  opened: '新增',
  resolved: '已结',
  medianHours: '处理时长中位数',
  hours: (h: string) => `${h} 小时`,
  spend: '费用预算',
  spent: '已用',
  budget: '预算',
  used: '使用率',
  unbudgeted: '预算外支出',
  forecast: '预计月底',
  noBudgets: '本月尚未设置预算',
  moreBudgets: (n: number) => `另有 ${n} 项预算`,
  status: { ok: '正常', warn: '预警', tripped: '跳闸' } satisfies Record<BudgetStatus, string>,
  trend: '本月趋势',
  alerts: '告警',
  noAlerts: '暂无告警，一切正常',
  severity: { critical: '严重', warning: '警告', info: '提示' } satisfies Record<AlertSeverity, string>,
  conn: {
    connecting: '连接中',
    live: '实时',
    reconnecting: '重新连接中',
    offline: '离线',
  } satisfies Record<ConnectionState, string>,
  lastUpdate: '最后更新',
  never: '尚无数据',
  stale: (min: number) => `数据已 ${min} 分钟未更新`,
  staleHint: '屏幕上的数字可能不是最新的，请检查网络或联系管理员',
  loading: '正在载入数据…',
  switchTo: 'EN',
  switchLabel: 'Switch to English',
  tokenTitle: '需要访问密钥',
  tokenBody: '请在地址后加上密钥打开大屏，例如：',
  tokenOnce: '密钥只需输入一次，会保存在本机，并从地址栏中移除。',
  tokenRefused: '当前密钥被拒绝（无效或已停用）。',
  tokenPlaceholder: '您的密钥',
  subscribeFailed: (store: string, error: string) => `无法显示 ${store}：${error}`,
  retrying: '稍后自动重试…',
  notFoundTitle: '页面不存在',
  notFoundBody: '大屏地址为 /wall（集团）或 /wall/门店代码（单店）。',
  kinds: { sales: '销售', service: '售后' } as Record<string, string>,
  alertText: {
    budgetWarn: (name: string, pct: string) => `预算「${name}」已用 ${pct}，接近上限`,
    budgetTripped: (name: string, pct: string) => `预算「${name}」已跳闸：已用 ${pct}`,
    complaintOverdue: (id: string) => `投诉 ${id} 已超时未处理`,
    callbackMissed: (kind: string, id: string) => `${kind}回访逾期：${id}`,
    materialLow: (name: string, stock: string, level: string) => `物料「${name}」库存 ${stock}，低于补货线 ${level}`,
    mediaNegative: (outlet: string, title: string | null) => `负面媒体报道：${outlet}${title ? `《${title}》` : ''}`,
  },
};

export type Messages = typeof zh;

const en: Messages = {
  product: 'Showroom Pulse',
  group: 'Group',
  storeCount: (n) => `${n} ${n === 1 ? 'store' : 'stores'}`,
  today: 'Today',
  month: 'Month',
  salesCallback: 'Sales callback rate',
  serviceCallback: 'Service callback rate',
  appointment: 'Appointment rate',
  appointmentHint: 'Repair orders booked in advance',
  pending: 'To call',
  missed: 'Missed',
  monthNote: 'this month',
  complaints: 'Complaints',
  open: 'Open',
  overdue: 'Overdue',
  complaintsGoal: 'Goal: zero',
  opened: 'New',
  resolved: 'Closed',
  medianHours: 'Median time',
  hours: (h) => `${h} h`,
  spend: 'Spend vs budget',
  spent: 'Spent',
  budget: 'Budget',
  used: 'Used',
  unbudgeted: 'Unbudgeted spend',
  forecast: 'Forecast',
  noBudgets: 'No budgets set for this month',
  moreBudgets: (n) => `${n} more ${n === 1 ? 'budget' : 'budgets'}`,
  status: { ok: 'OK', warn: 'Warning', tripped: 'Tripped' },
  trend: 'This month',
  alerts: 'Alerts',
  noAlerts: 'No alerts — all clear',
  severity: { critical: 'Critical', warning: 'Warning', info: 'Info' },
  conn: { connecting: 'Connecting', live: 'Live', reconnecting: 'Reconnecting', offline: 'Offline' },
  lastUpdate: 'Last update',
  never: 'no data yet',
  stale: (min) => `No update for ${min} min`,
  staleHint: 'figures may be out of date: check the network or call the administrator',
  loading: 'Loading figures…',
  switchTo: '中文',
  switchLabel: '切换到中文',
  tokenTitle: 'Access key required',
  tokenBody: 'Open the wall with its key added to the address, for example:',
  tokenOnce: 'The key is needed only once: it is kept on this device and removed from the address bar.',
  tokenRefused: 'The key in use was refused (unknown or revoked).',
  tokenPlaceholder: 'YOUR-KEY',
  subscribeFailed: (store, error) => `Cannot show ${store}: ${error}`,
  retrying: 'Retrying shortly…',
  notFoundTitle: 'Page not found',
  notFoundBody: 'The wall lives at /wall (group) or /wall/STORE (one store).',
  kinds: { sales: 'Sales', service: 'Service' },
  alertText: {
    budgetWarn: (name, pct) => `Budget “${name}” at ${pct}, nearing its limit`,
    budgetTripped: (name, pct) => `Budget “${name}” tripped: ${pct} spent`,
    complaintOverdue: (id) => `Complaint ${id} is overdue`,
    callbackMissed: (kind, id) => `${kind} callback missed: ${id}`,
    materialLow: (name, stock, level) => `“${name}” stock ${stock}, below reorder level ${level}`,
    mediaNegative: (outlet, title) => `Negative media mention: ${outlet}${title ? ` “${title}”` : ''}`,
  },
};

export const messages: Record<Locale, Messages> = { 'zh-CN': zh, en };

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  } catch {
    // no storage: default
  }
  return 'zh-CN';
}

const locale = ref<Locale>(initialLocale());
const m = computed<Messages>(() => messages[locale.value]);

watchEffect(() => {
  document.documentElement.lang = locale.value;
  document.title = `${m.value.product}`;
});

function setLocale(next: Locale): void {
  locale.value = next;
  try {
    localStorage.setItem(LOCALE_KEY, next);
  } catch {
    // kept for this page only
  }
}

export function useI18n() {
  return {
    locale,
    m,
    setLocale,
    toggle: () => setLocale(locale.value === 'zh-CN' ? 'en' : 'zh-CN'),
  };
}
