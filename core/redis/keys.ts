/**
 * Redis key layout, the same on one Redis and on a Redis Cluster (docs/scaling.md). Every key of a
 * store carries the store code as a hash tag, `{HZ01}`, so that all of a store's keys share one
 * Cluster slot and each Lua script, transaction and pipeline of a store touches a single slot.
 * Keys that span stores (the store registry, API keys) are few and each is read and written on
 * its own, except the API keys and their index, written together under one tag; an import's file
 * and status share the import's tag; BullMQ's queues share theirs.
 */
export type CallbackKind = 'sales' | 'service';

/** A store's two change counters alone, without building every key of the store (read for hundreds of stores at once). */
export function seqKeys(prefix: string, store: string) {
  return {
    /** Counter bumped on every change; the snapshot's `seq`. */
    seq: `${prefix}:{${store}}:seq`,
    /**
     * How many of the bumps of `seq` only marked time passing (the minute tick, a re-check): seq −
     * ticks changes when the store's data or configuration does, and only then.
     */
    ticks: `${prefix}:{${store}}:seq:ticks`,
  };
}

/**
 * A store's kept parts (core/kpi/kept-parts.ts), written by the workers and read for hundreds of
 * stores at once by a server that has not kept them itself. In the store's slot, like its seq.
 */
/** The kept parts' layout: a new one is kept under new names, so no server decodes another's. */
const KEPT_FORMAT = 2;

export function keptPartsKeys(prefix: string, store: string) {
  return {
    /** STRING: the store's parts read at a moment, with their data version and horizon; expires. */
    parts: `${prefix}:{${store}}:parts:v${KEPT_FORMAT}`,
    /** STRING: the same, read at the store's next local midnight (the day's turnover needs no read). */
    next: `${prefix}:{${store}}:parts:v${KEPT_FORMAT}:next`,
  };
}

