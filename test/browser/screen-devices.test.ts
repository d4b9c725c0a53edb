/**
 * A TV as a device in a real Chromium: `/screen/{name}` registers itself, shows its name
 * full-screen on `identify`, reloads on `reload`, rests outside its on-hours (clock and store name,
 * no figures), and the staff page lists it for an administrator only. Screenshots go to docs/.
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev } from '../support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from '../support/stack.js';

let stack: Stack;
let browser: Browser;
let key: string;
let tv: Page;
let deviceId: string;

beforeAll(async () => {
  stack = await startStack('tvdev');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  await stack.request('PUT', '/api/v1/stores/TVS', { name: '杭州西湖店', timezone: 'Asia/Shanghai' });
  await stack.request('PUT', '/api/v1/screens/tv-lobby', { items: [{ page: 'overview', store: 'TVS', seconds: 30 }] });
  await stack.request('PUT', '/api/v1/screens/tv-sales', { items: [{ page: 'sales', store: 'TVS', seconds: 60 }] });
  key = (await stack.request('POST', '/api/v1/keys', { name: 'kiosk', scopes: ['read'] })).body.token;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function open(path: string, token: string, width = 1920, height = 1080): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${stack.baseUrl}${path}?token=${token}`);
  return page;
}
/** Screenshots go to test-results/; `PULSE_DOC_SHOTS=1` writes the ones docs/wall.md shows instead. */
const SHOTS = process.env.PULSE_DOC_SHOTS === '1' ? 'docs' : 'test-results';
async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

describe('a TV on /screen/{name}', () => {
  it('registers itself with an id kept in its storage', async () => {
    tv = await open('/screen/tv-lobby', key);
    await tv.locator('[data-registered="yes"]').waitFor({ timeout: 15_000 });
    deviceId = (await tv.getByTestId('screen-player').getAttribute('data-device-id'))!;
    expect(deviceId).toMatch(/^tv-[0-9a-f]{24}$/);
    expect(await tv.evaluate(() => localStorage.getItem('pulse.deviceId'))).toBe(deviceId);
    const { body } = await stack.request('GET', `/api/v1/devices/${deviceId}`);
    expect(body).toMatchObject({ id: deviceId, name: 'tv-lobby', screen: 'tv-lobby', store: 'TVS', online: true });
    expect(body.status).toMatchObject({ screenWidth: 1920, screenHeight: 1080, appVersion: '0.1.0' });
    expect(body.status.heapUsedBytes).toBeGreaterThan(0);
    await tv.getByTestId('store-name').first().waitFor({ timeout: 15_000 });
    // Burn-in: the whole layout carries the offset of the moment.
    expect(await tv.getByTestId('screen-player').getAttribute('style')).toMatch(
      /^transform: translate\(-?[0-3]px, -?[0-3]px\);$/,
    );
    // The page on show is reported when it changes, not only every 30 s.
    await waitFor(
      async () => (await stack.request('GET', `/api/v1/devices/${deviceId}`)).body.status.page === 'overview TVS',
      5_000,
      'the page reported',
    );
  });

  it('shows its name full-screen on identify', async () => {
    await stack.request('PUT', `/api/v1/devices/${deviceId}`, { name: '展厅入口 左屏' });
    expect((await stack.request('POST', `/api/v1/devices/${deviceId}/identify`)).status).toBe(202);
    await tv.getByTestId('identify-overlay').waitFor({ timeout: 5_000 });
    expect(await tv.getByTestId('identify-name').innerText()).toBe('展厅入口 左屏');
    await shot(tv, 'screen-identify');
  });

  it('reloads itself on reload', async () => {
    await tv.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const loaded = tv.waitForEvent('load', { timeout: 10_000 });
    expect((await stack.request('POST', `/api/v1/devices/${deviceId}/reload`)).status).toBe(202);
    await loaded;
    expect(await tv.evaluate(() => (window as unknown as { marker?: number }).marker)).toBeUndefined();
    // The same device after the reload (its id stayed in storage).
    await tv.locator('[data-registered="yes"]').waitFor({ timeout: 15_000 });
    expect(await tv.getByTestId('screen-player').getAttribute('data-device-id')).toBe(deviceId);
  });

  it('rests outside its on-hours: a dimmed clock and the store name, no figures', async () => {
    // Shanghai keeps UTC+8 all year: today's ISO weekday there, and a day two days off.
    const today = ((new Date(Date.now() + 8 * 3600_000).getUTCDay() + 6) % 7) + 1;
    const other = ((today + 1) % 7) + 1;
    const put = await stack.request('PUT', `/api/v1/devices/${deviceId}`, {
      schedule: [{ days: [other], from: '00:00', to: '00:00' }],
    });
    expect(put.status).toBe(200);
    await tv.getByTestId('off-hours').waitFor({ timeout: 5_000 });
    expect(await tv.getByTestId('off-hours-store').innerText()).toBe('杭州西湖店');
    expect(await tv.getByTestId('off-hours-time').innerText()).toMatch(/^\d\d:\d\d$/);
    expect(await tv.getByTestId('store-name').count()).toBe(0);
    await shot(tv, 'screen-off-hours');
    // Back on: the wall returns.
    await stack.request('PUT', `/api/v1/devices/${deviceId}`, { schedule: null });
    await tv.getByTestId('store-name').first().waitFor({ timeout: 15_000 });
    expect(await tv.getByTestId('off-hours').count()).toBe(0);
  });
});

