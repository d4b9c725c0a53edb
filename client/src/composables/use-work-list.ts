/**
 * The list behind a figure (drill-down), from `GET /api/v1/stores/{store}/lists/{list}`. The API
 * has no group list: for the group the lists of its stores are read side by side and merged, each
 * row tagged with its store. Rows are shown exactly as the server sends them (masked or not).
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

const listPath = (store: string, list: WorkListName): string =>
  `/api/v1/stores/${encodeURIComponent(store)}/lists/${encodeURIComponent(list)}`;

function rowsOf(body: WorkList, store: string): WorkRow[] {
  return (body.items as WorkListItems[WorkListName]).map((item) => ({ list: body.list, store, item }) as WorkRow);
}

/** Most urgent first, the same for one store and for the group. */
function byUrgency(a: WorkRow, b: WorkRow): number {
  if (a.list === 'pendingCallbacks' && b.list === 'pendingCallbacks') return a.item.hoursLeft - b.item.hoursLeft;
  if (a.list === 'overdueComplaints' && b.list === 'overdueComplaints')
    return Date.parse(a.item.overdueSince) - Date.parse(b.item.overdueSince);
  if (a.list === 'lowMaterials' && b.list === 'lowMaterials') {
    const share = (i: { stock: number; reorderLevel: number }) => (i.reorderLevel > 0 ? i.stock / i.reorderLevel : 0);
    return share(a.item) - share(b.item);
  }
  if (a.list === 'highChurn' && b.list === 'highChurn') return b.item.value - a.item.value;
  return 0;
}

export function useWorkList(token: string) {
  const state = shallowRef<WorkListState>({ status: 'idle' });
  let controller: AbortController | undefined;

  /** Loads `list` of `store`; for the group (`*`), of each of `groupStores`. */
  async function open(list: WorkListName, store: string, groupStores: readonly string[] = []): Promise<void> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    state.value = { status: 'loading', list, store };
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
      state.value = { status: 'error', list, store, error: firstError };
      return;
    }
    rows.sort(byUrgency);
    state.value = { status: 'ready', list, store, rows, total, masked, failed };
  }

  function close(): void {
    controller?.abort();
    controller = undefined;
    state.value = { status: 'idle' };
  }

  onScopeDispose(() => controller?.abort());

  return { state, open, close };
}