export function storeKeys(prefix: string, store: string) {
  const k = (s: string) => `${prefix}:{${store}}:${s}`;
  return {
    /**
     * The durable event log and the idempotency check, kept in HASH buckets `log:<bucket>` by a hash
     * of the event id (core/events/event-log.ts, the one home of its layout and reads): event id →
     * the event, compact (core/events/logged-event.ts). This key is the HASH of logs written before
     * the buckets (JSON before the compact encoding), still read; no event is written to it.
     */
    log: k('log'),
    /** STRING how many events the log's buckets hold (`log` itself aside): counted without reading them. */
    logged: k('logged'),
    /**
     * HASH event id → {event, reason, rejectedAt} JSON: acknowledged events that could not apply
     * (core/books/rejected-book.ts); an event leaves it when it applies.
     */
    rejected: k('rejected'),
    /**
     * ZSET of events applied long after their own time (domain/revisions.ts), by event time:
     * 'eventId|arrivedAtMs|figures'. A period's report reads its range to tell what changed after
     * its close.
     */
    late: k('late:z'),
    /** HASH period id → the period's figures at its close (core/reports/closing-values.ts). */
    reportClosing: k('report:closing'),
    ...seqKeys(prefix, store),
    callback: (kind: CallbackKind) => ({
      /** ZSET subject id by subject time (ms): the one copy of a subject's time. */
      subjectsByTime: k(`cb:${kind}:subjz`),
      /** ZSET met subject id by subject time. */
      met: k(`cb:${kind}:met`),
      /** HASH subject id → comma list of times (ms) of `reached` callbacks. */
      reached: k(`cb:${kind}:reached`),
      /** HASH subject id → id of the event that gave the subject its time (for the work list). */
      subjectEvent: k(`cb:${kind}:subjev`),
    }),
    repairs: {
      /** ZSET roId by its earliest repair.opened time (ms): the one copy of that time. */
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
      /** ZSET complaints opened and resolved, by the later of the two moments (open at a period's end). */
      closed: k('cmp:closedz'),
      /** ZSETs 'complaintId:1|2' by the start / end of each span in which it is overdue (overdue at a period's end). */
      overdueFrom: k('cmp:ovaz'),
      overdueUntil: k('cmp:ovbz'),
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
    /**
     * Keys no longer written or read: hashes that repeated the scores of `callback(kind).subjectsByTime`
     * and `repairs.openedByTime`. The retention job (core/retention/expire-log.ts) drops them.
     */
    obsolete: [k('cb:sales:subj'), k('cb:service:subj'), k('ro:opened')],
    /** ZSETs of counted events by time: showroom visits (and first visits), test drives. */
    visits: k('vis:z'),
    firstVisits: k('vis1:z'),
    testDrives: k('td:z'),
    leads: {
      /** HASH leadId → versioned record (payload: campaignId). */
      records: k('lead'),
      all: k('lead:z'),
      byChannel: (channel: string) => k(`lead:ch:${channel}`),
      /** Leads that name a campaign, by time. */
      withCampaign: k('lead:cmp:z'),
    },
    orders: {
      /** HASH orderId → 'at|eid|fen|campaignId'. */
      records: k('ord'),
      cancelled: k('ord:x'),
      /** Signed and not cancelled, by time. */
      live: k('ord:z'),
    },
    appointments: {
      bookings: k('appt'),
      /** Cancelled as things stand: the latest cancellation came after the latest booking. */
      cancelled: k('appt:x'),
      /** HASH appointmentId → 'at|eid|' of its latest cancellation. */
      cancellations: k('appt:cx'),
      seenOnRepair: k('appt:ro'),
      scheduled: k('appt:z'),
      shown: k('appt:shown:z'),
    },
    surveys: {
      /** HASH surveyId → versioned record (payload: 'kind,score,nps'). */
      records: k('sv'),
      byKind: (kind: string) => k(`sv:${kind}:z`),
    },
    members: { records: k('mem'), all: k('mem:z') },
    media: { records: k('media'), all: k('media:z'), negative: k('media:neg:z') },
    postsale: {
      state: k('ps'),
      done: k('ps:done:z'),
      openByKind: (kind: string) => k(`ps:open:${kind}`),
    },
    materials: {
      /** HASH itemId → stock (sum of movements). */
      stock: k('mat:stock'),
      /** HASH itemId → material settings JSON. */
      settings: k('mat:settings'),
      /** ZSET 'itemId|event id|quantity' by the movement's time: the books at a stocktake's moment. */
      moves: k('mat:moves'),
      /** HASH itemId → 'at|event id|counted': the latest stocktake (盘点). */
      counts: k('mat:count'),
    },
    /** The co-op ledger (厂家出帐台帐, ledgers.md). */
    coop: {
      /** HASH spendId → co-op spend JSON {at, budgetId, fen, program, share}, while the spend's standing record names a program. */
      spends: k('coop:spend'),
      /** HASH claimId → 'at|event id|' + the standing submission's JSON {program, spendIds, fen, evidence}. */
      claims: k('coop:claim'),
      /** HASH claimId → 'at|event id|' + the standing decision's JSON {outcome, approvedFen, reason}. */
      decisions: k('coop:decision'),
      /** HASH event id → payment JSON {claimId, at, fen}: each payment once, several a claim. */
      payments: k('coop:paid'),
    },
    /** HASH 'YYYY-MM' → targets JSON. */
    targets: k('targets'),
    /** HASH webhookId → webhook settings JSON, its secret included (needed to sign). */
    webhooks: k('webhooks'),
    /** LIST of a webhook's delivery attempts (JSON), newest first, capped. */
    webhookDeliveries: (webhookId: string) => k(`wh:${webhookId}:log`),
    /** HASH local date 'YYYY-MM-DD' → that day's figures JSON, kept for good once its raw events expire. */
    daily: k('daily'),
    /** HASH rule condition → 'level|alertId|sinceMs': what holds now, so each crossing alerts once. */
    alertState: k('alert:state'),
    alerts: {
      /** HASH alert id → alert JSON (what was raised; never changes). */
      data: k('alerts:data'),
      /** HASH alert id → status JSON {state, ack, clearedAt, history}. */
      status: k('alerts:status'),
      /** ZSET alert id by time raised. */
      byTime: k('alerts:z'),
      /** SET alert ids raised but not yet handed to the webhooks. */
      undispatched: k('alerts:undispatched'),
    },
    /** STRING the store's alert thresholds JSON (defaults when absent). */
    alertRules: k('alert:rules'),
    /** LIST budget overrides JSON, newest first. */
    overrides: k('budget:overrides'),
    /** HASH budgetId → number of overrides. */
    overrideCount: k('budget:override-count'),
    reportDelivery: {
      /** STRING the weekly and monthly summaries' settings JSON, with when each cadence was turned on. */
      settings: k('report:delivery'),
      /**
       * HASH channel (`email`, `webhook:<id>`) → when the period's summary was sent on it; field
       * `done` once every channel is settled. Kept about a year.
       */
      sent: (period: string) => k(`report:${period}:sent`),
      /** STRING a sender's token while it sends the period's summary on a channel (expires: a dead sender's lapses). */
      lock: (period: string, channel: string) => k(`report:${period}:lock:${channel}`),
    },
  };
}
export type StoreKeys = ReturnType<typeof storeKeys>;

export function globalKeys(prefix: string) {
  /** The API keys, their index and their last use: one slot, so a key and its index are written in one transaction. */
  const keys = (s: string) => `${prefix}:{${prefix}-keys}:${s}`;
  return {
    /** HASH store code → store settings JSON. */
    stores: `${prefix}:stores`,
    /** HASH budgetId → store code. */
    budgetStore: `${prefix}:budget-store`,
    /** HASH itemId → store code. */
    materialStore: `${prefix}:material-store`,
    /** HASH screen name → screen JSON. */
    screens: `${prefix}:screens`,
    /** Pub/sub: a screen's playlist changed (message: screen JSON). */
    screenChannel: `${prefix}:screen-changed`,
    /** HASH sha256(key) → key record JSON. */
    apiKeys: keys('api-keys'),
    /** HASH keyId → sha256(key): finds a key's record without a scan (listing, revoking). */
    apiKeyIds: keys('api-key-ids'),
    /** HASH keyId → when the key was last used (RFC 3339), written at most once a minute per key and server. */
    apiKeysLastUsed: keys('api-keys:last-used'),
    /** Pub/sub: a key was revoked (message: keyId); every server drops the key's sockets. */
    keyRevokedChannel: `${prefix}:key-revoked`,
    /** Pub/sub: a store's figures changed (message: store code). */
    changedChannel: `${prefix}:changed`,
    /** Pub/sub: an alert (message: alert JSON). */
    alertChannel: `${prefix}:alerts`,
    /** ZSET worker process name → its last heartbeat (ms): the workers alive (domain/freshness.ts). */
    workers: `${prefix}:workers`,
    /** STRING: when the maintenance minute tick last ran (ms). */
    lastTick: `${prefix}:last-tick`,
  };
}

/**
 * The registry of screens (大屏管理, core/books/device-book.ts): one tag for every device, so that a
 * report writes a device's status and its last-seen score in one transaction on one Cluster slot.
 * The channels carry commands and settings to the server holding the TV's socket.
 */
export function deviceKeys(prefix: string) {
  const k = (s: string) => `${prefix}:{${prefix}-devices}:${s}`;
  return {
    /** HASH deviceId → settings JSON (name, screen, store, schedule, celebrations). */
    settings: k('devices'),
    /** HASH deviceId → last report JSON (page, user agent, screen size, app version, heap). */
    status: k('devices:status'),
    /** ZSET deviceId by last report (ms). */
    seen: k('devices:seen'),
    /** Pub/sub: `{deviceId, command}` for one TV, or `{deviceId, settings}` after a change. */
    commandChannel: `${prefix}:device-command`,
    /** Pub/sub: an order signed or a car delivered, masked (message: celebration JSON). */
    celebrationChannel: `${prefix}:celebrations`,
  };
}

/**
 * A CSV import: its status (HASH) and the file as uploaded (STRING, dropped once imported), under
 * the import's hash tag: one transaction writes both.
 */
export function importKeys(prefix: string, importId: string) {
  return { status: `${prefix}:import:{${importId}}`, csv: `${prefix}:import:{${importId}}:csv` };
}

/**
 * A key's request counter for the current rate-limit window (STRING with a TTL). One key per API
 * key and budget, hash-tagged so the counting script touches a single Cluster slot.
 */
export const rateLimitKey = (prefix: string, keyId: string, budget: string) => `${prefix}:rl:{${keyId}}:${budget}`;

/**
 * A key's open live sockets across every server (server/live/socket-leases.ts): a ZSET of
 * `serverId:socketId` scored by when their server last renewed them. Tagged with the keyId, so the
 * admitting script touches a single Cluster slot.
 */
export const liveSocketsKey = (prefix: string, keyId: string) => `${prefix}:live:{${keyId}}:sockets`;

/** BullMQ's prefix: its keys are tagged so that a queue lives in one Cluster slot. */
export const queuePrefix = (prefix: string) => `{${prefix}-q}`;

/**
 * Whose turn it is to push a live room's snapshot, across every server (server/live/push-claim.ts):
 * a HASH per room, tagged like the store's `seq` so that one script reads both; the group's is
 * tagged `{*}` (no store code contains `*`).
 */
export const pushTurnKey = (prefix: string, store: string) => `${prefix}:{${store}}:push`;

/**
 * The channels of the Socket.IO Redis adapter start with this (`pulse:sio#/live#…`). Classic
 * pub/sub channels belong to no hash slot (a Redis Cluster delivers them on every node), so no tag.
 */
export const liveAdapterKey = (prefix: string) => `${prefix}:sio`;
