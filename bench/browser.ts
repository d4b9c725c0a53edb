/**
 * The wall in Chromium: time from navigation to the first figures (cold loads), and the page's JS
 * heap after N live pushes of changing figures.
 *
 * One server and one worker process; a store with its month so far (demo events, budgets). The
 * server runs with PULSE_LIVE_MAX_PUSHES_PER_SECOND raised, so that 10,000 pushes take minutes
 * rather than the 40 they take at the protocol's 4 a second; a feeder keeps posting small batches,
 * so that every push carries changed figures. Pushes are counted from the WebSocket frames Chromium
 * reports (CDP `Network.webSocketFrameReceived`) and the heap is read through CDP after forced
 * garbage collections: nothing in the client is there for the bench.
 */
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import type { PulseEvent } from '../domain/events.js';
import type { Snapshot } from '../domain/kpis.js';
import { budgetIdOf, STORES } from '../launcher/demo/dealership.js';
import { loggedCount } from '../core/events/event-log.js';
import { ensureClientBuilt } from './client-size.js';
import { demoEvents, monthStartOf } from './support/demo-events.js';
import { chunks, log, median, round, sleep } from './support/measure.js';
import { ADMIN_TOKEN, DAY, SMOKE } from './support/params.js';
import { startPulse, stop } from './support/processes.js';

export const BROWSER = SMOKE
  ? { loads: 1, days: 3, pushes: [20, 200], pushesPerSecond: 500 }
  : { loads: 7, days: 31, pushes: [100, 1_000, 10_000], pushesPerSecond: 500 };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
export const VIEWPORT = { width: 1920, height: 1080 };
/** A figure the overview always shows as a number once a snapshot is there. */
export const FIGURE = '[data-testid="sales-callback-pending"]';
/** Requests of the feeder in flight at once, and batches it may post ahead of the pushes received. */
const FEEDER_IN_FLIGHT = 4;
const FEEDER_AHEAD = 8;

export interface LoadTiming {
  /** From navigation start (performance.now() = 0) in the page, ms. */
  responseStartMs: number;
  domContentLoadedMs: number;
  /** The animation frame that paints the first figures. */
  firstFiguresMs: number;
}

export interface HeapPoint {
  /** Pushes received by the page when measured. */
  pushes: number;
  /** Of them, pushes whose headline figures differed from the push before. */
  changed: number;
  /** Runtime.getHeapUsage().usedSize after garbage collection, bytes. */
  heapUsedBytes: number;
  /** From a heap snapshot taken then: compiled code, and every other JS object, bytes. */
  codeBytes: number;
  objectBytes: number;
  /** Performance.getMetrics: DOM nodes and JS event listeners of the page. */
  nodes: number;
  listeners: number;
  /** Performance.getMetrics: the renderer's main thread busy so far, seconds (all tasks; script; style and layout). */
  taskSec: number;
  scriptSec: number;
  layoutSec: number;
  /** Seconds since the page opened. */
  atSec: number;
}

/** The snapshot's figures the feeder changes, as one string. */
const headline = (s: Snapshot) =>
  JSON.stringify([s.kpis.salesCallbackRate.month, s.kpis.appointmentRate.month, s.kpis.spend.spent]);