describe('a TV given another playlist, with celebrations on', () => {
  it('moves to its new screen by itself and shows a new order on the sales page, masked', async () => {
    const put = await stack.request('PUT', `/api/v1/devices/${deviceId}`, { screen: 'tv-sales', celebrations: true });
    expect(put.status).toBe(200);
    await tv.waitForURL(/\/screen\/tv-sales$/, { timeout: 10_000 });
    await tv.locator('[data-registered="yes"]').waitFor({ timeout: 15_000 });
    await tv.getByTestId('store-name').first().waitFor({ timeout: 15_000 });
    const posted = await stack.request('POST', '/api/v1/events', {
      events: [
        ev('order.signed', new Date().toISOString(), {
          store: 'TVS',
          orderId: 'TV-O1',
          model: '汉 EV',
          amount: 250_000,
          customer: { id: 'C1', name: '王小明', phone: '13812345678' },
        }),
      ],
    });
    expect(posted.status).toBe(202);
    await tv.getByTestId('celebration').waitFor({ timeout: 10_000 });
    expect((await tv.getByTestId('celebration').innerText()).replace(/\s+/g, ' ')).toBe('喜报 · 新签订单 汉 EV · 王*明');
    await shot(tv, 'screen-celebration');
    // A silent TV's alert on the ticker, worded from its data (the publish path of the alert engine).
    const alert = {
      id: 'TVS.silent1',
      store: 'TVS',
      kind: 'screen_silent',
      severity: 'warning',
      message: 'x',
      at: new Date().toISOString(),
      data: { deviceId: 'tv-x', name: '二楼休息区', minutes: 7 },
      state: 'open',
      history: [],
    };
    await stack.app.deps.redis.publish(`${stack.config.prefix}:alerts`, JSON.stringify({ event: 'alert', alert }));
    await waitFor(async () =>
      (await tv.getByTestId('alert-item').allInnerTexts()).join(' ').includes('大屏「二楼休息区」离线，已 7 分钟无响应'),
    );
    // Gone after its 6 seconds.
    await tv.getByTestId('celebration').waitFor({ state: 'detached', timeout: 10_000 });
  });
});

describe('大屏管理 on the staff page', () => {
  it('lists the TVs for an administrator, and not for a read key', async () => {
    const admin = await open('/staff/TVS', ADMIN_TOKEN, 1280, 900);
    const row = admin.getByTestId(`device-${deviceId}`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.innerText()).toContain('展厅入口 左屏');
    expect(await row.innerText()).toContain('1920×1080');
    await row.getByRole('button', { name: '识别' }).click();
    await tv.getByTestId('identify-overlay').waitFor({ timeout: 5_000 });
    await admin.getByTestId('staff-devices').scrollIntoViewIfNeeded();
    await admin.getByTestId('staff-devices').screenshot({ path: `${SHOTS}/staff-devices.png` });

    const reader = await open('/staff/TVS', key, 1280, 900);
    await reader.getByTestId('staff-page').waitFor({ timeout: 15_000 });
    await waitFor(async () => (await reader.getByTestId('store-picker').count()) > 0);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await reader.getByTestId('staff-devices').count()).toBe(0);
  });
});
