/**
 * `npm run demo`: drives the demo dealer group through the public HTTP API only, as a dealer's
 * systems would — so the demo also shows that the API is all an integration needs.
 *
 * 1. Stores, this month's budgets and targets, every store's materials and the screen playlists
 *    are configured (PUT).
 * 2. The month so far is back-filled, shuffled: the figures do not depend on arrival order; the
 *    wall has its figures as soon as it is applied.
 * 3. Two years of history follow, month by month from the latest (history-backfill.ts), each month
 *    with its budgets and targets: its customers are those of earlier years for customer value.
 *    The whole back-fill is posted as history (`?history=1`): it is the store's past as loaded, never
 *    late. A few events of last month are held back and sent after it without the flag, so that last
 *    month's report shows how a revision (已修订) looks. Then each store's customer value is recomputed.
 * 4. Then it runs live: a simulated clock runs `speed` times faster than the real one and decides
 *    what happens next; each event is posted when its simulated time comes, dated at most the real
 *    now — the wall moves quickly, yet nothing is ever dated in the future. Meanwhile a marketing
 *    desk asks the budget breaker before each planned top-up (see breaker-desk.ts).
 */
import { Worker } from 'node:worker_threads';
import { DateTime } from 'luxon';
import { MAX_BATCH, type PulseEvent } from '../../domain/events.js';
import { breakerDesk } from './breaker-desk.js';
import { STORES, type StoreProfile } from './dealership.js';
import { heldBackForRevision, historyMonths, historySpan, type HistoryMonth } from './history-backfill.js';
import type { SpanRequest } from './history-thread.js';
import { livePlan, monthBackfill } from './month-backfill.js';
import { rngFor, shuffle } from './random.js';
import { budgetCalls, materialCalls, screenCalls, targetCall } from './setup.js';
import { formatAt } from './timeline.js';

export interface DemoOptions {
  baseUrl: string;
  /** A key with the scopes `admin` and `ingest` (PULSE_ADMIN_TOKEN has every scope). */
  token: string;
  /** Simulated seconds per real second; 60 = one simulated minute a second. */
  speed?: number;
  signal?: AbortSignal;
  log?: (msg: string) => void;
}

/** Fixed, so that a restarted demo re-sends the same ids and changes nothing it already sent. */
const SEED = 20261123;
const BATCH = 500;
/** The back-fill goes in the largest batches the API takes, two requests at a time… */
const BACKFILL_IN_FLIGHT = 2;
/** …while no more than this many batches wait to be applied, so the wall stays live (实时) meanwhile. */
const BACKLOG_MAX = 6;
/** History months planned at once per store: a quarter blocks the process for about a second. */
const HISTORY_SPAN = 3;
const TICK_MS = 500;
/** Simulated time generated ahead at once; generation is a pure function of the range. */
const CHUNK_MS = 6 * 3_600_000;
const MAX_ATTEMPTS = 5;
/** How long to wait for the back-fill to be applied before customer value is recomputed anyway. */
const SETTLE_MS = 120_000;

export async function runDemo(opts: DemoOptions): Promise<void> {
  const speed = opts.speed !== undefined && opts.speed > 0 ? opts.speed : 60;
  const log = opts.log ?? (() => undefined);
  const api = new DemoApi(opts.baseUrl, opts.token, log, opts.signal);
  const demoStart = Date.now();
  const configured = new Set<string>();

  for (const store of STORES) {
    await api.send('PUT', `/api/v1/stores/${store.code}`, { name: store.name, timezone: store.timezone });
    await configureMonth(api, store, monthOf(store, demoStart), configured);
    for (const call of materialCalls(store)) await api.send(call.method, call.path, call.body);
  }
  for (const call of screenCalls()) await api.send(call.method, call.path, call.body);
  if (opts.signal?.aborted) return;

  const month = STORES.flatMap((store) =>
    monthBackfill(store, {
      seed: SEED,
      from: DateTime.fromMillis(demoStart, { zone: store.timezone }).startOf('month').toMillis(),
      now: demoStart,
      demoStart,
    }),
  );
  const backfill = shuffle(rngFor(SEED, 'backfill', demoStart), month);
  log(`back-filling ${month.length} events of ${STORES.length} stores since the 1st, in shuffled order…`);
  const accepted = await postBackfill(api, backfill, opts.signal);
  log(`month back-fill done: ${accepted} of ${backfill.length} events accepted`);

  const late = await loadHistory(api, demoStart, log, opts.signal);
  await waitApplied(api, opts.signal);
  if (late.length && !opts.signal?.aborted) {
    const sent = await postAll(api, late, opts.signal);
    // A month closes a day after its end: from the 2nd on, these arrive after last month's close.
    log(
      `上月补录 late events for last month: ${sent} sent (callbacks, a complaint resolved); arriving after its close ` +
        `(the 2nd), they show in its report as a revision (已修订)`,
    );
  }
  await recomputeSegments(api, backfill, log, opts.signal);
  log(`now live at ${speed}× speed`);

  await runLive(api, { demoStart, speed, configured, log, signal: opts.signal });
}