export async function api(baseUrl: string, method: string, path: string, body: unknown) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The store, its budgets of the month and its events of the month so far; resolves once all are applied. */
export async function loadStore(baseUrl: string, redisUrl: string, prefix: string, code: string, maxDays = BROWSER.days) {
  const profile = STORES.find((s) => s.code === code)!;
  const now = Date.now() - 60_000;
  const month = DateTime.fromMillis(now, { zone: profile.timezone }).toFormat('yyyy-LL');
  await api(baseUrl, 'PUT', `/api/v1/stores/${code}`, { name: profile.name, timezone: profile.timezone });
  for (const b of profile.budgets) {
    if (b.unconfigured) continue;
    const body = { store: code, name: b.name, month, amount: b.amount, warnAt: b.warnAt };
    await api(baseUrl, 'PUT', `/api/v1/budgets/${budgetIdOf(code, month, b.key)}`, body);
  }
  // The month so far (at least half a day; a few days in smoke runs).
  const days = Math.min(maxDays, Math.max(0.5, (now - monthStartOf(code, now)) / DAY));
  const events = demoEvents(STORES.indexOf(profile), code, days, 11, now);
  for (const batch of chunks(events, 500)) await api(baseUrl, 'POST', '/api/v1/events', { events: batch });
  const budget = budgetIdOf(code, month, profile.budgets.find((b) => !b.unconfigured)!.key);
  const redis = new Redis(redisUrl);
  try {
    const deadline = Date.now() + 120_000;
    while ((await loggedCount(redis, prefix, code)) < events.length) {
      if (Date.now() > deadline) throw new Error(`${events.length} events not applied in 2 min`);
      await sleep(100);
    }
  } finally {
    redis.disconnect();
  }
  return { events: events.length, days: round(days, 1), budget };
}

/**
 * Posts small batches of the store's events, each changing the overview's figures: a repair with or
 * without appointment (appointment rate, its trend line) in every batch; in every eighth also a
 * delivery (sales callback rate), most of them called back, and a little spend on a budget. It keeps
 * at most FEEDER_AHEAD batches ahead of the pushes the page received, so that no backlog builds up
 * and each push brings new figures.
 */
class Feeder {
  private n = 0;
  private running: Promise<unknown> | null = null;
  private stopping = false;
  private batches = 0;
  private pushesAtStart = 0;
  posted = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly store: string,
    private readonly budget: string,
    private readonly pushes: () => number,
  ) {}

  private batch(): PulseEvent[] {
    const i = this.n++;
    const at = new Date(Date.now() - 1000).toISOString();
    const store = this.store;
    const id = (k: string) => `${store}-bw${k}${i}`;
    const events: PulseEvent[] = [
      { id: id('e1-'), type: 'repair.opened', store, at, roId: id('r'), ...(i % 2 ? {} : { appointmentId: id('a') }) },
    ];
    if (i % 8 === 0) {
      events.push(
        { id: id('e2-'), type: 'vehicle.delivered', store, at, orderId: id('o') },
        { id: id('e3-'), type: 'spend.recorded', store, at, spendId: id('s'), budgetId: this.budget, amount: 3 },
      );
      if (i % 3) {
        const callback = { callbackId: id('k'), kind: 'sales', subjectId: id('o'), outcome: 'reached' } as const;
        events.push({ id: id('e4-'), type: 'callback.attempted', store, at, ...callback });
      }
    }
    return events;
  }

  start(): void {
    this.stopping = false;
    this.batches = 0;
    this.pushesAtStart = this.pushes();
    const loop = async () => {
      while (!this.stopping) {
        if (this.batches - (this.pushes() - this.pushesAtStart) >= FEEDER_AHEAD) {
          await sleep(1);
          continue;
        }
        this.batches++;
        const events = this.batch();
        await api(this.baseUrl, 'POST', '/api/v1/events', { events });
        this.posted += events.length;
      }
    };
    this.running = Promise.all(Array.from({ length: FEEDER_IN_FLIGHT }, loop));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    this.running = null;
  }
}

/** Counts the `kpis` pushes the page's socket receives, from the browser's network layer. */
export function countPushes(cdp: CDPSession) {
  const state = { pushes: 0, changed: 0, lastAt: 0, last: null as Snapshot | null };
  let lastHeadline = '';
  cdp.on('Network.webSocketFrameReceived', (e) => {
    const data = e.response.payloadData;
    // Socket.IO: `42/live,["kpis",{…}]` (event packet, namespace, [name, payload]).
    if (!data.startsWith('42/live,["kpis",')) return;
    const snap = (JSON.parse(data.slice(data.indexOf(',') + 1)) as [string, Snapshot])[1];
    state.pushes++;
    const h = headline(snap);
    if (h !== lastHeadline) state.changed++;
    lastHeadline = h;
    state.last = snap;
    state.lastAt = performance.now();
  });
  return state;
}

