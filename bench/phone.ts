/**
 * The staff page on a phone, as Lighthouse's mobile audit loads it: cold loads of `/staff/{store}`
 * at 390×844 (mobile emulation), the renderer's CPU slowed 4× (CDP `Emulation.setCPUThrottlingRate`),
 * with and without Lighthouse's mobile network (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up;
 * CDP `Network.emulateNetworkConditions`). Beside it the wall at 1920×1080, unthrottled, measured
 * the same way.
 *
 * Per load, read in the page: first contentful paint, largest contentful paint, total blocking time
 * (long tasks after FCP, each counting its part after FCP beyond 50 ms, as Lighthouse sums it),
 * cumulative layout shift and the JS and CSS bytes transferred. One more load, untimed, records the
 * JS coverage: how much of each script the page ran by the time its figures were shown.
 */
import { loadavg } from 'node:os';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { STORES } from '../launcher/demo/dealership.js';
import { api, CHROMIUM, CHROMIUM_ARGS, FIGURE, loadStore, VIEWPORT } from './browser.js';
import { ensureClientBuilt } from './client-size.js';
import { log, median, round, sleep } from './support/measure.js';
import { SMOKE } from './support/params.js';
import { startPulse, stop } from './support/processes.js';

export const PHONE = {
  loads: SMOKE ? 1 : 5,
  days: SMOKE ? 3 : 31,
  cpuSlowdown: 4,
  /** Lighthouse's mobile profile (its "slow 4G"). */
  network: { latencyMs: 150, downKbit: 1638.4, upKbit: 750 },
  /** The page counts as settled after this long without a new long task, paint or shift. */
  quietMs: 1500,
};

/** The drill-down tile the staff page shows once the snapshot is there (also on a phone, departments folded). */
const STAFF_READY = '[data-testid="drill-pendingCallbacks"]';
const PHONE_CONTEXT: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
};

export interface PageLoad {
  /** The first animation frame showing the page's figures (a number in the first figure). */
  shownMs: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  longTasks: number;
  /** Response bodies as transferred (resource timing transferSize, headers included). */
  jsBytes: number;
  cssBytes: number;
  jsFiles: number;
}

interface Condition {
  name: string;
  path: string;
  context: BrowserContextOptions;
  cpuSlowdown: number;
  network: boolean;
  ready: string;
}

/**
 * Observers registered before the page's own scripts (a string: tsx would wrap a function's inner
 * names in a helper the page does not have). `__perf.last` is the time of the last entry of any kind.
 */
const observe = (ready: string) => `(() => {
  const p = (window.__perf = { fcp: NaN, lcp: NaN, tasks: [], cls: 0, last: 0, shown: NaN });
  const look = (t) => {
    if (/\\d/.test(document.querySelector(${JSON.stringify(ready)})?.textContent ?? '')) p.shown = t;
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
  const seen = () => (p.last = performance.now());
  const on = (type, f) => new PerformanceObserver((l) => { for (const e of l.getEntries()) f(e); seen(); }).observe({ type, buffered: true });
  on('paint', (e) => { if (e.name === 'first-contentful-paint') p.fcp = e.startTime; });
  on('largest-contentful-paint', (e) => { p.lcp = e.renderTime || e.loadTime || e.startTime; });
  on('longtask', (e) => p.tasks.push([e.startTime, e.duration]));
  on('layout-shift', (e) => { if (!e.hadRecentInput) p.cls += e.value; });
})();`;

async function load(browser: Browser, url: string, c: Condition): Promise<PageLoad> {
  const context = await browser.newContext(c.context);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: c.cpuSlowdown });
    if (c.network) {
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: PHONE.network.latencyMs,
        downloadThroughput: (PHONE.network.downKbit * 1024) / 8,
        uploadThroughput: (PHONE.network.upKbit * 1024) / 8,
      });
    }
    await page.addInitScript({ content: observe(c.ready) });
    await page.goto(url);
    await page.waitForFunction(() => !Number.isNaN((window as unknown as { __perf: { shown: number } }).__perf.shown), null, {
      timeout: 60_000,
    });
    // Settled: nothing new (long task, paint, shift) for a while.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const idle = await page.evaluate(() => performance.now() - (window as unknown as { __perf: { last: number } }).__perf.last);
      if (idle >= PHONE.quietMs || Date.now() > deadline) break;
      await sleep(PHONE.quietMs - idle + 50);
    }
    return await read(page);
  } finally {
    await context.close();
  }
}

async function read(page: Page): Promise<PageLoad> {
  // (A string: tsx would wrap the inner functions' names in a helper the page does not have.)
  const p = (await page.evaluate(`(() => {
    const res = performance.getEntriesByType('resource');
    const of = (ext) => res.filter((r) => new URL(r.name).pathname.endsWith(ext));
    const sum = (rs) => rs.reduce((n, r) => n + r.transferSize, 0);
    return { ...window.__perf, jsBytes: sum(of('.js')), cssBytes: sum(of('.css')), jsFiles: of('.js').length };
  })()`)) as {
    shown: number;
    fcp: number;
    lcp: number;
    tasks: [number, number][];
    cls: number;
    jsBytes: number;
    cssBytes: number;
    jsFiles: number;
  };
  // Lighthouse: each long task's part after FCP, less 50 ms.
  let tbt = 0;
  for (const [start, duration] of p.tasks) {
    const after = start + duration - Math.max(start, p.fcp);
    if (after > 50) tbt += after - 50;
  }
  return {
    shownMs: round(p.shown),
    fcpMs: round(p.fcp),
    lcpMs: round(p.lcp),
    tbtMs: round(tbt),
    cls: round(p.cls, 3),
    longTasks: p.tasks.length,
    jsBytes: p.jsBytes,
    cssBytes: p.cssBytes,
    jsFiles: p.jsFiles,
  };
}

