/**
 * The soak: one wall page in Chromium receiving the pushes of 24 hours of a busy store, accelerated,
 * with its JS heap, DOM nodes and event listeners read at intervals. A TV runs for months: after
 * warm-up, these must stay flat (the largest reading within 10 % of the smallest).
 *
 * One server process (and a worker, to load the store's month so far). The pushes are the server's
 * own `kpis` broadcasts to the store's room, emitted from the bench through the deployment's
 * Socket.IO Redis adapter, as a second server would: the real server relays each to the page's
 * socket. Each push carries a new seq and changed figures (appointments, spend, pending callbacks,
 * the day's point of the trend); the page applies at most one per animation frame, the newest. The
 * bench keeps at most AHEAD pushes beyond those the browser received (CDP
 * `Network.webSocketFrameReceived`); every `every` pushes it waits until the page shows the last one,
 * checks that the page's own socket counted every push (a `message` listener added before the page's
 * scripts run), forces two garbage collections and reads `Performance.getMetrics` (JSHeapUsedSize,
 * Nodes, JSEventListeners).
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Server } from 'socket.io';
import type { Snapshot } from '../domain/kpis.js';
import { LIVE_NAMESPACE } from '../domain/protocol.js';
import { STORES } from '../launcher/demo/dealership.js';
import { roomOf } from '../server/live/rooms.js';
import { liveAdapterKey } from '../core/redis/keys.js';
import { api, CHROMIUM, CHROMIUM_ARGS, countPushes, FIGURE, loadStore, showsLast, VIEWPORT } from './browser.js';
import { ensureClientBuilt } from './client-size.js';
import { log, round, sleep } from './support/measure.js';
import { ADMIN_TOKEN, SMOKE } from './support/params.js';
import { startPulse, stop } from './support/processes.js';

/**
 * 100,000 pushes: a push every 0.86 s for 24 hours, a store busy all day (the protocol allows a
 * room at most 4 pushes a second).
 */
const FULL_PUSHES = Number(process.argv.find((a) => a.startsWith('--soak-pushes='))?.split('=')[1] ?? 100_000);
/** Read every twentieth of the run, the first tenth warm-up. `--soak-pushes=N` shortens (or lengthens) the full run. */
export const SOAK = SMOKE
  ? { pushes: 600, every: 100, warmup: 200, days: 1 }
  : { pushes: FULL_PUSHES, every: Math.round(FULL_PUSHES / 20), warmup: Math.round(FULL_PUSHES / 10), days: 3 };
/** Pushes emitted beyond those the browser has received. */
const AHEAD = 32;
const DAY_SEC = 86_400;
export const FLAT_WITHIN = 0.1;

export interface SoakPoint {
  pushes: number;
  /** Of them, the `kpis` messages the page's own WebSocket delivered to the page (counted in the page). */
  pagePushes: number;
  /** `kpis` pushes of the server's own (not the soak's, an older seq) the page received meanwhile. */
  serverPushes: number;
  /** DOM mutation batches in the page so far (the wall's renders, and its clock once a second). */
  pageUpdates: number;
  /** Performance.getMetrics after two HeapProfiler.collectGarbage. */
  heapUsedBytes: number;
  nodes: number;
  listeners: number;
  /** The renderer's main thread busy so far (Performance.getMetrics TaskDuration), seconds. */
  taskSec: number;
  /** Seconds since the feed started. */
  atSec: number;
}

/**
 * The soak's seqs start this far above the store's: the server's own pushes (its heartbeat pushes
 * the store's current snapshot, whose seq may have moved on after the load) stay apart, older.
 */
const SEQ_GAP = 1_000_000;