/** Cold loads: a new context (no cache, no stored key) each time, the key in the address. */
export async function firstFigures(browser: Browser, url: string): Promise<LoadTiming> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    // Looks at every animation frame from the document's start: the first frame that paints a figure.
    // (A string: tsx would wrap a function's inner names in a helper the page does not have.)
    await page.addInitScript({
      content: `(() => {
        const look = (t) => {
          if (/\\d/.test(document.querySelector(${JSON.stringify(FIGURE)})?.textContent ?? '')) window.__firstFigures = t;
          else requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      })();`,
    });
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __firstFigures?: number }).__firstFigures !== undefined, null, {
      timeout: 30_000,
    });
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return {
        responseStartMs: Math.round(nav.responseStart * 10) / 10,
        domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd * 10) / 10,
        firstFiguresMs: Math.round((window as unknown as { __firstFigures: number }).__firstFigures * 10) / 10,
      };
    });
  } finally {
    await context.close();
  }
}

/** The page's heap after two forced collections, with its DOM nodes, listeners and main-thread time. */
async function heapNow(cdp: CDPSession) {
  for (let i = 0; i < 2; i++) await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return {
    heapUsedBytes: usage.usedSize,
    ...(await heapByKind(cdp)),
    nodes: metric('Nodes'),
    listeners: metric('JSEventListeners'),
    taskSec: round(metric('TaskDuration'), 2),
    scriptSec: round(metric('ScriptDuration'), 2),
    layoutSec: round(metric('LayoutDuration') + metric('RecalcStyleDuration'), 2),
  };
}

/**
 * A heap snapshot, summed: the V8 heap's compiled code (bytecode and machine code, which grows as
 * functions get hot and are optimised) apart from everything else the page's JavaScript holds.
 * Blink's own objects (`native`) are left out, as they are from Runtime.getHeapUsage.
 */
async function heapByKind(cdp: CDPSession): Promise<{ codeBytes: number; objectBytes: number }> {
  const parts: string[] = [];
  const onChunk = (e: { chunk: string }) => parts.push(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  }
  const snap = JSON.parse(parts.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const kinds = snap.snapshot.meta.node_types[0];
  const [typeAt, sizeAt, width] = [fields.indexOf('type'), fields.indexOf('self_size'), fields.length];
  let codeBytes = 0;
  let objectBytes = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const kind = kinds[snap.nodes[i + typeAt]!];
    const size = snap.nodes[i + sizeAt]!;
    if (kind === 'code') codeBytes += size;
    else if (kind !== 'native') objectBytes += size;
  }
  return { codeBytes, objectBytes };
}

/** Figures on screen equal to those of the last push: the page has taken every push in. */
export async function showsLast(page: Page, last: Snapshot): Promise<boolean> {
  const { numerator, denominator } = last.kpis.appointmentRate.month;
  const want = [String(Math.round(last.kpis.spend.spent)), `${numerator}${denominator}`];
  // (No named functions inside: tsx would wrap them in a helper the page does not have.)
  const shown = await page.evaluate(() =>
    [
      document.querySelector('[data-testid="spend-spent"]'),
      // The numerator / denominator under the month's appointment rate.
      document.querySelector('[data-testid="appointment-month"]')?.parentElement?.querySelector('.frac'),
    ].map((el) => (el?.textContent ?? '').replace(/\D/g, '')),
  );
  return shown[0] === want[0] && shown[1] === want[1];
}

