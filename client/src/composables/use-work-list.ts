/**
 * The list behind a figure (drill-down), from `GET /api/v1/stores/{store}/lists/{list}`. The API
 * has no group list: for the group the lists of its stores are read side by side and merged, each
 * row tagged with its store. Rows are shown exactly as the server sends them (masked or not).
 * An open list can be read again quietly (`refreshSoon`, at most once per REFRESH_MIN_MS), e.g. on
 * every `kpis` push, so that a settled item leaves it without a reload.
 */
import { onScopeDispose, shallowRef } from 'vue';
import type { WorkList, WorkListItems, WorkListName } from '../../../domain/work-lists.js';
import { GROUP } from '../../../domain/protocol.js';
import { apiGet } from '../api.js';

export type WorkRow = {
  [N in WorkListName]: { list: N; store: string; item: WorkListItems[N][number] };
}[WorkListName];

export type WorkListState =
  | { status: 'idle' }
  | { status: 'loading'; list: WorkListName; store: string }
  | {
      status: 'ready';
      list: WorkListName;
      store: string;
      rows: WorkRow[];
      total: number;
      masked: boolean;
      /** Stores of the group whose list could not be read. */
      failed: string[];
    }
  | { status: 'error'; list: WorkListName; store: string; error: string };

/** Quiet re-reads of an open list are at least this far apart. */
export const REFRESH_MIN_MS = 2_000;

const listPath = (store: string, list: WorkListName): string =>
  `/api/v1/stores/${encodeURIComponent(store)}/lists/${encodeURIComponent(list)}`;

function rowsOf(body: WorkList, store: string): WorkRow[] {
  return (body.items as WorkListItems[WorkListName]).map((item) => ({ list: body.list, store, item }) as WorkRow);
}

const SEVERITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

/** Most urgent first, the same for one store and for the group. */
function byUrgency(a: WorkRow, b: WorkRow): number {
  if (a.list === 'pendingCallbacks' && b.list === 'pendingCallbacks')
    return Date.parse(a.item.deadline) - Date.parse(b.item.deadline) || a.item.hoursLeft - b.item.hoursLeft;
  if (a.list === 'openComplaints' && b.list === 'openComplaints')
    return (
      Date.parse(a.item.deadline) - Date.parse(b.item.deadline) ||
      (SEVERITY_RANK[a.item.severity] ?? 3) - (SEVERITY_RANK[b.item.severity] ?? 3)
    );
  if (a.list === 'overdueComplaints' && b.list === 'overdueComplaints')
    return Date.parse(a.item.overdueSince) - Date.parse(b.item.overdueSince);
  if (a.list === 'lowMaterials' && b.list === 'lowMaterials') {
    const share = (i: { stock: number; reorderLevel: number }) => (i.reorderLevel > 0 ? i.stock / i.reorderLevel : 0);
    return share(a.item) - share(b.item);
  }
  if (a.list === 'highChurn' && b.list === 'highChurn') return b.item.value - a.item.value;
  // The oldest first: the claim window closes on the oldest spend first, the oldest decision waits longest.
  if (a.list === 'coopUnclaimed' && b.list === 'coopUnclaimed') return b.item.ageDays - a.item.ageDays;
  if (a.list === 'coopUnpaid' && b.list === 'coopUnpaid') return b.item.ageDays - a.item.ageDays;
  return 0;
}

/** A row's identity within its list, for keyed rendering. */
export function rowKey(r: WorkRow): string {
  switch (r.list) {
    case 'pendingCallbacks':
      return `${r.store}:${r.item.kind}:${r.item.subjectId}`;
    case 'openComplaints':
    case 'overdueComplaints':
      return `${r.store}:${r.item.complaintId}`;
    case 'lowMaterials':
      return `${r.store}:${r.item.itemId}`;
    case 'highChurn':
      return `${r.store}:${r.item.customer.id}`;
    case 'coopUnclaimed':
      return `${r.store}:${r.item.spendId}`;
    case 'coopUnpaid':
      return `${r.store}:${r.item.claimId}`;
  }
}

export function useWorkList(token: string) {
  const state = shallowRef<WorkListState>({ status: 'idle' });
  let controller: AbortController | undefined;
  /** The list open now, to read again. */
  let current: { list: WorkListName; store: string; groupStores: readonly string[] } | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let lastRefresh = 0;

  async function load(list: WorkListName, store: string, groupStores: readonly string[], quiet: boolean): Promise<void> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    if (!quiet) state.value = { status: 'loading', list, store };
    const stores = store === GROUP ? groupStores.filter((s) => s !== GROUP) : [store];
    const results = await Promise.allSettled(stores.map((s) => apiGet<WorkList>(listPath(s, list), token, mine.signal)));
    if (mine.signal.aborted) return;
    const failed: string[] = [];
    const rows: WorkRow[] = [];
    let total = 0;
    let masked = false;
    let firstError = '';
    results.forEach((r, i) => {
      const s = stores[i] ?? '';
      if (r.status === 'fulfilled') {
        rows.push(...rowsOf(r.value, s));
        total += r.value.total;
        masked ||= r.value.masked;
      } else {
        failed.push(s);
        firstError ||= r.reason instanceof Error ? r.reason.message : String(r.reason);
      }
    });
    if (stores.length > 0 && failed.length === stores.length) {
      // A quiet re-read that fails leaves the rows shown; the next push tries again.
      if (!quiet || state.value.status !== 'ready') state.value = { status: 'error', list, store, error: firstError };
      return;
    }
    rows.sort(byUrgency);
    state.value = { status: 'ready', list, store, rows, total, masked, failed };
  }

  /** Loads `list` of `store`; for the group (`*`), of each of `groupStores`. */
  function open(list: WorkListName, store: string, groupStores: readonly string[] = []): Promise<void> {
    current = { list, store, groupStores };
    clearTimeout(refreshTimer);
    refreshTimer = undefined;
    lastRefresh = Date.now();
    return load(list, store, groupStores, false);
  }

  /** Reads the open list again soon, keeping its rows on screen meanwhile; calls within REFRESH_MIN_MS share one read. */
  function refreshSoon(): void {
    if (!current || refreshTimer !== undefined) return;
    const wait = Math.max(0, lastRefresh + REFRESH_MIN_MS - Date.now());
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      lastRefresh = Date.now();
      if (current) void load(current.list, current.store, current.groupStores, state.value.status === 'ready');
    }, wait);
  }

  function close(): void {
    controller?.abort();
    controller = undefined;
    current = null;
    clearTimeout(refreshTimer);
    refreshTimer = undefined;
    state.value = { status: 'idle' };
  }

  onScopeDispose(() => {
    controller?.abort();
    clearTimeout(refreshTimer);
  });

  return { state, open, refreshSoon, close };
}
