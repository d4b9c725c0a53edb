/**
 * The wall in a real Chromium: open it with a kiosk key, read the figures off the screen, watch a
 * live push change them, and keep a screenshot; the figures the page brings drawn with no socket.
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../domain/kpis.js';
import { roomOf } from '../../server/live/rooms.js';
import { ev } from '../support/events.js';
import { startStack, waitFor, type Stack } from '../support/stack.js';
import { zoneAtNoon } from '../support/zone-at-noon.js';

let stack: Stack;
let browser: Browser;

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

beforeAll(async () => {
  stack = await startStack('browser');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const { zone, month } = zoneAtNoon();
  await stack.request('PUT', '/api/v1/stores/BR01', { name: '杭州西湖店', timezone: zone });
  await stack.request('PUT', '/api/v1/budgets/BR-B1', { store: 'BR01', name: '线上投放', month, amount: 10000, warnAt: 0.8 });
  const res = await stack.request('POST', '/api/v1/events', {
    events: [
      ev('vehicle.delivered', ago(60), { store: 'BR01', orderId: 'O1' }),
      ev('vehicle.delivered', ago(50), { store: 'BR01', orderId: 'O2' }),
      ev('callback.attempted', ago(40), { store: 'BR01', callbackId: 'K1', kind: 'sales', subjectId: 'O1', outcome: 'reached' }),
      ev('repair.opened', ago(90), { store: 'BR01', roId: 'R1', appointmentId: 'A1' }),
      ev('repair.opened', ago(80), { store: 'BR01', roId: 'R2' }),
      ev('complaint.opened', ago(300), {
        store: 'BR01',
        complaintId: 'C1',
        channel: 'phone',
        category: 'service',
        severity: 'high',
        summary: '<b>等待</b>',
      }),
      ev('spend.recorded', ago(30), { store: 'BR01', spendId: 'S1', budgetId: 'BR-B1', amount: 9000 }),
    ],
  });
  expect(res.status).toBe(202);
  await waitFor(async () => (await stack.request('GET', '/api/v1/stores/BR01/kpis')).body?.seq >= 7, 10_000, 'events applied');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('wall display', () => {
  it('shows the store figures, masks nothing it should not, and follows live pushes', async () => {
    const key = await stack.request('POST', '/api/v1/keys', { name: 'kiosk', scopes: ['read'] });
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${stack.baseUrl}/wall/BR01?token=${key.body.token}`);
    const text = (id: string) => page.getByTestId(id).first().innerText();
    await page.getByTestId('sales-callback-today').first().waitFor({ timeout: 15_000 });
    await waitFor(async () => (await text('sales-callback-today')).includes('100.0'), 10_000, 'the callback figure');

    // The key is kept by the browser, not left in the address bar.
    expect(page.url()).not.toContain('token=');
    expect((await text('sales-callback-today')).replace(/\s/g, '')).toBe('100.0%');
    expect(await text('sales-callback-pending')).toMatch(/\b1\b/);
    expect(await text('sales-callback-missed')).toMatch(/\b0\b/);
    expect((await text('appointment-today')).replace(/\s/g, '')).toBe('50.0%');
    expect((await text('service-callback-today')).trim()).toBe('—');
    expect(await text('complaints-open')).toMatch(/\b1\b/);
    expect(await text('complaints-overdue')).toMatch(/\b1\b/);
    expect(await page.getByTestId('budget-BR-B1').getAttribute('data-status')).toBe('warn');
    expect(await text('spend-ratio')).toContain('90.0');
    expect(await page.getByTestId('conn-state').innerText()).toBeTruthy();
    // Raised before the wall opened, on the ticker all the same: the complaint passed its 4 h
    // response deadline an hour ago (critical: high severity), the budget its 80 % line (warning).
    await waitFor(async () => (await page.getByTestId('alert-item').count()) === 2, 10_000, 'two alerts on the ticker');
    const severities = await page.getByTestId('alert-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-severity')));
    expect(severities.sort()).toEqual(['critical', 'warning']);

    // Nothing scrolls at 1920×1080.
    const overflow = await page.evaluate(() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]);
    expect(overflow[0]).toBeLessThanOrEqual(1080);
    expect(overflow[1]).toBeLessThanOrEqual(1920);

    // A live push: the second delivery is called back → 2 of 2, none pending.
    await stack.request(
      'POST',
      '/api/v1/events',
      ev('callback.attempted', ago(1), { store: 'BR01', callbackId: 'K2', kind: 'sales', subjectId: 'O2', outcome: 'reached' }),
    );
    await waitFor(async () => /\b0\b/.test(await text('sales-callback-pending')), 10_000, 'the pushed figure');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/wall-1920x1080.png' });
    await page.close();
  });

  it('lists as many budgets as fit their panel, with the rest counted under them', async () => {
    const { zone, month } = zoneAtNoon();
    const TOTAL = 12;
    await stack.request('PUT', '/api/v1/stores/BR02', { name: '杭州滨江店', timezone: zone });
    for (let i = 1; i <= TOTAL; i++) {
      const id = `BR2-B${String(i).padStart(2, '0')}`;
      const put = await stack.request('PUT', `/api/v1/budgets/${id}`, {
        store: 'BR02',
        name: `预算${i}`,
        month,
        amount: 1000 * i,
        warnAt: 0.8,
      });
      expect(put.status).toBe(200);
    }
    const key = await stack.request('POST', '/api/v1/keys', { name: 'kiosk', scopes: ['read'] });
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${stack.baseUrl}/wall/BR02?token=${key.body.token}`);
    const more = page.getByTestId('budgets-more');
    await more.waitFor({ timeout: 15_000 });
    // Measured after layout: the rows shown and the count under them add up to every budget.
    const layout = await waitFor(
      async () => {
        const l = await page.getByTestId('budget-list').evaluate((list) => {
          const box = list.getBoundingClientRect();
          const rows = Array.from(list.querySelectorAll('[data-testid^="budget-"]')).map((r) => r.getBoundingClientRect());
          const moreLine = list.querySelector('[data-testid="budgets-more"]')!.getBoundingClientRect();
          const gap = parseFloat(getComputedStyle(list).rowGap) || 0;
          return { top: box.top, bottom: box.bottom, rows: rows.map((r) => [r.top, r.bottom]), moreBottom: moreLine.bottom, gap };
        });
        const hidden = Number(/\d+/.exec(await more.innerText())?.[0]);
        return l.rows.length + hidden === TOTAL ? { ...l, hidden } : null;
      },
      10_000,
      'rows and the count to add up',
    );
    expect(layout.rows.length).toBeGreaterThan(0);
    expect(layout.hidden).toBeGreaterThan(0);
    // Nothing cut off: every row and the count line end inside the list.
    for (const [, bottom] of layout.rows) expect(bottom).toBeLessThanOrEqual(layout.bottom + 0.5);
    expect(layout.moreBottom).toBeLessThanOrEqual(layout.bottom + 0.5);
    // And no room wasted: one more row (and its gap) would not fit above the count line.
    const rowHeight = layout.rows[0]![1]! - layout.rows[0]![0]!;
    const lastBottom = layout.rows.at(-1)![1]!;
    const moreHeight = layout.moreBottom - lastBottom - layout.gap;
    expect(lastBottom + layout.gap + rowHeight + layout.gap + moreHeight).toBeGreaterThan(layout.bottom);
    await page.close();
  });

  it('applies a burst of pushes once per frame, ending with the newest figures; an older seq never replaces them', async () => {
    const base = (await stack.request('GET', '/api/v1/stores/BR01/kpis')).body as Snapshot;
    const BURST = 200;
    /** Push i of the burst: a new seq and spend 9,000 + 10·i yuan. */
    const pushOf = (i: number): Snapshot => ({
      ...base,
      seq: base.seq + i,
      kpis: { ...base.kpis, spend: { ...base.kpis.spend, spent: 9000 + 10 * i } },
    });
    const room = stack.app.live.namespace.to(roomOf('BR01'));
    const key = await stack.request('POST', '/api/v1/keys', { name: 'kiosk', scopes: ['read'] });

    /** Opens the wall, sends the burst and then an older push; returns the spend figures it rendered. */
    async function burstOn(initScript?: string): Promise<string[]> {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      if (initScript) await page.addInitScript({ content: initScript });
      await page.goto(`${stack.baseUrl}/wall/BR01?token=${key.body.token}`);
      await page.locator('[data-testid="conn-state"][data-state="live"]').waitFor({ timeout: 15_000 });
      const spent = page.getByTestId('spend-spent');
      await waitFor(async () => (await spent.innerText()).replace(/\D/g, '') === '9000', 10_000, 'the first figures');
      // Every figure the spend line shows from here on, in order.
      await spent.evaluate((el) => {
        const seen: string[] = [];
        (window as unknown as { __spent: string[] }).__spent = seen;
        new MutationObserver(() => seen.push((el.textContent ?? '').replace(/\D/g, ''))).observe(el, {
          subtree: true,
          childList: true,
          characterData: true,
        });
      });
      for (let i = 1; i <= BURST; i++) room.emit('kpis', pushOf(i));
      await waitFor(async () => (await spent.innerText()).replace(/\D/g, '') === '11000', 10_000, 'the newest figures');
      // An older push after the burst: still the newest figures, several frames and the fallback pause later.
      room.emit('kpis', pushOf(BURST - 1));
      await page.waitForTimeout(500);
      expect((await spent.innerText()).replace(/\D/g, '')).toBe('11000');
      const seen = await page.evaluate(() => (window as unknown as { __spent: string[] }).__spent);
      await page.close();
      return seen;
    }

    const check = (seen: string[]) => {
      // Rendered in order, newest last, each figure once; far fewer renders than pushes (one per push
      // without coalescing: each WebSocket message is a task of its own, rendered after it).
      const values = seen.map(Number);
      expect(values.at(-1)).toBe(11000);
      expect(values).toEqual([...new Set(values)].sort((a, b) => a - b));
      expect(values.length).toBeLessThan(BURST / 4);
    };
    check(await burstOn());
    // No animation frames (as in a hidden tab): the fallback timer still applies the newest.
    check(await burstOn('window.requestAnimationFrame = () => 0;'));
  });

  it('draws the figures its page brings before any live connection or API answer', async () => {
    const key = (await stack.request('POST', '/api/v1/keys', { name: 'tv', scopes: ['read'] })).body.token as string;
    const api = (await stack.request('GET', '/api/v1/stores/BR01/kpis')).body as Snapshot;
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      // The page and its files only: the socket and the API never answer.
      await context.route(/\/(socket\.io|api)\//, (route) => route.abort());
      // A WebSocket that never reaches the server (nor answers).
      await context.routeWebSocket(/\/socket\.io\//, () => undefined);
      const page = await context.newPage();
      await page.goto(`${stack.baseUrl}/wall/BR01?token=${key}`);
      const open = page.getByTestId('complaints-open');
      await waitFor(async () => /\d/.test(await open.innerText()), 10_000, 'the figures of the page');
      expect((await open.innerText()).trim()).toBe(String(api.kpis.complaints.open));
      expect(await page.getByTestId('conn-state').getAttribute('data-state')).not.toBe('live');
      // Drawn once, then the page's element is gone: nothing left to show a second time.
      expect(await page.locator('#pulse-snapshot').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('asks for a key when none is given', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${stack.baseUrl}/wall`);
    await page.waitForSelector('text=token', { timeout: 10_000 });
    await page.close();
  });
});
