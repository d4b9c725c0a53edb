/**
 * Markup in the data is shown as text on every page: store, budget and material names, complaint
 * summaries, customer names, media outlets and titles, screen titles, override reasons and
 * acknowledgements, and the alert texts that embed them. Each one is a script or an image with
 * an `onerror` that would set `window.__pwned`; no page may run it, and where a page shows the
 * field the literal markup appears as text.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../domain/alerts.js';
import { ev } from '../support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from '../support/stack.js';
import { zoneAtNoon } from '../support/zone-at-noon.js';

let stack: Stack;
let browser: Browser;
/** read: the wall; read + pii + ack: a desk that sees names. */
const keys = { read: '', desk: '' };

const img = (tag: string) => `<img src=x onerror="window.__pwned='${tag}'">`;
const script = (tag: string) => `<script>window.__pwned='${tag}'</script>`;
const T = {
  store: `${img('store')}宁波`,
  budget: `${script('budget')}抖音`,
  material: `${img('material')}海报`,
  summary: `${script('summary')}${img('summary')}等太久`,
  customer: img('cust'),
  outlet: `${img('outlet')}懂车帝`,
  title: script('title'),
  screen: img('screen'),
  reason: `${img('reason')}先投放再说`,
  by: img('by'),
  ackBy: img('ackBy'),
  ackNote: script('ackNote'),
  program: `${img('program')}厂家支持`,
};
const S = 'XS1';
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const DAY = 24 * 60;

