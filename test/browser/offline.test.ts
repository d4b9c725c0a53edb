/**
 * A wall TV with the server out of reach, in a real Chromium against a real server process: the
 * kiosk key leaves the address bar and survives reloads; after the server is killed a reload still
 * starts the page (service worker) and shows the last live figures at once, with their time and
 * the offline mark; the server started again on the same port, the page goes live by itself.
 * The same for a screen playlist.
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ev } from '../support/events.js';
import { killAll, startPulse, type PulseProcess } from '../support/processes.js';
import { ADMIN_TOKEN, uniquePrefix, waitFor } from '../support/stack.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('offl');
const STORE = 'OF01';
const SCREEN = 'of-lobby';
let server: PulseProcess;
let browser: Browser;
let key: string;

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const complaint = (id: string) =>
  ev('complaint.opened', ago(5), { store: STORE, complaintId: id, channel: 'phone', category: 'service', severity: 'low' });

async function api(method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<{ status: number; body: any }> {
  const res = await fetch(server.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function openComplaints(n: number): Promise<void> {
  await waitFor(
    async () => (await api('GET', `/api/v1/stores/${STORE}/kpis`)).body?.kpis?.complaints?.open === n,
    10_000,
    `${n} open`,
  );
}

/** "14:05" of an ISO time in Shanghai (UTC+8, no daylight saving). */
const shanghaiHhMm = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(11, 16);

beforeAll(async () => {
  server = await startPulse('all', { redisUrl, prefix });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  expect((await api('PUT', `/api/v1/stores/${STORE}`, { name: '宁波鄞州店', timezone: 'Asia/Shanghai' })).status).toBe(200);
  expect(
    (await api('PUT', `/api/v1/screens/${SCREEN}`, { items: [{ page: 'overview', store: STORE, seconds: 60 }] })).status,
  ).toBe(200);
  expect((await api('POST', '/api/v1/events', { events: [complaint('C1')] })).status).toBe(202);
  await openComplaints(1);
  key = (await api('POST', '/api/v1/keys', { name: 'tv', scopes: ['read'] })).body.token;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await killAll();
});

const text = (page: Page, id: string) => page.getByTestId(id).first().innerText();
const storedToken = (page: Page) => page.evaluate(() => localStorage.getItem('pulse.token'));
/** The seq of the snapshot the page keeps for the store (null when none). */
const keptSeq = (page: Page) =>
  page.evaluate((k) => {
    const t = localStorage.getItem(k);
    return t ? (JSON.parse(t) as { seq: number }).seq : null;
  }, `pulse.cache.kpis:${STORE}`);

async function waitLive(page: Page, open: number): Promise<void> {
  await waitFor(
    async () =>
      (await page.getByTestId('conn-state').first().getAttribute('data-state')) === 'live' &&
      (await text(page, 'complaints-open')).trim() === String(open),
    20_000,
    `live with ${open} open`,
  );
}

