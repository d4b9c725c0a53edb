/**
 * `npm run demo`: drives the demo dealer group through the public HTTP API only, as a dealer's
 * systems would — so the demo also shows that the API is all an integration needs.
 *
 * 1. Stores and this month's budgets are configured (PUT).
 * 2. The month so far is back-filled, shuffled: the figures do not depend on arrival order.
 * 3. Then it runs live: a simulated clock runs `speed` times faster than the real one and decides
 *    what happens next; each event is posted when its simulated time comes, dated at most the real
 *    now — the wall moves quickly, yet nothing is ever dated in the future.
 */
import { DateTime } from 'luxon';
import type { PulseEvent } from '../../domain/events.js';
import { STORES, budgetIdOf, campaignIdOf, type StoreProfile } from './dealership.js';
import { generateStoreEvents } from './generate.js';
import { rngFor, shuffle } from './random.js';
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
const TICK_MS = 500;
/** Simulated time generated ahead at once; generation is a pure function of the range. */
const CHUNK_MS = 6 * 3_600_000;
const MAX_ATTEMPTS = 5;

export async function runDemo(opts: DemoOptions): Promise<void> {
  const speed = opts.speed !== undefined && opts.speed > 0 ? opts.speed : 60;
  const log = opts.log ?? (() => undefined);
  const api = new DemoApi(opts.baseUrl, opts.token, log, opts.signal);
  const demoStart = Date.now();
  const configured = new Set<string>();

  for (const store of STORES) {
    await api.send('PUT', `/api/v1/stores/${store.code}`, { name: store.name, timezone: store.timezone });
    await configureBudgets(api, store, monthOf(store, demoStart), configured);
  }
  if (opts.signal?.aborted) return;

  const backfill = STORES.flatMap((store) =>
    generateStoreEvents(store, {
      seed: SEED,
      from: DateTime.fromMillis(demoStart, { zone: store.timezone }).startOf('month').toMillis(),
      to: demoStart + 1,
      now: demoStart,
      demoStart,
    }),
  );
  shuffle(rngFor(SEED, 'backfill', demoStart), backfill);
  log(`back-filling ${backfill.length} events of ${STORES.length} stores since the 1st, in shuffled order…`);
  const accepted = await postAll(api, backfill, opts.signal);
  log(`back-fill done: ${accepted} of ${backfill.length} events accepted; now live at ${speed}× speed`);

  await runLive(api, { demoStart, speed, configured, log, signal: opts.signal });
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

  while (!signal?.aborted) {
    await sleep(TICK_MS, signal);
    if (signal?.aborted) break;
    const real = Date.now();
    const simNow = demoStart + (real - liveStart) * speed;
    const due: PulseEvent[] = [];
    for (const q of queues) {
      while (q.until <= simNow) {
        const to = q.until + CHUNK_MS;
        q.pending.push(...generateStoreEvents(q.store, { seed: SEED, from: q.until, to, now: to, demoStart }));
        q.until = to;
      }
      // Simulated time may run into next month: its spend needs its budgets.
      await configureBudgets(api, q.store, monthOf(q.store, simNow), ctx.configured);
      let n = 0;
      while (n < q.pending.length && Date.parse(q.pending[n]!.at) <= simNow) n++;
      // The simulated clock chose what happens; the real clock dates it.
      const clamp = (e: PulseEvent): PulseEvent => ({ ...e, at: formatAt(Math.min(Date.parse(e.at), real), q.store.timezone) });
      due.push(...q.pending.splice(0, n).map(clamp));
    }
    posted += await postAll(api, due, signal);
    if (real - lastReport >= 60_000) {
      const sim = DateTime.fromMillis(simNow, { zone: STORES[0]!.timezone }).toFormat('ccc d LLL HH:mm');
      ctx.log(`live: simulated time ${sim}; ${posted} events posted in the last minute`);
      posted = 0;
      lastReport = real;
    }
  }
}

const monthOf = (store: StoreProfile, ms: number): string =>
  DateTime.fromMillis(ms, { zone: store.timezone }).toFormat('yyyy-LL');

async function configureBudgets(api: DemoApi, store: StoreProfile, month: string, done: Set<string>): Promise<void> {
  if (done.has(`${store.code}|${month}`)) return;
  done.add(`${store.code}|${month}`);
  for (const b of store.budgets) {
    // Spend is booked against this one but nobody set it up: the wall shows it as unbudgeted.
    if (b.unconfigured) continue;
    await api.send('PUT', `/api/v1/budgets/${budgetIdOf(store.code, month, b.key)}`, {
      store: store.code,
      name: b.name,
      month,
      amount: b.amount,
      warnAt: b.warnAt,
      ...(b.campaign ? { campaignId: campaignIdOf(store.code, month, b.key) } : {}),
    });
  }
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
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let detail = '';
      let retryAfterS = 0;
      try {
        const res = await fetch(this.baseUrl.replace(/\/+$/, '') + path, {
          method,
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          ...(this.signal ? { signal: this.signal } : {}),
        });
        if (res.ok) return true;
        status = res.status;
        retryAfterS = Number(res.headers.get('retry-after')) || 0;
        detail = (await res.text()).slice(0, 1000);
      } catch (err) {
        if (this.signal?.aborted) return false;
        detail = err instanceof Error ? err.message : String(err);
      }
      // Too fast, server trouble or no connection: worth another try. A 4xx is not.
      const retry = (status === 0 || status === 429 || status >= 500) && attempt < MAX_ATTEMPTS;
      this.log(`${method} ${path} → ${status || 'no response'}: ${detail}${retry ? ' (retrying)' : ''}`);
      if (!retry) return false;
      await sleep(retryAfterS ? retryAfterS * 1000 : 500 * 2 ** attempt, this.signal);
      if (this.signal?.aborted) return false;
    }
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
