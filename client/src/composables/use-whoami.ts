/**
 * What the page's key may do (`GET /api/v1/whoami`), so that the staff page offers the
 * acknowledge and override controls only to keys that have the scope for them. Until the answer
 * comes (or if it never does) the page is read-only; the server checks every action anyway.
 */
import { computed, onScopeDispose, shallowRef } from 'vue';
import { apiGet, ApiError } from '../api.js';

/** The answer of `GET /api/v1/whoami` (client-side type: not in domain/). */
export interface WhoAmI {
  keyId: string;
  name: string;
  scopes: string[];
  /** null: every store. */
  stores: string[] | null;
}

const RETRY_MS = 30_000;

export function useWhoAmI(token: string) {
  const me = shallowRef<WhoAmI | null>(null);
  /** The first answer came, or the first request failed. */
  const answered = shallowRef(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;

  async function load(): Promise<void> {
    try {
      me.value = await apiGet<WhoAmI>('/api/v1/whoami', token);
    } catch (err) {
      // A refused key stays refused; anything else (a network failure, an older server) is asked again.
      if (disposed || (err instanceof ApiError && err.status === 401)) return;
      timer = setTimeout(() => void load(), RETRY_MS);
    } finally {
      if (!disposed) answered.value = true;
    }
  }
  void load();
  onScopeDispose(() => {
    disposed = true;
    clearTimeout(timer);
  });

  const has = (scope: string): boolean => me.value?.scopes.includes(scope) ?? false;
  return {
    me,
    answered,
    /** Scope `ack` (or `admin`): may acknowledge alerts. */
    canAck: computed(() => has('ack') || has('admin')),
    /** Scope `admin`: may let a refused spend through the budget breaker. */
    canOverride: computed(() => has('admin')),
  };
}