/**
 * Customer value (客户价值) is computed from the applied events: once the back-fill's stock
 * movements all show in the figures (or they stop changing, when an earlier run left more there;
 * or the wait is over), each store's run is asked for.
 */
async function recomputeSegments(api: DemoApi, sent: PulseEvent[], log: (msg: string) => void, signal?: AbortSignal) {
  const expected = new Map<string, number>();
  for (const e of sent) if (e.type === 'material.moved') expected.set(e.store, (expected.get(e.store) ?? 0) + e.quantity);
  const deadline = Date.now() + SETTLE_MS;
  let last = '';
  let unchanged = 0;
  for (;;) {
    const snapshot = (await api.get('/api/v1/kpis')) as { kpis?: { materials?: { items?: { store: string; stock: number }[] } } };
    const stock = new Map<string, number>();
    for (const item of snapshot?.kpis?.materials?.items ?? []) stock.set(item.store, (stock.get(item.store) ?? 0) + item.stock);
    if ([...expected].every(([store, sum]) => stock.get(store) === sum)) break;
    const seen = JSON.stringify([...stock]);
    unchanged = seen === last && stock.size ? unchanged + 1 : 0;
    last = seen;
    if (unchanged >= 10) break;
    if (Date.now() > deadline || signal?.aborted) {
      log('the back-fill is still being applied; customer value is recomputed anyway');
      break;
    }
    await sleep(1000, signal);
  }
  if (signal?.aborted) return;
  const jobs: string[] = [];
  for (const store of STORES) {
    const status = await api.call('POST', `/api/v1/stores/${store.code}/segments/recompute`, {}, { quiet404: true });
    if (status === 404) {
      log('customer value: POST /api/v1/stores/{store}/segments/recompute answers 404; segments wait for the nightly run');
      return;
    }
    if (status >= 200 && status < 300) jobs.push(store.code);
  }
  log(`customer value: recompute requested for ${jobs.join(', ') || 'no store'}`);
}

async function runLive(
  api: DemoApi,
  ctx: { demoStart: number; speed: number; configured: Set<string>; log: (msg: string) => void; signal?: AbortSignal },
): Promise<void> {
  const { demoStart, speed, signal } = ctx;
  // Everything at or before demoStart went in the back-fill.
  const queues = STORES.map((store) => ({ store, pending: [] as PulseEvent[], until: demoStart + 1 }));
  const liveStart = Date.now();
  let posted = 0;
  let lastReport = liveStart;
  const desk = breakerDesk(api, () => monthOf(STORES[0]!, demoStart + (Date.now() - liveStart) * speed), ctx.log);

  while (!signal?.aborted) {
    await sleep(TICK_MS, signal);
    if (signal?.aborted) break;
    const real = Date.now();
    const simNow = demoStart + (real - liveStart) * speed;
    const due: PulseEvent[] = [];
    for (const q of queues) {
      while (q.until <= simNow) {
        const to = q.until + CHUNK_MS;
        q.pending.push(...livePlan(q.store, { seed: SEED, from: q.until, to, now: to, demoStart }));
        q.until = to;
      }
      // Simulated time may run into next month: its spend needs its budgets, its figures their targets.
      await configureMonth(api, q.store, monthOf(q.store, simNow), ctx.configured);
      let n = 0;
      while (n < q.pending.length && Date.parse(q.pending[n]!.at) <= simNow) n++;
      // The simulated clock chose what happens; the real clock dates it.
      const clamp = (e: PulseEvent): PulseEvent => ({ ...e, at: formatAt(Math.min(Date.parse(e.at), real), q.store.timezone) });
      due.push(...q.pending.splice(0, n).map(clamp));
    }
    posted += await postAll(api, due, signal);
    await desk.step(real);
    if (real - lastReport >= 60_000) {
      const sim = DateTime.fromMillis(simNow, { zone: STORES[0]!.timezone }).toFormat('ccc d LLL HH:mm');
      ctx.log(`live: simulated time ${sim}; ${posted} events posted in the last minute`);
      posted = 0;
      lastReport = real;
    }
  }
}