/** Push `i` of the soak: the base snapshot with a new seq and time, and figures changed by i. */
function pushOf(base: Snapshot, i: number): Snapshot {
  const k = base.kpis;
  const appointments = (r: Snapshot['kpis']['appointmentRate']['month']) => {
    const denominator = r.denominator + i;
    const numerator = r.numerator + Math.floor((i * 2) / 3);
    return { value: numerator / denominator, numerator, denominator };
  };
  const month = appointments(k.appointmentRate.month);
  const spent = k.spend.spent + 3 * i;
  const trend = [...base.series.appointmentRate];
  if (trend.length) trend[trend.length - 1] = month.value;
  const now = new Date().toISOString();
  return {
    ...base,
    seq: base.seq + SEQ_GAP + i,
    asOf: now,
    // What a live pipeline's push carries, not a copy of the state the pipeline was in when the
    // base was read: the page under soak is a live wall, and each reading checks it says so.
    ...(base.freshness && {
      freshness: {
        ...base.freshness,
        state: 'live' as const,
        asOf: now,
        appliedThrough: now,
        backlog: 0,
        oldestWaitingSeconds: 0,
      },
    }),
    kpis: {
      ...k,
      appointmentRate: { ...k.appointmentRate, today: appointments(k.appointmentRate.today), month },
      spend: { ...k.spend, spent, ratio: k.spend.amount ? spent / k.spend.amount : null },
      salesCallbackRate: { ...k.salesCallbackRate, month: { ...k.salesCallbackRate.month, pending: i % 7 } },
    },
    series: { ...base.series, appointmentRate: trend },
  };
}

/** Largest ÷ smallest of the readings. */
const spread = (xs: number[]) => round(Math.max(...xs) / Math.min(...xs), 3);

/**
 * Counts, in the page, the `kpis` messages its WebSocket delivers and the DOM's mutation batches.
 * (A string: tsx would wrap a function's inner names in a helper the page does not have.)
 */
