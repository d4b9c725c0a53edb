/**
 * The marketing ledgers on screen, worked out by hand: a store's co-op ledger (spends of several
 * ages, a claim approved in part and paid in part long ago, one approved and paid in part today, one
 * rejected today) and a stocktake that differs from the books, read off the marketing wall page;
 * then the staff page's co-op lists, which empty as claims and payments arrive. `PULSE_DOC_SHOTS=1`
 * writes the screenshots to docs/.
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev } from '../support/events.js';
import { startStack, waitFor, type Stack } from '../support/stack.js';
import { zoneAtNoon } from '../support/zone-at-noon.js';

const SHOTS = process.env.PULSE_DOC_SHOTS === '1' ? 'docs' : 'test-results';
const STORE = 'CW01';
const s = { store: STORE };
const PROGRAM = '一汽丰田2026区域市场支持';

let stack: Stack;
let browser: Browser;
let key: string;
let seq = 0;

const DAY = 86_400_000;
// The store's zone is at about noon now (zoneAtNoon): "n days ago" is n store-local days ago, and
// "minutes ago" is today, in this month.
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

const spend = (spendId: string, at: string, budgetId: string, amount: number, share?: number) =>
  ev('spend.recorded', at, { ...s, spendId, budgetId, amount, ...(share ? { coop: { program: PROGRAM, share } } : {}) });
const claim = (claimId: string, at: string, spendIds: string[], amount: number) =>
  ev('coop.claim.submitted', at, { ...s, claimId, program: PROGRAM, spendIds, amount, evidence: 2 });

/**
 * Co-op parts (amount × share) and ages in the comments. The budgets are this month's: only the
 * spends of today count against them.
 */
const LEDGER = [
  spend('SP1', daysAgo(10), 'CW01-old-show', 20_000, 0.5), // 10,000; 10 days; unclaimed
  spend('SP2', daysAgo(45), 'CW01-old-show', 12_000, 0.5), // 6,000; 45 days; unclaimed
  spend('SP3', daysAgo(75), 'CW01-old-online', 8_000, 0.25), // 2,000; 75 days; unclaimed
  spend('SP4', daysAgo(120), 'CW01-old-online', 3_000, 1), // 3,000; 120 days; unclaimed
  spend('SP5', daysAgo(70), 'CW01-old-show', 30_000, 0.4), // 12,000; claimed by C1
  spend('SP6', daysAgo(50), 'CW01-old-online', 10_000, 0.5), // 5,000; claimed by C2
  spend('SP9', daysAgo(20), 'CW01-old-online', 2_000, 0.5), // 1,000; claimed by C3
  spend('SP7', daysAgo(12), 'CW01-old-show', 5_000), // no program
  spend('SP8', daysAgo(400), 'CW01-old-show', 4_000, 0.5), // outside the 365 days
  // C1: 12,000 claimed 65 days ago, 9,000 approved 40 days ago, 4,000 paid: 5,000 overdue.
  claim('C1', daysAgo(65), ['SP5'], 12_000),
  ev('coop.claim.decided', daysAgo(40), { ...s, claimId: 'C1', outcome: 'partial', approvedAmount: 9_000 }),
  ev('coop.claim.paid', daysAgo(35), { ...s, claimId: 'C1', amount: 4_000 }),
  // C2, today: 5,000 claimed and approved, 2,000 paid: 3,000 outstanding, not overdue.
  claim('C2', ago(180), ['SP6'], 5_000),
  ev('coop.claim.decided', ago(120), { ...s, claimId: 'C2', outcome: 'approved', approvedAmount: 5_000 }),
  ev('coop.claim.paid', ago(60), { ...s, claimId: 'C2', amount: 2_000 }),
  // C3, today: 1,000 claimed, rejected.
  claim('C3', ago(170), ['SP9'], 1_000),
  ev('coop.claim.decided', ago(110), { ...s, claimId: 'C3', outcome: 'rejected', approvedAmount: 0, reason: '发票抬头不符' }),
];