/** Bytes of a script that ran: block coverage painted outer ranges first, nested ones over them. */
function usedBytes(length: number, functions: { ranges: { startOffset: number; endOffset: number; count: number }[] }[]) {
  const ran = new Uint8Array(length);
  const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => b.endOffset - b.startOffset - (a.endOffset - a.startOffset));
  for (const r of ranges) ran.fill(r.count > 0 ? 1 : 0, r.startOffset, Math.min(length, r.endOffset));
  return ran.reduce((n, x) => n + x, 0);
}

/** The scripts the page loaded up to its figures, with the bytes of each that ran. */
async function coverage(browser: Browser, url: string, c: Condition) {
  const context = await browser.newContext(c.context);
  try {
    const page = await context.newPage();
    await page.coverage.startJSCoverage({ resetOnNavigation: false });
    await page.goto(url);
    await page.locator(c.ready).first().waitFor({ timeout: 60_000 });
    await sleep(PHONE.quietMs);
    const entries = await page.coverage.stopJSCoverage();
    return entries
      .filter((e) => e.url.includes('/assets/') && e.source)
      .map((e) => {
        const bytes = e.source!.length;
        const used = usedBytes(bytes, e.functions);
        return {
          script: new URL(e.url).pathname.replace(/^\/assets\//, ''),
          bytes,
          usedBytes: used,
          usedShare: round(used / bytes, 3),
        };
      })
      .sort((a, b) => b.bytes - a.bytes);
  } finally {
    await context.close();
  }
}

const summary = (loads: PageLoad[]) => ({
  loads,
  shownMs: round(median(loads.map((l) => l.shownMs))),
  fcpMs: round(median(loads.map((l) => l.fcpMs))),
  lcpMs: round(median(loads.map((l) => l.lcpMs))),
  tbtMs: round(median(loads.map((l) => l.tbtMs))),
  cls: round(median(loads.map((l) => l.cls)), 3),
  jsBytes: median(loads.map((l) => l.jsBytes)),
  cssBytes: median(loads.map((l) => l.cssBytes)),
  jsFiles: median(loads.map((l) => l.jsFiles)),
});

export async function phoneFigures(redisUrl: string) {
  await ensureClientBuilt();
  const prefix = `bp${Date.now().toString(36)}`;
  const server = await startPulse('server', redisUrl, prefix);
  const worker = await startPulse('worker', redisUrl, prefix);
  let browser: Browser | undefined;
  try {
    const store = STORES[0]!.code;
    const loaded = await loadStore(server.baseUrl, redisUrl, prefix, store, PHONE.days);
    log('phone: store loaded', loaded);
    const key = await api(server.baseUrl, 'POST', '/api/v1/keys', { name: 'bench staff', scopes: ['read', 'ack'] });
    const token = String(key.token);
    const staff = { path: `/staff/${store}`, context: PHONE_CONTEXT, cpuSlowdown: PHONE.cpuSlowdown, ready: STAFF_READY };
    const conditions: Condition[] = [
      { name: 'staff page, phone, CPU 4× slower', ...staff, network: false },
      { name: 'staff page, phone, CPU 4× slower, slow 4G', ...staff, network: true },
      {
        name: 'wall, 1920×1080, unthrottled',
        path: `/wall/${store}`,
        context: { viewport: VIEWPORT },
        cpuSlowdown: 1,
        network: false,
        ready: FIGURE,
      },
    ];
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const loadAtStart = round(loadavg()[0]!, 2);
    const urlOf = (c: Condition) => `${server.baseUrl}${c.path}?token=${token}`;
    // Conditions in turn, load by load, so that other work on the machine slows them alike.
    const loads = conditions.map(() => [] as PageLoad[]);
    for (let i = 0; i < PHONE.loads; i++) {
      for (const [j, c] of conditions.entries()) {
        const l = await load(browser, urlOf(c), c);
        log('phone', c.name, l);
        loads[j]!.push(l);
      }
    }
    const staffCoverage = await coverage(browser, urlOf(conditions[0]!), conditions[0]!);
    log('phone: staff page JS coverage', staffCoverage);
    return {
      chromium: browser.version(),
      date: new Date().toISOString(),
      store,
      events: loaded.events,
      days: loaded.days,
      cpuSlowdown: PHONE.cpuSlowdown,
      /** The machine's 1-minute load average when the loads began and ended (other work slows every load). */
      load: { start: loadAtStart, end: round(loadavg()[0]!, 2) },
      network: PHONE.network,
      conditions: conditions.map((c, j) => ({ name: c.name, path: c.path, ...summary(loads[j]!) })),
      staffCoverage,
    };
  } finally {
    await browser?.close();
    await stop(server.child);
    await stop(worker.child);
  }
}

export type PhoneResults = Awaited<ReturnType<typeof phoneFigures>>;
