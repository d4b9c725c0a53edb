/**
 * An alert's text in the wall's language, built from its `kind` and `data` when the data needed
 * is there, else the server's `message` as sent. Always plain text (rendered with {{ }}).
 */
import type { Alert } from '../../domain/alerts.js';
import { actorName, humaniseId } from '../../domain/display-names.js';
import { maskName } from '../../domain/masking.js';
import { stockDiscrepancy, stockReading } from '../../domain/material-stock.js';
import { formatCount, formatDateTime, formatDay, formatPercent, formatYuan } from './format.js';
import type { Messages } from './i18n/index.js';

function pick(data: Alert['data'], ...keys: string[]): string | null {
  if (!data) return null;
  for (const k of keys) {
    const v = data[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return null;
}

const humaniseOrNull = (id: string | null): string | null => (id === null ? null : humaniseId(id));

function num(data: Alert['data'], key: string): number | null {
  const v = data?.[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function yuan(data: Alert['data'], key: string): string | null {
  const v = num(data, key);
  return v === null ? null : formatYuan(v);
}

function ratioOf(data: Alert['data']): string | null {
  const r = num(data, 'ratio');
  if (r !== null) return formatPercent(r);
  const spent = num(data, 'spent');
  const amount = num(data, 'amount');
  if (spent !== null && amount !== null && amount > 0) return formatPercent(spent / amount);
  return null;
}

/** A deadline as "11-23 14:05" in the store's time zone, or null when missing or not a time. */
function deadlineOf(data: Alert['data'], timeZone: string | undefined): string | null {
  const d = pick(data, 'deadline');
  if (!d || Number.isNaN(Date.parse(d))) return null;
  return formatDateTime(d, timeZone);
}

export function alertText(alert: Alert, m: Messages, timeZone?: string): string {
  const d = alert.data;
  const t = m.alertText;
  switch (alert.kind) {
    case 'budget_warn':
    case 'budget_tripped': {
      const name = pick(d, 'name', 'budgetName') ?? humaniseOrNull(pick(d, 'budgetId'));
      const pct = ratioOf(d);
      if (!name || !pct) break;
      if (alert.kind === 'budget_warn') return t.budgetWarn(name, pct);
      const spent = yuan(d, 'spent');
      const amount = yuan(d, 'amount');
      return t.budgetTripped(name, pct) + (spent && amount ? t.budgetAmounts(spent, amount) : '');
    }
    case 'budget_overspend': {
      const name = pick(d, 'name') ?? humaniseOrNull(pick(d, 'budgetId'));
      const amount = yuan(d, 'amount');
      const spent = yuan(d, 'spent');
      const budget = yuan(d, 'budget');
      if (name && amount && spent && budget) return t.budgetOverspend(name, amount, spent, budget);
      break;
    }
    case 'budget_override': {
      const name = pick(d, 'name') ?? humaniseOrNull(pick(d, 'budgetId'));
      const amount = yuan(d, 'amount');
      const shortfall = yuan(d, 'shortfall');
      const by = pick(d, 'by');
      if (name && amount && shortfall && by)
        return t.budgetOverride(name, amount, shortfall, actorName(by, m.adminKey), pick(d, 'reason') ?? '');
      break;
    }
    case 'spend_unbudgeted': {
      const id = pick(d, 'budgetId');
      const amount = yuan(d, 'amount');
      if (id && amount) return t.spendUnbudgeted(humaniseId(id), amount);
      break;
    }
    case 'complaint_overdue': {
      // What the complaint is about and whose it is (masked), never its id: the wall is shared.
      if (!pick(d, 'complaintId', 'id')) break;
      const category = pick(d, 'category');
      const subject = t.complaintSubject(pick(d, 'summary'), category ? (m.complaintCategory[category] ?? null) : null);
      const name = pick(d, 'customer');
      const customer = name ? maskName(name) : null;
      const severity = pick(d, 'severity');
      const phase = pick(d, 'phase');
      if (severity && (phase === 'response' || phase === 'resolution')) {
        const hours = num(d, 'hours');
        return t.complaintOverduePhase(
          subject,
          customer,
          m.complaintSeverity[severity] ?? severity,
          phase,
          hours === null ? null : formatCount(Math.floor(hours)),
        );
      }
      return t.complaintOverdue(subject, customer);
    }
    case 'callback_missed':
    case 'callback_due_soon': {
      const kind = pick(d, 'kind');
      // Customers' names are masked on a shared screen, even if a name reached the data.
      const customer = pick(d, 'customerName');
      const subject = customer ? maskName(customer) : pick(d, 'subjectId', 'orderId', 'roId');
      if (!kind || !subject) break;
      const kindLabel = m.kinds[kind] ?? kind;
      const deadline = deadlineOf(d, timeZone);
      if (alert.kind === 'callback_missed')
        return t.callbackMissed(kindLabel, subject) + (deadline ? t.deadlineSuffix(deadline) : '');
      if (deadline) return t.callbackDueSoon(kindLabel, subject, deadline);
      break;
    }
    case 'material_low': {
      const name = pick(d, 'name', 'itemName', 'itemId');
      const stock = pick(d, 'stock');
      const level = pick(d, 'reorderLevel');
      const stockN = num(d, 'stock');
      const levelN = num(d, 'reorderLevel');
      if (name && stock && level && stockN !== null && levelN !== null)
        return (stockReading(stockN, levelN) === 'at' ? t.materialAtLevel : t.materialLow)(name, stock, level);
      break;
    }
    case 'coop_claim_window': {
      // The program and the spend's day, never the spend's id: the wall is shared and reads from afar.
      const program = pick(d, 'program');
      const days = num(d, 'ageDays');
      const amount = yuan(d, 'coopAmount');
      const at = pick(d, 'at');
      if (program && days !== null && amount && at && !Number.isNaN(Date.parse(at)))
        return t.coopClaimWindow(program, formatDay(at, timeZone), formatCount(days), amount);
      break;
    }
    case 'stock_discrepancy': {
      const name = pick(d, 'name', 'itemId');
      const book = num(d, 'book');
      const counted = num(d, 'counted');
      if (name && book !== null && counted !== null && book !== counted) {
        // Above 0 goods are missing, below 0 goods were not booked in (domain/material-stock.ts).
        const gap = stockDiscrepancy(book, counted);
        const words = (gap > 0 ? m.gapShort : m.gapOver)(formatCount(Math.abs(gap)));
        return t.stockDiscrepancy(name, formatCount(book), formatCount(counted), words);
      }
      break;
    }
    case 'screen_silent': {
      const name = pick(d, 'name', 'deviceId');
      if (name) return t.screenSilent(name, pick(d, 'minutes'));
      break;
    }
    case 'media_negative': {
      const outlet = pick(d, 'outlet');
      if (outlet) return t.mediaNegative(outlet, pick(d, 'title'));
      break;
    }
    case 'target_behind': {
      const metric = pick(d, 'metric');
      const target = num(d, 'target');
      const actual = num(d, 'actual');
      const pace = num(d, 'pace');
      if (metric && target !== null && actual !== null && pace !== null) {
        const label = (m.targetKeys as Record<string, string>)[metric] ?? metric;
        return t.targetBehind(label, formatCount(actual), formatCount(target), formatPercent(pace));
      }
      break;
    }
  }
  return alert.message;
}

/** "3小时12分" / "3 h 12 min": a duration to a deadline (either side of it), minute-exact. */
export function durationText(ms: number, m: Messages): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 60) return m.dur.minutes(minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return m.dur.hours(hours, minutes % 60);
  return m.dur.days(Math.floor(hours / 24), hours % 24);
}
