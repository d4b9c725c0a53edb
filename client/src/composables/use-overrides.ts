/**
 * The month's breaker overrides (`GET /api/v1/stores/{store}/overrides`), newest first; for the
 * group, those of its stores read side by side and merged, as the work lists are.
 */
import { onScopeDispose, shallowRef } from 'vue';
import type { BudgetOverride } from '../../../domain/breaker.js';
import { GROUP } from '../../../domain/protocol.js';
import { apiGet } from '../api.js';

export type OverridesState =
  { status: 'loading' } | { status: 'ready'; overrides: BudgetOverride[]; failed: string[] } | { status: 'error'; error: string };

export function useOverrides(token: string, store: string) {
  const state = shallowRef<OverridesState>({ status: 'loading' });
  let controller: AbortController | undefined;

  /** Reads the log again; for the group, of each of `groupStores`. Rows already shown stay until the answer. */
  async function load(groupStores: readonly string[] = []): Promise<void> {
    controller?.abort();
    const mine = new AbortController();
    controller = mine;
    const stores = store === GROUP ? groupStores.filter((s) => s !== GROUP) : [store];
    const results = await Promise.allSettled(
      stores.map((s) =>
        apiGet<{ overrides: BudgetOverride[] }>(`/api/v1/stores/${encodeURIComponent(s)}/overrides`, token, mine.signal),
      ),
    );
    if (mine.signal.aborted) return;
    const overrides: BudgetOverride[] = [];
    const failed: string[] = [];
    let firstError = '';
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') overrides.push(...r.value.overrides);
      else {
        failed.push(stores[i] ?? '');
        firstError ||= r.reason instanceof Error ? r.reason.message : String(r.reason);
      }
    });
    if (stores.length > 0 && failed.length === stores.length) {
      if (state.value.status !== 'ready') state.value = { status: 'error', error: firstError };
      return;
    }
    overrides.sort((a, b) => b.at.localeCompare(a.at));
    state.value = { status: 'ready', overrides, failed };
  }

  onScopeDispose(() => controller?.abort());
  return { state, load };
}