/**
 * Two years of every store's history, the latest month first, each month's budgets and targets put
 * before its events. Returns the events of last month held back to arrive late.
 */
async function loadHistory(
  api: DemoApi,
  demoStart: number,
  log: (msg: string) => void,
  signal?: AbortSignal,
): Promise<PulseEvent[]> {
  const started = Date.now();
  const months = historyMonths(STORES[0]!, demoStart);
  const late: PulseEvent[] = [];
  let sent = 0;
  // A quarter of a store at a time, planned in one go on a thread of its own while the one before
  // is posted, then posted a month at a time.
  const planner = historyPlanner();
  const spans = [];
  for (let i = 0; i < months.length; i += HISTORY_SPAN) {
    for (const store of STORES) spans.push({ i, store, months: months.slice(i, i + HISTORY_SPAN) });
  }
  let next = planner.plan(spans[0]!.store, spans[0]!.months);
  for (const [k, { i, store, months: span }] of spans.entries()) {
    const planned = await next;
    if (k + 1 < spans.length) next = planner.plan(spans[k + 1]!.store, spans[k + 1]!.months);
    for (const [j, history] of planned.entries()) {
      if (signal?.aborted) {
        await planner.close();
        return [];
      }
      const { month } = history;
      const targets = targetCall(store, SEED, month, history.targets);
      await api.send(targets.method, targets.path, targets.body);
      for (const call of budgetCalls(store, month)) await api.send(call.method, call.path, call.body);
      let events = history.events;
      // Last month of the flagship store: a few events wait for the back-fill to be over (see above).
      if (i + j === 0 && store === STORES[0]) {
        const held = new Set(heldBackForRevision(events).map((e) => e.id));
        late.push(...events.filter((e) => held.has(e.id)));
        events = events.filter((e) => !held.has(e.id));
      }
      sent += await postBackfill(api, events, signal);
    }
    if (store === STORES[STORES.length - 1]) {
      const percent = Math.round(((i + span.length) / months.length) * 100);
      log(`载入历史数据 loading history ${percent}% (back to ${span[span.length - 1]}, ${sent} events)`);
    }
  }
  await planner.close();
  log(`载入历史数据 100%: ${sent} events of ${months.length} months in ${Math.round((Date.now() - started) / 1000)} s`);
  return late;
}

/**
 * History planned on a worker thread (history-thread.ts); where threads cannot run the module (an
 * unusual loader), on this one.
 */
function historyPlanner() {
  let worker: Worker | null = null;
  const waiting: { store: StoreProfile; months: string[]; resolve: (months: HistoryMonth[]) => void }[] = [];
  const onThisThread = () => {
    worker = null;
    for (const w of waiting.splice(0)) w.resolve(historySpan(w.store, SEED, w.months));
  };
  try {
    worker = new Worker(new URL('./history-thread.ts', import.meta.url));
    worker.unref();
    worker.on('message', (months: HistoryMonth[]) => waiting.shift()?.resolve(months));
    worker.on('error', onThisThread);
  } catch {
    worker = null;
  }
  return {
    plan(store: StoreProfile, months: string[]): Promise<HistoryMonth[]> {
      if (!worker) return Promise.resolve(historySpan(store, SEED, months));
      const thread = worker;
      return new Promise((resolve) => {
        waiting.push({ store, months, resolve });
        thread.postMessage({ store: store.code, seed: SEED, months } satisfies SpanRequest);
      });
    },
    close: async () => void (await worker?.terminate()),
  };
}

/** Waits until no batch waits to be applied (the pipeline's backlog, as the wall's header reads it). */
async function waitApplied(api: DemoApi, signal?: AbortSignal, max = 0): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  while (!signal?.aborted && Date.now() < deadline) {
    const backlog = await api.backlog();
    if (backlog !== undefined && backlog <= max) return;
    await sleep(250, signal);
  }
}

/**
 * Posts back-filled events as history (`?history=1`: never counted as late), in the largest batches,
 * a few at a time, pausing while the workers catch up. Returns how many were accepted.
 */
