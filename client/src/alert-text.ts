/**
 * An alert's text in the wall's language, built from its `kind` and `data` when the data needed
 * is there, else the server's `message` as sent. Always plain text (rendered with {{ }}).
 */
import type { Alert } from '../../domain/alerts.js';
import { maskName } from '../../domain/masking.js';
import { formatPercent } from './format.js';
import type { Messages } from './i18n.js';

function pick(data: Alert['data'], ...keys: string[]): string | null {
  if (!data) return null;
  for (const k of keys) {
    const v = data[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return null;
}

function ratioOf(data: Alert['data']): string | null {
  const r = data?.ratio;
  if (typeof r === 'number' && Number.isFinite(r)) return formatPercent(r);
  const spent = data?.spent;
  const amount = data?.amount;
  if (typeof spent === 'number' && typeof amount === 'number' && amount > 0) return formatPercent(spent / amount);
  return null;
}

export function alertText(alert: Alert, m: Messages): string {
  const d = alert.data;
  const t = m.alertText;
  switch (alert.kind) {
    case 'budget_warn':
    case 'budget_tripped': {
      const name = pick(d, 'name', 'budgetName', 'budgetId');
      const pct = ratioOf(d);
      if (name && pct) return alert.kind === 'budget_warn' ? t.budgetWarn(name, pct) : t.budgetTripped(name, pct);
      break;
    }
    case 'complaint_overdue': {
      const id = pick(d, 'complaintId', 'id');
      if (id) return t.complaintOverdue(id);
      break;
    }
    case 'callback_missed': {
      const kind = pick(d, 'kind');
      // Customers' names are masked on a shared screen, even if a name reached the data.
      const customer = pick(d, 'customerName');
      const subject = customer ? maskName(customer) : pick(d, 'subjectId', 'orderId', 'roId');
      if (kind && subject) return t.callbackMissed(m.kinds[kind] ?? kind, subject);
      break;
    }
    case 'material_low': {
      const name = pick(d, 'name', 'itemName', 'itemId');
      const stock = pick(d, 'stock');
      const level = pick(d, 'reorderLevel');
      if (name && stock && level) return t.materialLow(name, stock, level);
      break;
    }
    case 'media_negative': {
      const outlet = pick(d, 'outlet');
      if (outlet) return t.mediaNegative(outlet, pick(d, 'title'));
      break;
    }
  }
  return alert.message;
}