async function heapAfterPushes(
  browser: Browser,
  url: string,
  makeFeeder: (pushes: () => number) => Feeder,
): Promise<{ points: HeapPoint[]; eventsPosted: number; feedSec: number }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Performance.enable');
    const seen = countPushes(cdp);
    const feeder = makeFeeder(() => seen.pushes);
    const opened = performance.now();
    await page.goto(url);
    await page.locator(FIGURE).first().waitFor({ timeout: 30_000 });
    const points: HeapPoint[] = [];
    let feedMs = 0;
    for (const target of BROWSER.pushes) {
      const fed = performance.now();
      feeder.start();
      const deadline = Date.now() + 1_200_000;
      while (seen.pushes < target) {
        if (Date.now() > deadline) throw new Error(`only ${seen.pushes} of ${target} pushes in 20 min`);
        await sleep(5);
      }
      await feeder.stop();
      feedMs += performance.now() - fed;
      // The last events applied and pushed, and the page showing the last push.
      while (performance.now() - seen.lastAt < 500) await sleep(50);
      const last = seen.last!;
      const shown = await (async () => {
        for (let i = 0; i < 100; i++) {
          if (await showsLast(page, last)) return true;
          await sleep(100);
        }
        return false;
      })();
      if (!shown) throw new Error(`the page does not show the last push (seq ${last.seq})`);
      const heap = await heapNow(cdp);
      const point = { pushes: seen.pushes, changed: seen.changed, ...heap, atSec: round((performance.now() - opened) / 1000) };
      log('browser heap', point);
      points.push(point);
    }
    return { points, eventsPosted: feeder.posted, feedSec: round(feedMs / 1000) };
  } finally {
    await context.close();
  }
}

export async function browserFigures(redisUrl: string) {
  await ensureClientBuilt();
  const prefix = `bw${Date.now().toString(36)}`;
  const server = await startPulse('server', redisUrl, prefix, {
    PULSE_LIVE_MAX_PUSHES_PER_SECOND: String(BROWSER.pushesPerSecond),
  });
  const worker = await startPulse('worker', redisUrl, prefix);
  let browser: Browser | undefined;
  try {
    const store = STORES[0]!.code;
    const loaded = await loadStore(server.baseUrl, redisUrl, prefix, store);
    log('browser: store loaded', loaded);
    const key = await api(server.baseUrl, 'POST', '/api/v1/keys', { name: 'bench wall', scopes: ['read'] });
    const url = `${server.baseUrl}/wall/${store}?token=${String(key.token)}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const loads: LoadTiming[] = [];
    for (let i = 0; i < BROWSER.loads; i++) {
      const t = await firstFigures(browser, url);
      log('browser first figures', t);
      loads.push(t);
    }
    const heap = await heapAfterPushes(browser, url, (pushes) => new Feeder(server.baseUrl, store, loaded.budget, pushes));
    const [first, lastPoint] = [heap.points[0]!, heap.points.at(-1)!];
    return {
      chromium: browser.version(),
      store,
      events: loaded.events,
      days: loaded.days,
      viewport: `${VIEWPORT.width}×${VIEWPORT.height}`,
      firstFigures: {
        loads,
        medianMs: round(median(loads.map((l) => l.firstFiguresMs))),
        minMs: Math.min(...loads.map((l) => l.firstFiguresMs)),
        maxMs: Math.max(...loads.map((l) => l.firstFiguresMs)),
        medianDomContentLoadedMs: round(median(loads.map((l) => l.domContentLoadedMs))),
      },
      heap: {
        points: heap.points,
        ratio: round(lastPoint.heapUsedBytes / first.heapUsedBytes, 3),
        objectRatio: round(lastPoint.objectBytes / first.objectBytes, 3),
        maxPushesPerSecond: BROWSER.pushesPerSecond,
        /** Pushes a second while the feed ran (the pauses to measure left out). */
        pushesPerSec: round(lastPoint.pushes / heap.feedSec),
        feedSec: heap.feedSec,
        eventsPosted: heap.eventsPosted,
      },
    };
  } finally {
    await browser?.close();
    await stop(server.child);
    await stop(worker.child);
  }
}
