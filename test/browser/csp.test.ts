/**
 * The built wall under its Content-Security-Policy in a real Chromium: every page renders, its
 * charts and live socket work, and the browser reports no violation of the policy.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev } from '../support/events.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let browser: Browser;
let key: string;

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

beforeAll(async () => {
  stack = await startStack('csp');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  await stack.request('PUT', '/api/v1/stores/CS01', { name: '苏州园区店', timezone: 'Asia/Shanghai' });
  await stack.request('PUT', '/api/v1/screens/csp-lobby', { items: [{ page: 'sales', store: 'CS01', seconds: 30 }] });
  const res = await stack.request('POST', '/api/v1/events', {
    events: [
      ev('showroom.visit', ago(30), { store: 'CS01', firstVisit: true }),
      ev('order.signed', ago(20), { store: 'CS01', orderId: 'O1', model: '凯美瑞', amount: 189800 }),
    ],
  });
  expect(res.status).toBe(202);
  key = (await stack.request('POST', '/api/v1/keys', { name: 'kiosk', scopes: ['read'] })).body.token;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Opens the page with a recorder of CSP violations installed before any of its scripts run. */
async function open(path: string): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) consoleErrors.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${stack.baseUrl}${path}?token=${key}`);
  return {
    page,
    violations: async () => [
      ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)),
      ...consoleErrors,
    ],
  };
}

describe('the wall under its Content-Security-Policy', () => {
  it.each([
    ['/wall/CS01', 'conn-state'],
    ['/wall/CS01/sales', 'page-sales'],
    ['/wall/CS01/service', 'page-service'],
    ['/wall/CS01/marketing', 'page-marketing'],
    ['/wall/CS01/value', 'page-value'],
    ['/wall', 'conn-state'],
    ['/screen/csp-lobby', 'screen-player'],
    ['/staff/CS01', 'staff-page'],
    // The current month's report, its trend charts drawn.
    ['/reports/CS01', 'trend-rates'],
    ['/reports/group', 'trend-rates'],
  ])('%s renders with no violation', async (path, testId) => {
    const { page, violations } = await open(path);
    try {
      await page.getByTestId(testId).first().waitFor({ timeout: 15_000 });
      // Charts drawn, the socket connected: give the page a moment to do what it does.
      await page.waitForTimeout(500);
      expect(await violations()).toEqual([]);
      const csp = (await page.request.get(`${stack.baseUrl}${path}`)).headers()['content-security-policy'];
      expect(csp).toContain("default-src 'self'");
    } finally {
      await page.close();
    }
  });
});