beforeAll(async () => {
  stack = await startStack('markup');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const { zone, month } = zoneAtNoon();
  const put = async (path: string, body: unknown) => expect((await stack.request('PUT', path, body)).status, path).toBe(200);
  await put(`/api/v1/stores/${S}`, { name: T.store, timezone: zone });
  await put('/api/v1/budgets/XS-B1', { store: S, name: T.budget, month, amount: 10000, warnAt: 0.8 });
  await put('/api/v1/materials/XS-M1', { store: S, name: T.material, reorderLevel: 20 });
  await put('/api/v1/screens/xss', {
    title: T.screen,
    items: [
      { page: 'overview', store: S, seconds: 5 },
      { page: 'marketing', store: S, seconds: 60 },
    ],
  });
  const customer = { id: 'XC1', name: T.customer, phone: '<b>13812345678</b>' };
  const res = await stack.request('POST', '/api/v1/events', {
    events: [
      ev('spend.recorded', ago(30), { store: S, spendId: 'XSP1', budgetId: 'XS-B1', amount: 10500, vendor: img('vendor') }),
      ev('material.moved', ago(40), { store: S, itemId: 'XS-M1', quantity: 5 }),
      // Counted 4 of the 5 on the books: the name shows among the stocktake's gaps too.
      ev('material.counted', ago(35), { store: S, itemId: 'XS-M1', counted: 4 }),
      // A co-op spend unclaimed for 45 days: on the list of spends to claim, with its program.
      ev('spend.recorded', ago(45 * DAY), {
        store: S,
        spendId: 'XSP0',
        budgetId: 'XS-B0',
        amount: 2000,
        coop: { program: T.program, share: 0.5 },
      }),
      // High severity: its 4 h response deadline passed an hour ago (overdue, announced); open till 24 h.
      ev('complaint.opened', ago(5 * 60), {
        store: S,
        complaintId: 'XCP1',
        channel: 'wechat',
        category: 'service',
        severity: 'high',
        summary: T.summary,
        customer,
      }),
      ev('vehicle.delivered', ago(60), { store: S, orderId: 'XO1', model: img('model'), customer }),
      ev('media.mention', ago(20), { store: S, mentionId: 'XM1', sentiment: 'negative', outlet: T.outlet, title: T.title }),
      // Customer value: XC1 is the one valuable customer gone quiet (as in segments-job.test.ts).
      ev('order.signed', ago(300 * DAY), { store: S, orderId: 'XO3', model: '汉', amount: 500_000, customer }),
      ev('order.signed', ago(2 * DAY), { store: S, orderId: 'XO4', model: '秦', amount: 300_000, customer: { id: 'XC2' } }),
      ev('order.signed', ago(200 * DAY), { store: S, orderId: 'XO5', model: '宋', amount: 100_000, customer: { id: 'XC3' } }),
      ev('member.joined', ago(DAY), { store: S, customer: { id: 'XC4', name: T.customer } }),
    ],
  });
  expect(res.status).toBe(202);
  await waitFor(async () => (await stack.request('GET', `/api/v1/stores/${S}/kpis`)).body?.seq >= 11, 10_000, 'events applied');

  // Customer value, now.
  const job = await stack.request('POST', `/api/v1/stores/${S}/segments/recompute`);
  expect(job.status).toBe(202);
  await waitFor(
    async () => (await stack.request('GET', `/api/v1/stores/${S}/segments/job/${job.body.jobId}`)).body?.state === 'completed',
    20_000,
    'customer value',
  );
  // A manager lets a spend through the tripped breaker, with a reason; a desk takes the media alert
  // (a low material waits 45 s to settle before it is announced: too long for this test).
  const check = await stack.request('POST', '/api/v1/budgets/XS-B1/check', {
    amount: 100,
    override: { reason: T.reason, by: T.by },
  });
  expect(check.status).toBe(200);
  const mediaAlert = await waitFor(async () => {
    const r = await stack.request('GET', `/api/v1/alerts?store=${S}&kind=media_negative`);
    return (r.body?.alerts as AlertRecord[] | undefined)?.[0];
  });
  expect((await stack.request('POST', `/api/v1/alerts/${mediaAlert.id}/ack`, { by: T.ackBy, note: T.ackNote })).status).toBe(200);
  for (const kind of ['budget_tripped', 'complaint_overdue']) {
    await waitFor(
      async () => (await stack.request('GET', `/api/v1/alerts?store=${S}&kind=${kind}`)).body?.alerts?.length > 0,
      10_000,
      kind,
    );
  }
  keys.read = (await stack.request('POST', '/api/v1/keys', { name: 'tv', scopes: ['read'] })).body.token;
  keys.desk = (await stack.request('POST', '/api/v1/keys', { name: 'desk', scopes: ['read', 'pii', 'ack'] })).body.token;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function open(path: string, token: string, width = 1920, height = 1080): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${stack.baseUrl}${path}?token=${encodeURIComponent(token)}`);
  return page;
}
const bodyText = (page: Page) => page.evaluate(() => document.body.innerText);

/** Nothing ran, no element came from the data: no image of `src=x`, no script mentioning __pwned. */
async function expectInert(page: Page, where: string) {
  // An image's onerror fires once it fails to load: give it the time to.
  await page.waitForTimeout(300);
  const found = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
    images: document.querySelectorAll('img[src="x"]').length,
    scripts: Array.from(document.scripts).filter((s) => s.textContent?.includes('__pwned')).length,
  }));
  expect(found, where).toEqual({ pwned: null, images: 0, scripts: 0 });
}
async function expectShown(page: Page, texts: string[], where: string) {
  await waitFor(
    async () => {
      const t = await bodyText(page);
      return texts.every((x) => t.includes(x));
    },
    10_000,
    `${where} to show ${texts.map((x) => JSON.stringify(x)).join(', ')}`,
  );
}

describe('markup in the data is shown as text', () => {
  it('the store wall: name, budget on the banner and the spend panel', async () => {
    const page = await open(`/wall/${S}`, keys.read);
    await page.getByTestId('page-overview').waitFor({ timeout: 15_000 });
    await expectShown(page, [T.store, T.budget], 'the wall');
    expect(await page.getByTestId('store-name').first().innerText()).toContain(T.store);
    await expectInert(page, 'the wall');
    await page.close();
  });

  it('every department page of the store and of the group', { timeout: 90_000 }, async () => {
    const pages: [string, string[]][] = [
      [`/wall/${S}/sales`, [T.store]],
      [`/wall/${S}/service`, [T.store]],
      [`/wall/${S}/marketing`, [T.store, T.budget, T.material]],
      [`/wall/${S}/value`, [T.store]],
      ['/wall', []],
      ['/wall/group/sales', []],
      ['/wall/group/service', []],
      ['/wall/group/marketing', [T.budget, T.material]],
      ['/wall/group/value', []],
    ];
    for (const [path, texts] of pages) {
      const page = await open(path, keys.read);
      const name = path.split('/')[3] ?? 'overview';
      await page.getByTestId(`page-${name}`).waitFor({ timeout: 15_000 });
      await expectShown(page, texts, path);
      await expectInert(page, path);
      await page.close();
    }
  });

  it('the alerts, as the wall ticker and the staff page show them', async () => {
    const page = await open(`/staff/${S}`, keys.desk, 1280, 900);
    await page.getByTestId('staff-alerts').waitFor({ timeout: 15_000 });
    // The budget tripped, and the negative mention (outlet, title) acknowledged with who and a note.
    await expectShown(page, [T.store, T.budget, T.outlet, T.ackBy], 'the staff alerts');
    await expectInert(page, 'the staff page');
    await page.close();
  });

  it('the staff page’s work lists and breaker, names unmasked for a pii key', { timeout: 90_000 }, async () => {
    const page = await open(`/staff/${S}`, keys.desk, 1280, 900);
    await page.getByTestId('staff-page').waitFor({ timeout: 15_000 });
    const lists: [string, string[]][] = [
      ['pendingCallbacks', [T.customer]],
      // Open complaints, the overdue one among them (the staff page has no tile of its own for those).
      ['openComplaints', [T.summary, T.customer]],
      ['lowMaterials', [T.material]],
      ['highChurn', [T.customer]],
      ['coopUnclaimed', [T.program]],
    ];
    for (const [list, texts] of lists) {
      await page.getByTestId(`drill-${list}`).first().click();
      const dialog = page.getByTestId('work-list');
      await dialog.waitFor({ timeout: 10_000 });
      await waitFor(
        async () => {
          const t = await dialog.innerText();
          return texts.every((x) => t.includes(x));
        },
        10_000,
        `${list} to show the markup as text`,
      );
      await expectInert(page, list);
      await page.getByTestId('work-list-close').first().click();
      await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    }
    await page.getByTestId('budget-breaker').waitFor({ timeout: 10_000 });
    await expectShown(page, [T.reason], 'the override log');
    await expectInert(page, 'the breaker');
    await page.close();
  });

  it('the group staff page and the screen playlist', { timeout: 90_000 }, async () => {
    const staff = await open('/staff', keys.desk, 390, 844);
    await staff.getByTestId('staff-page').waitFor({ timeout: 15_000 });
    await expectShown(staff, [T.budget], 'the group staff page');
    await expectInert(staff, 'the group staff page');
    await staff.close();

    const screen = await open('/screen/xss', keys.read);
    await screen.getByTestId('screen-player').waitFor({ timeout: 15_000 });
    await expectShown(screen, [T.screen, T.store], 'the screen');
    await expectInert(screen, 'the screen');
    await screen.getByTestId('page-marketing').waitFor({ timeout: 15_000 });
    await expectShown(screen, [T.material], 'the screen’s marketing page');
    await expectInert(screen, 'the screen’s marketing page');
    await screen.close();
  });

  it('the API returns the text as it was sent', async () => {
    const res = await stack.request('GET', `/api/v1/stores/${S}/lists/openComplaints`, undefined, ADMIN_TOKEN);
    expect(res.body.items[0]).toMatchObject({ summary: T.summary, customer: { name: T.customer } });
  });
});
