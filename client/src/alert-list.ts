/**
 * The active alerts a page shows (open or acknowledged), kept up to date from three sources that
 * may arrive in any order: the list read on (re)connect, `alert` pushes (raised) and `alertUpdated`
 * pushes (acknowledged or cleared). An alert only moves forward (open → acked → cleared), so of
 * two copies of one alert the one further along is the newer; a cleared alert leaves the list.
 */
import type { AlertRecord, AlertState } from '../../domain/alerts.js';
import { GROUP } from '../../domain/protocol.js';

/**
 * The wall's full-screen banner: a tripped budget or a high-severity overdue complaint, until
 * acknowledged or cleared. (Here rather than in domain/alerts.ts, whose zod schemas the page would
 * otherwise load.)
 */
export const isBannerAlert = (a: AlertRecord): boolean =>
  a.state === 'open' && (a.kind === 'budget_tripped' || (a.kind === 'complaint_overdue' && a.data?.severity === 'high'));

/** Active alerts kept per page, newest first (as many as `GET /api/v1/alerts` gives by default). */
export const MAX_ALERTS = 50;

const RANK: Record<AlertState, number> = { open: 0, acked: 1, cleared: 2 };

/** An alert as the API or a push gave it, with the record's fields filled in if an older server left them out. */
export function normalizeAlert(a: AlertRecord): AlertRecord {
  const state: AlertState = a.state in RANK ? a.state : 'open';
  return { ...a, state, history: Array.isArray(a.history) ? a.history : [] };
}

/** True when `b` is a later copy of the same alert than `a`. */
export function isNewer(b: AlertRecord, a: AlertRecord): boolean {
  const rb = RANK[b.state];
  const ra = RANK[a.state];
  if (rb !== ra) return rb > ra;
  return b.history.length > a.history.length;
}

const byNewest = (a: AlertRecord, b: AlertRecord): number => b.at.localeCompare(a.at) || b.id.localeCompare(a.id);

/** Whether a page of `store` (or of the group) shows this alert. */
export const belongsTo = (a: AlertRecord, store: string): boolean => store === GROUP || a.store === store;

/** `list` with `incoming` taken in: new ones added, later copies replacing earlier ones, cleared ones removed. */
export function mergeAlerts(list: readonly AlertRecord[], incoming: readonly AlertRecord[], store: string): AlertRecord[] {
  const byId = new Map(list.map((a) => [a.id, a]));
  let changed = false;
  for (const raw of incoming) {
    const a = normalizeAlert(raw);
    if (!belongsTo(a, store)) continue;
    const known = byId.get(a.id);
    if (known && !isNewer(a, known)) continue;
    byId.set(a.id, a);
    changed = true;
  }
  if (!changed) return list as AlertRecord[];
  return [...byId.values()]
    .filter((a) => a.state !== 'cleared')
    .sort(byNewest)
    .slice(0, MAX_ALERTS);
}

/**
 * After a (re)connect: the list read from the server is the truth (an alert missing from it was
 * cleared while the page was away), except for pushes received while it was being read.
 */
export function resyncAlerts(
  fetched: readonly AlertRecord[],
  pushedMeanwhile: readonly AlertRecord[],
  store: string,
): AlertRecord[] {
  return mergeAlerts(mergeAlerts([], fetched, store), pushedMeanwhile, store);
}

/** The active alerts of a store (or of the group, `*`), as `GET /api/v1/alerts` reads them. */
export function activeAlertsPath(store: string, limit = MAX_ALERTS): string {
  const q = new URLSearchParams({ state: 'active', limit: String(limit) });
  if (store !== GROUP) q.set('store', store);
  return `/api/v1/alerts?${q.toString()}`;
}

/** The open alerts before the acknowledged ones, each newest first (the order of the ticker and the staff list). */
export function openFirst(list: readonly AlertRecord[]): AlertRecord[] {
  return list
    .filter((a) => a.state !== 'cleared')
    .map((a, i) => ({ a, i }))
    .sort((x, y) => Number(x.a.state === 'acked') - Number(y.a.state === 'acked') || x.i - y.i)
    .map(({ a }) => a);
}
