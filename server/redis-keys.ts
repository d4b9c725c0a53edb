/**
 * Redis key layout. Every key of a store carries the store code as a hash tag, `{HZ01}`, so that
 * all of a store's keys share one Cluster slot and each Lua script touches a single slot.
 * Keys that span stores (the store registry, API keys) are few and read outside scripts.
 */
export type CallbackKind = 'sales' | 'service';

export function storeKeys(prefix: string, store: string) {
  const k = (s: string) => `${prefix}:{${store}}:${s}`;
  return {
    /** HASH event id → event JSON: the durable event log and the idempotency check. */
    log: k('log'),
    /** Counter bumped on every change; the snapshot's `seq`. */
    seq: k('seq'),
    callback: (kind: CallbackKind) => ({
      /** HASH subject id → subject time (ms), the earliest seen. */
      subjects: k(`cb:${kind}:subj`),
      /** ZSET subject id by subject time. */
      subjectsByTime: k(`cb:${kind}:subjz`),
      /** ZSET met subject id by subject time. */
      met: k(`cb:${kind}:met`),
      /** HASH subject id → comma list of times (ms) of `reached` callbacks. */
      reached: k(`cb:${kind}:reached`),
    }),
    repairs: {
      /** HASH roId → earliest repair.opened time. */
      opened: k('ro:opened'),
      /** ZSET roId by opened time. */
      openedByTime: k('ro:openedz'),
      /** ZSET roId by opened time, booked visits only. */
      booked: k('ro:bookedz'),
      /** SET roIds seen with an appointmentId. */
      bookedIds: k('ro:booked'),
    },
    complaints: {
      /** HASH complaintId → JSON state {o, oid, sev, r, x} (times in ms as strings). */
      state: k('cmp'),
      opened: k('cmp:openedz'),
      resolved: k('cmp:resolvedz'),
      /** ZSET open complaints by opened time. */
      open: k('cmp:openz'),
      /** ZSET open complaints by the moment they become overdue. */
      due: k('cmp:duez'),
    },
    spend: {
      /** HASH spendId → "atMs|eventId|budgetId|fen" (the standing record). */
      records: k('spend'),
      /** HASH budgetId → fen. */
      byBudget: k('spend:budget'),
      /** ZSET spendId by time. */
      byTime: k('spend:z'),
    },
    /** HASH budgetId → budget settings JSON. */
    budgets: k('budgets'),
    /** HASH alert condition → last state, so each crossing alerts once. */
    alertState: k('alert:state'),
    /** LIST of recent alert JSON, newest first. */
    alerts: k('alerts'),
  };
}
export type StoreKeys = ReturnType<typeof storeKeys>;

export function globalKeys(prefix: string) {
  return {
    /** HASH store code → store settings JSON. */
    stores: `${prefix}:stores`,
    /** HASH budgetId → store code. */
    budgetStore: `${prefix}:budget-store`,
    /** HASH sha256(key) → key record JSON. */
    apiKeys: `${prefix}:api-keys`,
    /** Pub/sub: a store's figures changed (message: store code). */
    changedChannel: `${prefix}:changed`,
    /** Pub/sub: an alert (message: alert JSON). */
    alertChannel: `${prefix}:alerts`,
  };
}

/** BullMQ's prefix: its keys are tagged so that a queue lives in one Cluster slot. */
export const queuePrefix = (prefix: string) => `{${prefix}-q}`;
