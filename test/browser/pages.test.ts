/**
 * Department pages, a screen playlist and the staff page in a real Chromium, reading figures off
 * the screen and keeping a screenshot of each page.
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev } from '../support/events.js';
import { startStack, waitFor, type Stack } from '../support/stack.js';
import { zoneAtNoon } from '../support/zone-at-noon.js';

let stack: Stack;
let browser: Browser;
let key: string;

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const s = { store: 'BP1' };

beforeAll(async () => {
  stack = await startStack('pages');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const { zone, month } = zoneAtNoon();
  await stack.request('PUT', '/api/v1/stores/BP1', { name: '宁波东部店', timezone: zone });
  await stack.request('PUT', `/api/v1/targets/BP1/${month}`, { orders: 10 });
  await stack.request('PUT', '/api/v1/materials/BP1-POSTER', { store: 'BP1', name: '车型海报', reorderLevel: 20 });
  const res = await stack.request('POST', '/api/v1/events', {
    events: [
      ev('showroom.visit', ago(90), { ...s, firstVisit: true }),
      ev('showroom.visit', ago(80), { ...s, firstVisit: true }),
      ev('showroom.visit', ago(70), { ...s, firstVisit: false }),
      ev('lead.created', ago(85), { ...s, leadId: 'L1', channel: 'walk_in' }),
      ev('testdrive.completed', ago(75), { ...s, leadId: 'L1', model: '凯美瑞' }),
      ev('order.signed', ago(60), { ...s, orderId: 'O1', model: '凯美瑞', amount: 189800 }),
      ev('media.mention', ago(50), {
        ...s,
        mentionId: 'M1',
        sentiment: 'negative',
        outlet: '懂车帝',
        title: '<script>x</script>',
      }),
      ev('material.moved', ago(40), { ...s, itemId: 'BP1-POSTER', quantity: 5 }),
    ],
  });
  expect(res.status).toBe(202);
  await waitFor(async () => (await stack.request('GET', '/api/v1/stores/BP1/kpis')).body?.seq >= 8, 10_000, 'events applied');
  key = (await stack.request('POST', '/api/v1/keys', { name: 'kiosk', scopes: ['read'] })).body.token;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function open(path: string, width = 1920, height = 1080): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${stack.baseUrl}${path}${path.includes('?') ? '&' : '?'}token=${key}`);
  return page;
}
const text = (page: Page, id: string) => page.getByTestId(id).first().innerText();
async function shot(page: Page, name: string) {
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png` });
}
async function noScroll(page: Page) {
  const [h, w] = await page.evaluate(() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]);
  expect(h).toBeLessThanOrEqual(1080);
  expect(w).toBeLessThanOrEqual(1920);
}

describe('department pages', () => {
  it('sales floor: the funnel, test-drive rate and target', async () => {
    const page = await open('/wall/BP1/sales');
    await page.getByTestId('page-sales').waitFor({ timeout: 15_000 });
    await waitFor(async () => (await text(page, 'funnel-visits-month')).includes('3'), 10_000, 'the funnel');
    expect((await text(page, 'funnel-leads-month')).trim()).toMatch(/^1\b/);
    expect((await text(page, 'funnel-orders-month')).trim()).toMatch(/^1\b/);
    expect((await text(page, 'test-drive-rate-month')).replace(/\s/g, '')).toBe('50.0%'); // 1 of 2 first visits
    expect((await text(page, 'target-orders-progress')).replace(/\s/g, '')).toContain('10.0%'); // 1 of 10
    await noScroll(page);
    await shot(page, 'page-sales');
    await page.close();
  });

  it('marketing: negative media and low materials, text shown as text', async () => {
    const page = await open('/wall/BP1/marketing');
    await page.getByTestId('page-marketing').waitFor({ timeout: 15_000 });
    await waitFor(async () => (await text(page, 'materials-low-count')).includes('1'), 10_000, 'materials');
    expect((await text(page, 'media-negative-month')).trim()).toMatch(/^1\b/);
    expect(await page.locator('script:has-text("x")').count()).toBe(0);
    await noScroll(page);
    await shot(page, 'page-marketing');
    await page.close();
  });

  it('service and customer value pages render', async () => {
    for (const name of ['service', 'value']) {
      const page = await open(`/wall/BP1/${name}`);
      await page.getByTestId(`page-${name}`).waitFor({ timeout: 15_000 });
      await noScroll(page);
      await shot(page, `page-${name}`);
      await page.close();
    }
  });
});

describe('screen playlist', () => {
  it('rotates through its pages and takes a changed playlist live', async () => {
    await stack.request('PUT', '/api/v1/screens/lobby', {
      items: [
        { page: 'sales', store: 'BP1', seconds: 5 },
        { page: 'marketing', store: 'BP1', seconds: 5 },
      ],
    });
    const page = await open('/screen/lobby');
    await page.getByTestId('screen-player').waitFor({ timeout: 15_000 });
    await page.getByTestId('page-sales').waitFor({ timeout: 10_000 });
    expect((await text(page, 'screen-item-index')).replace(/\s/g, '')).toBe('1/2');
    await page.getByTestId('page-marketing').waitFor({ timeout: 10_000 });
    expect((await text(page, 'screen-item-index')).replace(/\s/g, '')).toBe('2/2');
    await stack.request('PUT', '/api/v1/screens/lobby', { items: [{ page: 'value', store: 'BP1', seconds: 30 }] });
    await page.getByTestId('page-value').waitFor({ timeout: 10_000 });
    expect((await text(page, 'screen-item-index')).replace(/\s/g, '')).toBe('1/1');
    await page.close();
  });
});

describe('staff page', () => {
  it('drills down from a figure to the list behind it, on a phone', async () => {
    const page = await open('/staff/BP1', 390, 844);
    await page.getByTestId('staff-page').waitFor({ timeout: 15_000 });
    await page.getByTestId('drill-lowMaterials').first().click();
    await page.getByTestId('work-list').waitFor({ timeout: 10_000 });
    await waitFor(async () => (await page.getByTestId('work-list-item').count()) === 1, 10_000, 'one low material');
    expect(await page.getByTestId('work-list-item').first().innerText()).toContain('车型海报');
    await shot(page, 'page-staff-phone');
    await page.close();
  });
});
