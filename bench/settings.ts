/**
 * What a bench run sets differently from production (core/config.ts defaults, a deployed Redis),
 * labelled beside each figure it affects in bench/RESULTS.md.
 */
export const CHANGED = {
  redis:
    'Redis without persistence (`--save "" --appendonly no`; production: as deployed, RDB and/or AOF), on loopback beside the product',
  rateLimits:
    'rate limits off (`PULSE_RATE_INGEST_PER_MIN=0`, `PULSE_RATE_API_PER_MIN=0`; production: 600 and 1,200 a minute per key)',
  socketsPerKey: 'sockets per key unlimited (`PULSE_LIVE_SOCKETS_PER_KEY=0`; production: 500)',
  pushes: 'pushes per second per room raised to 500 (`PULSE_LIVE_MAX_PUSHES_PER_SECOND=500`; production: 4)',
  soakPushes:
    'pushes emitted by the bench through the Socket.IO Redis adapter, 380 or so a second, not throttled by the server (production: at most 4 a second per room)',
  inProcess: 'KpiService in the bench process, no HTTP or socket (production: in the server process)',
  noWorkerExtras:
    'no store registry, change notices or alert rules: the event scripts alone (production: the worker runs all of them per job)',
} as const;

export type Change = keyof typeof CHANGED;

/** "Settings changed from production: …", a line to put under a table. */
export const changedLine = (...changes: Change[]) =>
  `Settings changed from production for these figures: ${changes.map((c) => CHANGED[c]).join('; ')}.`;