async function postBackfill(api: DemoApi, events: PulseEvent[], signal?: AbortSignal): Promise<number> {
  let accepted = 0;
  const batches: PulseEvent[][] = [];
  for (let i = 0; i < events.length; i += MAX_BATCH) batches.push(events.slice(i, i + MAX_BATCH));
  for (let i = 0; i < batches.length && !signal?.aborted; i += BACKFILL_IN_FLIGHT) {
    if (i > 0) await waitApplied(api, signal, BACKLOG_MAX);
    const sent = await Promise.all(
      batches
        .slice(i, i + BACKFILL_IN_FLIGHT)
        .map(async (batch) => ((await api.send('POST', '/api/v1/events?history=1', { events: batch })) ? batch.length : 0)),
    );
    accepted += sent.reduce((a, b) => a + b, 0);
  }
  return accepted;
}

const monthOf = (store: StoreProfile, ms: number): string =>
  DateTime.fromMillis(ms, { zone: store.timezone }).toFormat('yyyy-LL');

/** The month's budgets and targets (刚性目标) of a store, once. */
async function configureMonth(api: DemoApi, store: StoreProfile, month: string, done: Set<string>): Promise<void> {
  if (done.has(`${store.code}|${month}`)) return;
  done.add(`${store.code}|${month}`);
  const targets = targetCall(store, SEED, month);
  await api.send(targets.method, targets.path, targets.body);
  for (const call of budgetCalls(store, month)) await api.send(call.method, call.path, call.body);
}

/** Posts in batches; returns how many events were accepted. */
async function postAll(api: DemoApi, events: PulseEvent[], signal?: AbortSignal): Promise<number> {
  let accepted = 0;
  for (let i = 0; i < events.length && !signal?.aborted; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    if (await api.send('POST', '/api/v1/events', { events: batch })) accepted += batch.length;
  }
  return accepted;
}

/** The API as a dealer's system sees it. Errors are logged with the response body; the demo goes on. */
class DemoApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly log: (msg: string) => void,
    private readonly signal?: AbortSignal,
  ) {}

  async send(method: 'PUT' | 'POST', path: string, body: unknown): Promise<boolean> {
    const status = await this.call(method, path, body);
    return status >= 200 && status < 300;
  }

  /** The response's status (0: none); with `quiet404`, a 404 is the caller's to report. */
  async call(method: 'PUT' | 'POST', path: string, body: unknown, opts: { quiet404?: boolean } = {}): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let detail = '';
      let retryAfterS = 0;
      try {
        const res = await fetch(this.url(path), {
          method,
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          ...(this.signal ? { signal: this.signal } : {}),
        });
        if (res.ok || (res.status === 404 && opts.quiet404)) {
          await res.body?.cancel();
          return res.status;
        }
        status = res.status;
        retryAfterS = Number(res.headers.get('retry-after')) || 0;
        detail = (await res.text()).slice(0, 1000);
      } catch (err) {
        if (this.signal?.aborted) return 0;
        detail = err instanceof Error ? err.message : String(err);
      }
      // Too fast, server trouble or no connection: worth another try. A 4xx is not.
      const retry = (status === 0 || status === 429 || status >= 500) && attempt < MAX_ATTEMPTS;
      this.log(`${method} ${path} → ${status || 'no response'}: ${detail}${retry ? ' (retrying)' : ''}`);
      if (!retry) return status;
      await sleep(retryAfterS ? retryAfterS * 1000 : 500 * 2 ** attempt, this.signal);
      if (this.signal?.aborted) return 0;
    }
  }

  /** A POST whose answer the caller reads, refusals included (not logged). */
  async post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    try {
      const res = await fetch(this.url(path), {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        ...(this.signal ? { signal: this.signal } : {}),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    } catch {
      return { status: 0, body: null };
    }
  }

  /** Event batches waiting to be applied, as the pipeline's freshness says (undefined: no answer). */
  async backlog(): Promise<number | undefined> {
    const snapshot = (await this.get(`/api/v1/stores/${STORES[0]!.code}/kpis`)) as
      { freshness?: { backlog?: number } } | undefined;
    return snapshot?.freshness?.backlog;
  }

  /** A read: the parsed body, or undefined (not logged: the caller polls). */
  async get(path: string): Promise<unknown> {
    try {
      const res = await fetch(this.url(path), {
        headers: { authorization: `Bearer ${this.token}` },
        ...(this.signal ? { signal: this.signal } : {}),
      });
      return res.ok ? await res.json() : undefined;
    } catch {
      return undefined;
    }
  }

  private url(path: string): string {
    return this.baseUrl.replace(/\/+$/, '') + path;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