const PAGE_COUNTERS = `(() => {
  const counts = { pushes: 0, others: 0, updates: 0, from: Infinity };
  window.__soak = counts;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string' || !e.data.startsWith('42/live,["kpis",')) return;
        // The soak's pushes have seqs far above the store's own (the server's pushes).
        const seq = Number(/"seq":(\\d+)/.exec(e.data)?.[1]);
        if (seq >= counts.from) counts.pushes++;
        else counts.others++;
      });
    }
  };
  new MutationObserver(() => { counts.updates++; }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;
type PageCounts = { pushes: number; others: number; updates: number; from: number };
const pageCounts = (page: Page) => page.evaluate(() => (window as unknown as { __soak: PageCounts }).__soak);

export async function soak(redisUrl: string) {
  await ensureClientBuilt();
  const prefix = `bs${Date.now().toString(36)}`;
  const server = await startPulse('server', redisUrl, prefix);
  const worker = await startPulse('worker', redisUrl, prefix);
  const pub = new Redis(redisUrl);
  const sub = new Redis(redisUrl);
  // A Socket.IO server of the bench's own, not listening: its broadcasts reach the real server's
  // sockets through the adapter, as those of another server of the deployment would.
  const emitter = new Server({ adapter: createAdapter(pub, sub, { key: liveAdapterKey(prefix) }) });
  let browser: Browser | undefined;
  try {
    const store = STORES[0]!.code;
    const loaded = await loadStore(server.baseUrl, redisUrl, prefix, store, SOAK.days);
    log('soak: store loaded', loaded);
    const base = (await (
      await fetch(`${server.baseUrl}/api/v1/stores/${store}/kpis`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as Snapshot;
    const key = await api(server.baseUrl, 'POST', '/api/v1/keys', { name: 'bench soak', scopes: ['read'] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Performance.enable');
    const seen = countPushes(cdp);
    await page.addInitScript({ content: PAGE_COUNTERS });
    await page.goto(`${server.baseUrl}/wall/${store}?token=${String(key.token)}`);
    await page.locator(FIGURE).first().waitFor({ timeout: 30_000 });
    // Subscribed (the ack taken): pushes to the room reach the page from here on.
    await page.locator('[data-testid="conn-state"][data-state="live"]').waitFor({ timeout: 30_000 });

    const room = emitter.of(LIVE_NAMESPACE).to(roomOf(store));
    const points: SoakPoint[] = [];
    const started = performance.now();
    let emitted = 0;
    let measuring = 0;
    const pushesAtStart = seen.pushes;
    await page.evaluate(
      (from) => {
        (window as unknown as { __soak: PageCounts }).__soak.from = from;
      },
      base.seq + SEQ_GAP + 1,
    );
    const inPageAtStart = await pageCounts(page);
    const received = () => seen.pushes - pushesAtStart;
    while (emitted < SOAK.pushes) {
      const target = Math.min(SOAK.pushes, emitted + SOAK.every);
      while (emitted < target) {
        if (emitted - received() >= AHEAD) {
          await sleep(1);
          continue;
        }
        emitted++;
        room.emit('kpis', pushOf(base, emitted));
      }
      const deadline = Date.now() + 60_000;
      while (received() < emitted) {
        if (Date.now() > deadline) throw new Error(`soak: ${received()} of ${emitted} pushes received after 60 s`);
        await sleep(5);
      }
      const pause = performance.now();
      const last = pushOf(base, emitted);
      let shown = false;
      for (let i = 0; i < 200 && !shown; i++) {
        shown = await showsLast(page, last);
        if (!shown) await sleep(50);
      }
      if (!shown) throw new Error(`soak: the page does not show push ${emitted}`);
      const inPage = await pageCounts(page);
      const pagePushes = inPage.pushes - inPageAtStart.pushes;
      if (pagePushes !== emitted) throw new Error(`soak: the page's socket delivered ${pagePushes} of ${emitted} pushes`);
      // The page under soak is a live wall throughout: one that went stale measures another page.
      const state = await page.getByTestId('conn-state').getAttribute('data-state');
      if (state !== 'live') throw new Error(`soak: the wall says ${state}, not live, after ${emitted} pushes`);
      for (let i = 0; i < 2; i++) await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
      const point = {
        pushes: emitted,
        pagePushes,
        serverPushes: inPage.others - inPageAtStart.others,
        pageUpdates: inPage.updates - inPageAtStart.updates,
        heapUsedBytes: metric('JSHeapUsedSize'),
        nodes: metric('Nodes'),
        listeners: metric('JSEventListeners'),
        taskSec: round(metric('TaskDuration'), 2),
        atSec: round((performance.now() - started) / 1000),
      };
      log('soak', point);
      points.push(point);
      measuring += performance.now() - pause;
    }
    const totalSec = (performance.now() - started) / 1000;
    const measured = points.filter((p) => p.pushes > SOAK.warmup);
    const ratios = {
      heap: spread(measured.map((p) => p.heapUsedBytes)),
      nodes: spread(measured.map((p) => p.nodes)),
      listeners: spread(measured.map((p) => p.listeners)),
    };
    await context.close();
    return {
      chromium: browser.version(),
      store,
      viewport: `${VIEWPORT.width}×${VIEWPORT.height}`,
      pushes: emitted,
      every: SOAK.every,
      warmupPushes: SOAK.warmup,
      /** The day of a busy store these pushes stand for, hours. */
      equivalentHours: round((emitted * (DAY_SEC / 100_000)) / 3600, 1),
      totalSec: round(totalSec),
      pushesPerSec: round(emitted / (totalSec - measuring / 1000)),
      points,
      ratios,
      flatWithin: FLAT_WITHIN,
      flat: Object.values(ratios).every((r) => r <= 1 + FLAT_WITHIN),
    };
  } finally {
    await browser?.close();
    // (Not emitter.close(): it has no engine to close.) Its adapter unsubscribes; then its connections go.
    await emitter.of(LIVE_NAMESPACE).adapter.close();
    pub.disconnect();
    sub.disconnect();
    await stop(server.child);
    await stop(worker.child);
  }
}