/** Worked out by hand from LEDGER. */
const FIGURES = {
  // SP1 10,000 + SP2 6,000 + SP3 2,000 + SP4 3,000 + SP5 12,000 + SP6 5,000 + SP9 1,000 (SP8 too old).
  'coop-eligible': '¥39,000',
  // SP1 + SP2 + SP3 + SP4.
  'coop-unclaimed': '¥21,000',
  'coop-age-d0_30': '¥10,000',
  'coop-age-d31_60': '¥6,000',
  'coop-age-d61_90': '¥2,000',
  'coop-age-over90': '¥3,000',
  // C1 9,000 − 4,000 + C2 5,000 − 2,000.
  'coop-outstanding': '¥8,000',
  // C1's, decided 40 days ago.
  'coop-overdue': '¥5,000',
  // Decided in the last 365 days: (9,000 + 5,000 + 0) ÷ (12,000 + 5,000 + 1,000) = 14 ÷ 18 = 77.78 %.
  'coop-approval-rate': '77.8%',
  // This month: submitted C2 5,000 + C3 1,000; decided C2 5,000 + C3 0; paid C2 2,000.
  'coop-month-claimed': '¥6,000',
  'coop-month-approved': '¥5,000',
  'coop-month-received': '¥2,000',
};

/** This month's budgets, for a wall that looks like a store's. */
const BUDGETS: [string, string, number, number][] = [
  ['CW01-online', '线上投放', 120_000, 86_400],
  ['CW01-show', '车展活动', 200_000, 64_500],
  ['CW01-video', '短视频推广', 40_000, 35_200],
  ['CW01-care', '老客户关怀', 30_000, 8_800],
];

async function post(events: unknown[]): Promise<void> {
  const res = await stack.request('POST', '/api/v1/events', { events });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  seq += events.length;
  const want = seq;
  await waitFor(
    async () => (await stack.request('GET', `/api/v1/stores/${STORE}/kpis`)).body?.seq >= want,
    15_000,
    'events applied',
  );
}

