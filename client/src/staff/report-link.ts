/**
 * The staff page's link to the period reports of the store on show (`/reports/{store}`, which opens
 * the current month). The address is the one reports/report-path.ts reads; written here again so
 * that the staff page loads nothing of the report page (test/report-page-format.test.ts checks both
 * agree).
 */
import { GROUP } from '../../../domain/protocol.js';
import type { Locale } from '../i18n/index.js';

export const reportLinkPath = (store: string): string =>
  store === GROUP ? '/reports/group' : `/reports/${encodeURIComponent(store)}`;

export const REPORT_LINK_TEXT: Record<Locale, { text: string; label: (name: string) => string }> = {
  'zh-CN': { text: '报表', label: (name) => `${name}的期间报表` },
  en: { text: 'Reports', label: (name) => `Period reports of ${name}` },
};
