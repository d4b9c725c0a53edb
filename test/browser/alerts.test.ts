/**
 * Alerts, acknowledgement, the budget breaker and the live work lists in a real Chromium: the
 * wall's full-screen banner goes when its alert is acknowledged (no reload), a callback made
 * leaves the staff page's list, a person acknowledges an alert on the staff page, and a manager
 * lets a refused spend through the breaker.
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../domain/alerts.js';
import { ev } from '../support/events.js';
import { startStack, waitFor, type Stack } from '../support/stack.js';
import { zoneAtNoon } from '../support/zone-at-noon.js';

let stack: Stack;
let browser: Browser;
/** read: the wall; read + ack: a desk; the admin token: a manager. */
const keys = { read: '', ack: '' };

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const S = 'BA1';

beforeAll(async () => {
  stack = await startStack('alerts-ui');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const { zone, month } = zoneAtNoon();
  await stack.request('PUT', `/api/v1/stores/${S}`, { name: '苏州园区店', timezone: zone });
  await stack.request('PUT', '/api/v1/budgets/BA-B1', { store: S, name: '抖音直播', month, amount: 10000, warnAt: 0.8 });
  await stack.request('PUT', '/api/v1/budgets/BA-B2', { store: S, name: '车展展位', month, amount: 50000, warnAt: 0.8 });
  const res = await stack.request('POST', '/api/v1/events', {
    events: [
      ev('vehicle.delivered', ago(90), { store: S, orderId: 'O-A1' }),
      ev('vehicle.delivered', ago(80), { store: S, orderId: 'O-A2' }),
      ev('spend.recorded', ago(30), { store: S, spendId: 'SP1', budgetId: 'BA-B1', amount: 10500 }),
    ],
  });
  expect(res.status).toBe(202);
  await waitFor(async () => (await stack.request('GET', `/api/v1/stores/${S}/kpis`)).body?.seq >= 3, 10_000, 'events applied');
  keys.read = (await stack.request('POST', '/api/v1/keys', { name: 'lobby-tv', scopes: ['read'] })).body.token;
  keys.ack = (await stack.request('POST', '/api/v1/keys', { name: 'front-desk', scopes: ['read', 'ack'] })).body.token;
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
async function shot(page: Page, name: string, fullPage = false) {
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png`, fullPage });
}
async function activeAlert(kind: string): Promise<AlertRecord> {
  return waitFor(
    async () => {
      const res = await stack.request('GET', `/api/v1/alerts?store=${S}&state=active&kind=${kind}`);
      return (res.body?.alerts as AlertRecord[] | undefined)?.[0];
    },
    10_000,
    `an active ${kind} alert`,
  );
}

describe('wall banner', () => {
  it('covers the wall while a tripped budget is open, and goes when it is acknowledged', async () => {
    const tripped = await activeAlert('budget_tripped');
    expect(tripped.state).toBe('open');
    const page = await open(`/wall/${S}`, keys.read);
    const banner = page.getByTestId('alert-banner');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.getAttribute('data-alert-id')).toBe(tripped.id);
    expect(await page.getByTestId('alert-banner-kind').innerText()).toContain('预算跳闸');
    const text = await page.getByTestId('alert-banner-text').innerText();
    expect(text).toContain('抖音直播');
    expect(text).toContain('105.0%');
    // The alert is on the ticker too.
    await waitFor(async () => (await page.locator(`[data-testid=alert-item][data-state=open]`).count()) >= 1, 5_000, 'ticker');
    await shot(page, 'wall-banner-1920x1080');

    // Somebody takes it (here through the API): the banner goes, with no reload, and the ticker dims it.
    const ack = await stack.request('POST', `/api/v1/alerts/${tripped.id}/ack`, { by: '王经理', note: '已暂停投放' }, keys.ack);
    expect(ack.status).toBe(200);
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    await waitFor(
      async () => (await page.locator('[data-testid=alert-item][data-state=acked]').innerText()).includes('王经理'),
      5_000,
      'the acknowledged alert on the ticker',
    );
    await shot(page, 'wall-after-ack');
    await page.close();
  });
});

describe('staff page', () => {
  it('loses a callback from the open list when it is made, without a reload', async () => {
    const page = await open(`/staff/${S}`, keys.read, 1280, 900);
    await page.getByTestId('drill-pendingCallbacks').click();
    await page.getByTestId('work-list').waitFor({ timeout: 15_000 });
    const rows = page.getByTestId('work-list-item');
    await waitFor(async () => (await rows.count()) === 2, 10_000, 'two callbacks to make');
    await shot(page, 'staff-callbacks');
    // Most urgent (earliest deadline) first, with a countdown of about 70 h.
    expect(await rows.first().getAttribute('data-key')).toContain('O-A1');
    expect(await rows.first().getByTestId('work-list-countdown').innerText()).toMatch(/^剩 2天2[12]小时$/);

    await stack.request(
      'POST',
      '/api/v1/events',
      ev('callback.attempted', ago(0), { store: S, callbackId: 'CB1', kind: 'sales', subjectId: 'O-A1', outcome: 'reached' }),
    );
    await waitFor(async () => (await rows.count()) === 1, 10_000, 'the callback made to leave the list');
    expect(await rows.first().getAttribute('data-key')).toContain('O-A2');
    await page.close();
  });

  it('acknowledges an alert from the page: who and a note, then 已确认 in place', async () => {
    await stack.request('POST', '/api/v1/events', {
      events: [ev('spend.recorded', ago(1), { store: S, spendId: 'SP2', budgetId: 'BA-B2', amount: 42000 })],
    });
    const warn = await activeAlert('budget_warn');
    const page = await open(`/staff/${S}`, keys.ack, 375, 812);
    const row = page.locator(`[data-testid=staff-alert][data-alert-id="${warn.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-state')).toBe('open');
    await row.getByTestId('alert-ack-open').click();
    await row.getByTestId('alert-ack-by').fill('李主管');
    await row.getByTestId('alert-ack-note').fill('下周调整预算');
    await shot(page, 'staff-ack-form-phone');
    await row.getByTestId('alert-ack-submit').click();
    await waitFor(async () => (await row.getAttribute('data-state')) === 'acked', 10_000, 'the row acknowledged');
    expect(await row.getByTestId('alert-acked').innerText()).toContain('李主管');
    await shot(page, 'staff-phone', true);

    const stored = await stack.request('GET', `/api/v1/alerts?store=${S}&state=acked&kind=budget_warn`);
    expect(stored.body.alerts[0]).toMatchObject({ id: warn.id, state: 'acked', ack: { by: '李主管', note: '下周调整预算' } });

    // The name is remembered on this device for the next one.
    expect(await page.evaluate(() => localStorage.getItem('pulse.person'))).toBe('李主管');
    // The read-only key sees no acknowledge button.
    const viewer = await open(`/staff/${S}`, keys.read, 375, 812);
    await viewer.getByTestId('staff-alerts').waitFor({ timeout: 15_000 });
    await waitFor(async () => (await viewer.getByTestId('staff-alert').count()) > 0, 10_000, 'alerts listed');
    expect(await viewer.getByTestId('alert-ack-open').count()).toBe(0);
    await viewer.close();
    await page.close();
  });

  it('checks a planned spend against the breaker; a manager overrides with a reason, logged', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${stack.baseUrl}/staff/${S}?token=${encodeURIComponent('test-admin-token-0123456789')}`);
    const fitting = page.locator('[data-testid=breaker-row][data-budget-id=BA-B2]');
    await fitting.waitFor({ timeout: 15_000 });
    await fitting.getByTestId('breaker-amount').fill('1000');
    await fitting.getByTestId('breaker-check').click();
    await waitFor(
      async () => (await fitting.getByTestId('breaker-outcome').getAttribute('data-outcome')) === 'fits',
      10_000,
      'fits',
    );

    const row = page.locator('[data-testid=breaker-row][data-budget-id=BA-B1]');
    await row.getByTestId('breaker-amount').fill('2000');
    await row.getByTestId('breaker-check').click();
    const outcome = row.getByTestId('breaker-outcome');
    await waitFor(async () => (await outcome.getAttribute('data-outcome')) === 'refused', 10_000, 'refused');
    // 10,500 spent of 10,000: the whole 2,000 plus the 500 already over.
    expect(await row.getByTestId('breaker-shortfall').innerText()).toContain('¥2,500');
    await row.getByTestId('breaker-reason').fill('车展前最后一次投放，总经理同意');
    await row.getByTestId('breaker-by').fill('赵总');
    await row.getByTestId('breaker-override').click();
    await waitFor(async () => (await outcome.getAttribute('data-outcome')) === 'overridden', 10_000, 'overridden');
    const entry = page.getByTestId('override-entry').first();
    await entry.waitFor({ timeout: 10_000 });
    expect(await entry.innerText()).toContain('车展前最后一次投放');
    // The override count reaches the budget bars through the next snapshot.
    await page.getByTestId('budget-overrides-BA-B1').first().waitFor({ timeout: 10_000 });
    await shot(page, 'staff-1920x1080', true);
    await page.close();
  });
});