beforeAll(async () => {
  stack = await startStack('coopwall');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const { zone, month } = zoneAtNoon();
  await stack.request('PUT', `/api/v1/stores/${STORE}`, { name: '杭州滨江店', timezone: zone });
  for (const [id, name, amount] of BUDGETS) {
    const budget = { store: STORE, name, month, amount, warnAt: 0.8, campaignId: `CMP-${id}` };
    expect((await stack.request('PUT', `/api/v1/budgets/${id}`, budget)).status).toBe(200);
  }
  await stack.request('PUT', '/api/v1/materials/CW01-ROLLUP', { store: STORE, name: '展台易拉宝', reorderLevel: 5 });
  await stack.request('PUT', '/api/v1/materials/CW01-FLAG', { store: STORE, name: '店头道旗', reorderLevel: 4 });
  await stack.request('PUT', '/api/v1/materials/CW01-GIFT', { store: STORE, name: '车模礼品（1:43）', reorderLevel: 20 });
  await post([
    ...LEDGER,
    ...BUDGETS.map(([id, , , spent]) => spend(`S-${id}`, ago(200), id, spent)),
    // Leads and orders of the budgets' campaigns.
    ...BUDGETS.flatMap(([id], b) =>
      Array.from({ length: 9 - 2 * b }, (_, i) =>
        ev('lead.created', ago(190 - i), { ...s, leadId: `L-${id}-${i}`, channel: 'web', campaignId: `CMP-${id}` }),
      ),
    ),
    ev('order.signed', ago(100), { ...s, orderId: 'O1', model: '凯美瑞', amount: 189_800, campaignId: 'CMP-CW01-online' }),
    ev('order.signed', ago(95), { ...s, orderId: 'O2', model: '汉兰达', amount: 279_800, campaignId: 'CMP-CW01-show' }),
    ev('order.signed', ago(92), { ...s, orderId: 'O3', model: '凯美瑞', amount: 175_800, campaignId: 'CMP-CW01-show' }),
    ev('media.mention', ago(80), { ...s, mentionId: 'M1', sentiment: 'positive', outlet: '懂车帝' }),
    // Books 20, counted 17: 3 missing. Books 10, counted 12: 2 not booked in. The gift is low (8 of 20), never counted.
    ev('material.moved', ago(240), { ...s, itemId: 'CW01-ROLLUP', quantity: 20 }),
    ev('material.counted', ago(90), { ...s, itemId: 'CW01-ROLLUP', counted: 17 }),
    ev('material.moved', ago(240), { ...s, itemId: 'CW01-FLAG', quantity: 10 }),
    ev('material.counted', ago(90), { ...s, itemId: 'CW01-FLAG', counted: 12 }),
    ev('material.moved', ago(240), { ...s, itemId: 'CW01-GIFT', quantity: 8 }),
  ]);
  key = (await stack.request('POST', '/api/v1/keys', { name: 'kiosk', scopes: ['read'] })).body.token;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function open(path: string, locale: 'zh-CN' | 'en' = 'zh-CN', width = 1920, height = 1080): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  await context.addInitScript((l) => localStorage.setItem('pulse.locale', l), locale);
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}${path}?token=${key}`);
  return page;
}
const text = async (page: Page, id: string) => (await page.getByTestId(id).first().innerText()).trim();
async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

describe('the co-op panel and the stocktake on the marketing wall', () => {
  it('shows the hand-worked ledger, and the gaps as books against counted', async () => {
    const page = await open(`/wall/${STORE}/marketing`);
    await page.getByTestId('coop-eligible').waitFor({ timeout: 15_000 });
    for (const [id, want] of Object.entries(FIGURES)) expect(await text(page, id), id).toBe(want);
    expect(await text(page, 'coop-unclaimed-count')).toBe('4 笔');
    expect(await text(page, 'coop-month-rejected')).toBe('驳回 1 笔');
    // The bar: four parts, each as wide as its share of the 21,000 (10 : 6 : 2 : 3).
    const widths = await page
      .locator('.bar .seg')
      .evaluateAll((els) => els.map((e) => Math.round((e.getBoundingClientRect().width / e.parentElement!.clientWidth) * 100)));
    expect(widths.length).toBe(4);
    // 47.6 %, 28.6 %, 9.5 %, 14.3 % of the bar, less the gaps between the parts.
    expect(Math.abs(widths[0]! - 48)).toBeLessThanOrEqual(1);
    expect(Math.abs(widths[3]! - 14)).toBeLessThanOrEqual(1);

    expect(await text(page, 'materials-discrepancy-count')).toBe('2');
    expect(await text(page, 'materials-low-count')).toBe('1');
    const rollup = page.getByTestId('material-gap-CW01-ROLLUP');
    expect((await rollup.getByTestId('gap-books').innerText()).trim()).toBe('账面 20 / 实盘 17');
    expect((await rollup.getByTestId('gap-value').innerText()).trim()).toBe('短少 3');
    const flag = page.getByTestId('material-gap-CW01-FLAG');
    expect((await flag.getByTestId('gap-books').innerText()).trim()).toBe('账面 10 / 实盘 12');
    expect((await flag.getByTestId('gap-value').innerText()).trim()).toBe('多出 2');
    // The largest gap first; the low item still listed under them.
    expect(await page.locator('[data-testid^="material-gap-"]').evaluateAll((els) => els.map((e) => e.dataset.testid))).toEqual([
      'material-gap-CW01-ROLLUP',
      'material-gap-CW01-FLAG',
    ]);
    await page.getByTestId('material-CW01-GIFT').waitFor();
    await page.waitForTimeout(800);
    await shot(page, 'wall-coop-1920x1080');
    await page.context().close();
  }, 60_000);

  it('in English; and the group of this one store, the same sums', async () => {
    const page = await open(`/wall/${STORE}/marketing`, 'en');
    await page.getByTestId('coop-eligible').waitFor({ timeout: 15_000 });
    expect(await text(page, 'coop-unclaimed-count')).toBe('4 spends');
    expect(await text(page, 'coop-month-rejected')).toBe('1 rejected');
    expect((await page.getByTestId('material-gap-CW01-ROLLUP').getByTestId('gap-books').innerText()).trim()).toBe(
      'books 20 / counted 17',
    );
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/wall-coop-en.png' });
    await page.context().close();
    const group = await open('/wall/group/marketing');
    await group.getByTestId('coop-eligible').waitFor({ timeout: 15_000 });
    await waitFor(async () => (await text(group, 'coop-eligible')) === FIGURES['coop-eligible'], 10_000, 'the group figures');
    expect(await text(group, 'coop-overdue')).toBe(FIGURES['coop-overdue']);
    expect(await text(group, 'coop-approval-rate')).toBe(FIGURES['coop-approval-rate']);
    // The group names the store of each gap.
    expect(await group.getByTestId(`material-gap-${STORE}-CW01-ROLLUP`).innerText()).toContain(STORE);
    await group.context().close();
  }, 60_000);
});

describe('the co-op lists on the staff page', () => {
  it('lists the spends unclaimed past 30 days and the overdue payments, and empties them as claims and payments arrive', async () => {
    const page = await open(`/staff/${STORE}`, 'zh-CN', 1280, 900);
    await page.getByTestId('staff-page').waitFor({ timeout: 15_000 });
    // The figures are the amounts the lists hold: SP2 6,000 + SP3 2,000 + SP4 3,000; C1's 5,000.
    expect(await text(page, 'drill-coopUnclaimed')).toContain('¥11,000');
    expect(await text(page, 'drill-coopUnpaid')).toContain('¥5,000');

    mkdirSync('test-results', { recursive: true });
    await page.locator('#marketing').screenshot({ path: 'test-results/staff-marketing.png' });
    await page.getByTestId('drill-coopUnclaimed').click();
    await page.getByTestId('work-list').waitFor({ timeout: 10_000 });
    const rows = page.getByTestId('work-list-item');
    await waitFor(async () => (await rows.count()) === 3, 10_000, 'three unclaimed spends');
    // The oldest first: SP4 (120 days), SP3 (75), SP2 (45); SP1 (10 days) is not yet due.
    expect(await rows.locator('[data-testid="coop-row-age"]').allInnerTexts()).toEqual([
      '120 天未申报',
      '75 天未申报',
      '45 天未申报',
    ]);
    expect(await rows.locator('[data-testid="coop-row-amount"]').allInnerTexts()).toEqual([
      '可返还 ¥3,000',
      '可返还 ¥2,000',
      '可返还 ¥6,000',
    ]);
    expect(await rows.first().innerText()).toContain(PROGRAM);
    await shot(page, 'staff-coop');

    // SP2 and SP3 are claimed: the open list is read again on the push and keeps SP4 alone.
    await post([claim('C4', ago(5), ['SP2', 'SP3'], 8_000)]);
    await waitFor(async () => (await rows.count()) === 1, 15_000, 'the claimed spends gone');
    expect(await rows.first().locator('[data-testid="coop-row-age"]').innerText()).toBe('120 天未申报');
    await page.getByTestId('work-list-close').click();
    // SP4's 3,000 left.
    await waitFor(async () => (await text(page, 'drill-coopUnclaimed')).includes('¥3,000'), 10_000, 'the figure');

    await page.getByTestId('drill-coopUnpaid').click();
    await waitFor(async () => (await rows.count()) === 1, 10_000, 'one unpaid claim');
    const unpaid = await rows.first().innerText();
    expect(unpaid).toContain('C1');
    expect(unpaid).toContain('部分批准');
    expect(unpaid).toContain('申报 ¥12,000 · 批准 ¥9,000 · 已到账 ¥4,000');
    expect(await rows.first().getByTestId('coop-row-outstanding').innerText()).toBe('待到账 ¥5,000');
    expect(await rows.first().getByTestId('coop-row-age').innerText()).toBe('批准后 40 天');
    // The rest of C1 arrives: nothing left to chase.
    await post([ev('coop.claim.paid', ago(2), { ...s, claimId: 'C1', amount: 5_000 })]);
    await waitFor(async () => (await rows.count()) === 0, 15_000, 'the paid claim gone');
    expect(await page.getByTestId('work-list').innerText()).toContain('名单为空');
    await page.context().close();
  }, 90_000);
});
