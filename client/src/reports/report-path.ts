/**
 * The report page's addresses: `/reports/{store}/{period}` and `/reports/group/{period}`; without a
 * period (`/reports/{store}`: the staff page's link, staff/report-link.ts) it opens the current month.
 */
import { GROUP } from '../../../domain/protocol.js';

export type ReportRoute = { kind: 'report'; store: string; period: string | null } | { kind: 'not-found' };

const STORE_RE = /^[A-Za-z0-9_-]{1,32}$/;
/** The shape of a period id; whether it is a real one is domain/periods.ts's `parsePeriod`. */
const PERIOD_RE = /^\d{4}-(\d{2}|W\d{2}|\d{2}-\d{2}|Q\d)$/;
const GROUP_SLUG = 'group';

export function parseReportRoute(pathname: string): ReportRoute {
  const parts = (pathname.replace(/\/+$/, '') || '/').split('/').slice(1);
  const [head, a, b, ...rest] = parts;
  if (head !== 'reports' || a === undefined || rest.length) return { kind: 'not-found' };
  let store: string;
  try {
    store = decodeURIComponent(a);
  } catch {
    return { kind: 'not-found' };
  }
  if (store === GROUP_SLUG || store === GROUP) store = GROUP;
  else if (!STORE_RE.test(store)) return { kind: 'not-found' };
  if (b === undefined) return { kind: 'report', store, period: null };
  return PERIOD_RE.test(b) ? { kind: 'report', store, period: b } : { kind: 'not-found' };
}

/** `/reports/HZ01/2026-11`, `/reports/group/2026-W48`; without a period, the store's current month. */
export function reportPath(store: string, period?: string): string {
  const s = store === GROUP ? GROUP_SLUG : encodeURIComponent(store);
  return period ? `/reports/${s}/${period}` : `/reports/${s}`;
}

/** The API path of a report (`suffix` '.xlsx' for the workbook, '/trend' for the trend). */
export function reportApiPath(store: string, period: string, suffix = ''): string {
  return store === GROUP
    ? `/api/v1/reports/${period}${suffix}`
    : `/api/v1/stores/${encodeURIComponent(store)}/reports/${period}${suffix}`;
}
