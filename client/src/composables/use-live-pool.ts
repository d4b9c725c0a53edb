/**
 * One live snapshot per store that a playlist shows, kept open while the playlist needs the store,
 * so that every page shows current figures the moment it comes round. Each lives in its own effect
 * scope: stopping the scope disconnects its socket and removes its listeners.
 */
import { effectScope, onScopeDispose, shallowRef, type EffectScope } from 'vue';
import { useLiveSnapshot, type LiveSnapshot } from './use-live-snapshot.js';

interface Entry {
  scope: EffectScope;
  live: LiveSnapshot;
}

export function useLivePool(token: string) {
  const pool = shallowRef<ReadonlyMap<string, Entry>>(new Map());

  /** Opens the stores not open yet and closes those no longer wanted. */
  function keep(stores: Iterable<string>): void {
    const wanted = new Set(stores);
    const next = new Map<string, Entry>();
    for (const [store, entry] of pool.value) {
      if (wanted.has(store)) next.set(store, entry);
      else entry.scope.stop();
    }
    for (const store of wanted) {
      if (next.has(store)) continue;
      const scope = effectScope(true);
      const live = scope.run(() => useLiveSnapshot(store, { token, offline: true }));
      if (live) next.set(store, { scope, live });
    }
    pool.value = next;
  }

  onScopeDispose(() => {
    for (const entry of pool.value.values()) entry.scope.stop();
    pool.value = new Map();
  });

  return {
    keep,
    get: (store: string): LiveSnapshot | null => pool.value.get(store)?.live ?? null,
    /** Stores open now (for tests and diagnostics). */
    size: () => pool.value.size,
  };
}