describe('a wall TV with the server out of reach', () => {
  let context: BrowserContext;

  it('keeps the key out of the address bar, shows the kept figures when reloaded offline, and goes live again', async () => {
    context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const wall = await context.newPage();
    await wall.goto(`${server.baseUrl}/wall/${STORE}?token=${key}`);
    await waitLive(wall, 1);
    expect(wall.url()).toBe(`${server.baseUrl}/wall/${STORE}`);
    expect(await storedToken(wall)).toBe(key);
    // The service worker controls the page once installed (it claims the pages open).
    await wall.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });

    // The screen, opened without a key: the one kept by the browser.
    const screen = await context.newPage();
    await screen.goto(`${server.baseUrl}/screen/${SCREEN}`);
    await waitLive(screen, 1);
    await waitFor(
      async () => (await screen.getByTestId('screen-player').getAttribute('data-from-cache')) === 'false',
      10_000,
      'the playlist from the server',
    );

    // A live push, and the figure kept: the last live figures are the ones a reload will show.
    expect((await api('POST', '/api/v1/events', { events: [complaint('C2')] })).status).toBe(202);
    await waitLive(wall, 2);
    await waitLive(screen, 2);
    const live = (await api('GET', `/api/v1/stores/${STORE}/kpis`)).body as { seq: number; asOf: string };
    await waitFor(async () => (await keptSeq(wall)) === live.seq, 10_000, 'the snapshot kept');
    const kept = await wall.evaluate(
      (k) => JSON.parse(localStorage.getItem(k)!) as { asOf: string },
      `pulse.cache.kpis:${STORE}`,
    );

    // Power cut of the server: the port refuses. Reloads start from the kept page and figures.
    await server.kill9();
    for (const page of [wall, screen]) {
      const started = Date.now();
      await page.reload();
      await page.getByTestId('offline-badge').waitFor({ timeout: 5_000 });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await text(page, 'complaints-open')).trim()).toBe('2');
      expect(await text(page, 'offline-as-of')).toBe(`数据截至 ${shanghaiHhMm(kept.asOf)} · 离线`);
      expect(await page.getByTestId('offline-badge').innerText()).toContain('本屏保存的数字（刚刚）');
      expect(await page.getByTestId('conn-state').getAttribute('data-state')).not.toBe('live');
      expect(await page.locator('.wall').getAttribute('data-from-cache')).toBe('true');
      // Alerts are not kept: the ticker does not claim "all clear" while it cannot know.
      expect(await text(page, 'alerts-unknown')).toBe('离线中，告警待服务器恢复后显示');
      expect(await storedToken(page)).toBe(key);
    }
    expect(await screen.getByTestId('screen-player').getAttribute('data-from-cache')).toBe('true');
    mkdirSync('test-results', { recursive: true });
    await wall.screenshot({ path: 'test-results/wall-offline-1920x1080.png' });
    await wall.setViewportSize({ width: 3840, height: 2160 });
    await wall.screenshot({ path: 'test-results/wall-offline-3840x2160.png' });
    await wall.setViewportSize({ width: 1920, height: 1080 });

    // The server back on the same port: both go live by themselves, and follow pushes again.
    server = await startPulse('all', { redisUrl, prefix, port: server.port! });
    for (const page of [wall, screen]) {
      await waitLive(page, 2);
      await page.getByTestId('offline-badge').waitFor({ state: 'detached', timeout: 5_000 });
      expect(await page.locator('.wall').getAttribute('data-from-cache')).toBe('false');
    }
    // The playlist's own answer may come a moment after the store's.
    await waitFor(
      async () => (await screen.getByTestId('screen-player').getAttribute('data-from-cache')) === 'false',
      10_000,
      'the playlist from the server',
    );
    expect((await api('POST', '/api/v1/events', { events: [complaint('C3')] })).status).toBe(202);
    await waitLive(wall, 3);
    await waitLive(screen, 3);
    await context.close();
  }, 120_000);

  it('replaces the kept key with a new one given in the address, and keeps a refused one', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/wall/${STORE}?token=${key}`);
    await waitLive(page, 3);
    // A reload without the key in the address uses the kept one.
    await page.reload();
    await waitLive(page, 3);
    expect(page.url()).toBe(`${server.baseUrl}/wall/${STORE}`);

    // A key the server refuses: it replaces the kept one, the refusal is shown, the key is kept.
    const wrong = 'sp_not-a-key-of-this-server-0000';
    await page.goto(`${server.baseUrl}/wall/${STORE}?token=${wrong}`);
    // With figures kept from before, they stay on the screen under the refusal; without, the page
    // asking for a key says it was refused.
    const refusal = page.locator('[data-testid="token-refused"], [data-testid="wall-problem"][data-problem="refused"]');
    await refusal.first().waitFor({ timeout: 15_000 });
    expect(page.url()).toBe(`${server.baseUrl}/wall/${STORE}`);
    expect(await storedToken(page)).toBe(wrong);
    await page.reload();
    await refusal.first().waitFor({ timeout: 15_000 });
    expect(await storedToken(page)).toBe(wrong);

    // A good key given again replaces it.
    await page.goto(`${server.baseUrl}/wall/${STORE}?token=${key}`);
    await waitLive(page, 3);
    expect(await storedToken(page)).toBe(key);
    await context.close();
  }, 60_000);
});
