/**
 * The period report page in a real Chromium against the real API (reports.md, "Report pages"):
 * events of a closed month and of the month before it are sent through the API, then
 * `/reports/{store}/{month}` must show what the report API says, worked out by hand here; the
 * picker moves to the month before and changes the address; the group's page sums the stores; the
 * CSV and the workbook download; the print style sheet gives an A4 PDF; axe-core finds nothing.
 * Screenshots (screen at 1280 wide, and the print layout) go to ../page-shots/ to be looked at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev } from '../support/events.js';
import { startStack, waitFor, type Stack } from '../support/stack.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '../../../page-shots');
const ZONE = 'Asia/Shanghai';

// The month two before the current one: closed whatever the day (a month closes a day after its end),
// so the events sent now for it arrive late and the report says it was revised.
const nowLocal = DateTime.now().setZone(ZONE);
const month = nowLocal.startOf('month').minus({ months: 2 });
const before = month.minus({ months: 1 });
const MONTH = month.toFormat('yyyy-MM');
const BEFORE = before.toFormat('yyyy-MM');
const LAST_YEAR = month.minus({ years: 1 }).toFormat('yyyy-MM');
/** Noon of a day of a month, local. */
const at = (m: DateTime, day: number, minute = 0) => m.set({ day, hour: 12, minute }).toUTC().toISO()!;

let stack: Stack;
let browser: Browser;
let key = '';

/**
 * The month: 5 visits (4 first), 3 test drives, 2 orders (1 delivered, its callback met), 3 complaints,
 * 2 leads, 8,500 yuan spent, 2 repairs of which 1 booked.
 */
function monthEvents(store: string) {
  const e = (type: string, minute: number, fields: Record<string, unknown>) =>
    ev(type as never, at(month, 10, minute), { store, ...fields } as never);
  return [
    ...[true, true, true, true, false].map((firstVisit, i) => e('showroom.visit', i, { firstVisit })),
    ...[0, 1, 2].map((i) => e('testdrive.completed', 10 + i, { model: '凯美瑞' })),
    e('order.signed', 20, { orderId: `${store}-O1`, model: '凯美瑞', amount: 189800, campaignId: `${store}-C1` }),
    e('order.signed', 21, { orderId: `${store}-O2`, model: '汉兰达', amount: 215000.5 }),
    ...[0, 1, 2].map((i) =>
      e('complaint.opened', 30 + i, { complaintId: `${store}-K${i}`, channel: 'phone', category: 'service', severity: 'low' }),
    ),
    e('lead.created', 40, { leadId: `${store}-L1`, channel: 'web', campaignId: `${store}-C1` }),
    e('lead.created', 41, { leadId: `${store}-L2`, channel: 'web' }),
    e('spend.recorded', 50, { spendId: `${store}-S1`, budgetId: `${store}-B1`, amount: 8500 }),
    // O1 delivered and its customer reached the next day: 1 callback met of 1.
    e('vehicle.delivered', 25, { orderId: `${store}-O1` }),
    ev('callback.attempted', at(month, 11), {
      store,
      callbackId: `${store}-CB1`,
      kind: 'sales',
      subjectId: `${store}-O1`,
      outcome: 'reached',
    }),
    // Two repairs, one of them booked: an appointment rate of 1 in 2.
    ev('appointment.booked', at(month, 9), { store, appointmentId: `${store}-A1`, scheduledFor: at(month, 10) }),
    e('repair.opened', 55, { roId: `${store}-R1`, appointmentId: `${store}-A1` }),
    e('repair.opened', 56, { roId: `${store}-R2` }),
  ];
}

/** The month before: 2 first visits, 1 test drive, 1 order of 100,000 yuan, 1 complaint. */
function beforeEvents(store: string) {
  const e = (type: string, minute: number, fields: Record<string, unknown>) =>
    ev(type as never, at(before, 12, minute), { store, ...fields } as never);
  return [
    e('showroom.visit', 0, { firstVisit: true }),
    e('showroom.visit', 1, { firstVisit: true }),
    e('testdrive.completed', 2, { model: '凯美瑞' }),
    e('order.signed', 3, { orderId: `${store}-O0`, model: '凯美瑞', amount: 100000 }),
    e('complaint.opened', 4, { complaintId: `${store}-K9`, channel: 'phone', category: 'sales', severity: 'low' }),
  ];
}

/**
 * RP1's co-op ledger: two co-op spends on the 12th of the month before (2,000 and 1,000 yuan of
 * program money); in the month a claim for the first (2,000), approved 1,500, paid 1,000. At the
 * month's end the second is 16 + 28 … 19 + 31 days old, 44 to 50: 31–60 days whatever the months.
 */
function coopEvents(store: string) {
  const program = '一汽丰田2026市场支持';
  return [
    ev('spend.recorded', at(before, 12, 10), {
      store,
      spendId: `${store}-CS1`,
      budgetId: `${store}-CB`,
      amount: 4000,
      coop: { program, share: 0.5 },
    }),
    ev('spend.recorded', at(before, 12, 11), {
      store,
      spendId: `${store}-CS2`,
      budgetId: `${store}-CB`,
      amount: 1000,
      coop: { program, share: 1 },
    }),
    ev('coop.claim.submitted', at(month, 5), {
      store,
      claimId: `${store}-Q1`,
      program,
      spendIds: [`${store}-CS1`],
      amount: 2000,
      evidence: 2,
    }),
    ev('coop.claim.decided', at(month, 15), { store, claimId: `${store}-Q1`, outcome: 'partial', approvedAmount: 1500 }),
    ev('coop.claim.paid', at(month, 20), { store, claimId: `${store}-Q1`, amount: 1000 }),
  ];
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack('reportpage');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  for (const [store, name] of [
    ['RP1', '杭州西湖店'],
    ['RP2', '宁波鄞州店'],
  ] as const) {
    expect((await stack.request('PUT', `/api/v1/stores/${store}`, { name, timezone: ZONE })).status).toBe(200);
    const budget = await stack.request('PUT', `/api/v1/budgets/${store}-B1`, {
      store,
      name: '<b>双11</b> 线上投放',
      month: MONTH,
      amount: 10000,
      warnAt: 0.8,
      campaignId: `${store}-C1`,
    });
    expect(budget.status).toBe(200);
    expect((await stack.request('PUT', `/api/v1/targets/${store}/${MONTH}`, { orders: 5 })).status).toBe(200);
  }
  const events = [...monthEvents('RP1'), ...beforeEvents('RP1'), ...coopEvents('RP1'), ...monthEvents('RP2')];
  const res = await stack.request('POST', '/api/v1/events', { events });
  expect(res.status).toBe(202);
  await waitFor(
    async () => {
      const r = await stack.request('GET', `/api/v1/reports/${MONTH}`);
      return r.body?.figures?.orders?.count?.value === 4 && r.body.figures.spend.spent.value === 17000;
    },
    20_000,
    'the events applied',
  );
  await waitFor(
    async () =>
      (await stack.request('GET', `/api/v1/stores/RP1/reports/${BEFORE}`)).body?.figures?.complaints?.opened?.value === 1,
    20_000,
    'the month before applied',
  );
  key = (await stack.request('POST', '/api/v1/keys', { name: 'reports', scopes: ['read'] })).body.token;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function open(path: string, opts: { width?: number; lang?: 'zh-CN' | 'en' } = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: 900 }, acceptDownloads: true });
  await ctx.addInitScript((l) => localStorage.setItem('pulse.locale', l), opts.lang ?? 'zh-CN');
  const page = await ctx.newPage();
  await page.goto(`${stack.baseUrl}${path}?token=${key}`);
  return page;
}
const ready = (page: Page) => page.getByTestId('dept-marketing').waitFor({ timeout: 20_000 });
/** The text a reader sees in a figure's cell (the words for screen readers left out). */
async function cell(page: Page, figure: string, col: string): Promise<string> {
  return page.locator(`[data-figure="${figure}"] [data-col="${col}"]`).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.visually-hidden, .parts').forEach((n) => n.remove());
    return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
  });
}
const toneOf = (page: Page, figure: string, col: string) =>
  page.locator(`[data-figure="${figure}"] [data-col="${col}"]`).getAttribute('class');

describe('the report page of a store, a closed month', () => {
  it('shows the figures the report API gives, formatted, with their comparisons', async () => {
    const api = (await stack.request('GET', `/api/v1/stores/RP1/reports/${MONTH}`, undefined, key)).body;
    // The API's numbers, by hand: 3 test drives of 4 first visits; 1 of 2 the month before: +25 pp.
    expect(api.figures.testDriveRate.value).toBe(0.75);
    expect(api.figures.testDriveRate.previous).toEqual({ value: 0.5, delta: 25 });
    expect(api.figures.orders.amount.value).toBe(404800.5);
    expect(api.figures.complaints.opened.previous).toEqual({ value: 1, delta: 2 });
    expect(api.figures.complaints.opened.lastYear).toBeNull();
    expect(api.lastYearPeriod).toBe(LAST_YEAR);

    const page = await open(`/reports/RP1/${MONTH}`);
    await ready(page);
    await page.getByTestId('trend-rates').locator('canvas').waitFor();
    await page.waitForTimeout(300);

    expect(await page.getByTestId('report-store').textContent()).toBe('杭州西湖店');
    expect(await page.getByTestId('report-period').textContent()).toBe(`${month.year}年${month.month}月`);
    await expect(page.getByTestId('report-partial').count()).resolves.toBe(0);
    // Sent after the month's close: 21 late events and the 3 of the co-op claim; the banner names what they changed.
    expect(api.revised.events).toBe(24);
    const banner = (await page.getByTestId('report-revised').textContent()) ?? '';
    expect(banner).toContain('24 条迟到事件');
    expect(banner).toContain('新增投诉');

    expect(await cell(page, 'testDriveRate', 'value')).toBe('75.0%');
    expect(await cell(page, 'testDriveRate', 'previous')).toBe('50.0%');
    expect(await cell(page, 'testDriveRate', 'previous-change')).toBe('▲25.0 个百分点');
    expect(await toneOf(page, 'testDriveRate', 'previous-change')).toContain('tone-good');
    // 2 orders of 4 first visits against 1 of 2: no change, said as such.
    expect(await cell(page, 'orderConversion', 'value')).toBe('50.0%');
    expect(await cell(page, 'orderConversion', 'previous-change')).toBe('持平');
    expect(await cell(page, 'orders.amount', 'value')).toBe('¥404,800.50');
    expect(await cell(page, 'orders.amount', 'previous')).toBe('¥100,000');
    expect(await cell(page, 'orders.amount', 'previous-change')).toBe('▲¥304,800.50');
    // Complaints up is bad news: red.
    expect(await cell(page, 'complaints.opened', 'value')).toBe('3');
    expect(await cell(page, 'complaints.opened', 'previous-change')).toBe('▲2');
    expect(await toneOf(page, 'complaints.opened', 'previous-change')).toContain('tone-bad');
    // No data a year before: a dash, never 0.
    expect(await cell(page, 'complaints.opened', 'last-year')).toBe('—');
    expect(await cell(page, 'complaints.opened', 'last-year-change')).toBe('—');
    // 1 callback met of 1; 1 booked repair of 2; no service callbacks: a ratio of nothing is a dash.
    expect(await cell(page, 'salesCallbackRate', 'value')).toBe('100.0%');
    expect(await cell(page, 'appointmentRate', 'value')).toBe('50.0%');
    expect(await cell(page, 'serviceCallbackRate', 'value')).toBe('—');
    // The month before had no repairs: nothing to compare the rate with.
    expect(await cell(page, 'appointmentRate', 'previous-change')).toBe('—');
    expect(await cell(page, 'deliveries.count', 'value')).toBe('1');
    expect(await cell(page, 'spend.spent', 'value')).toBe('¥8,500');

    // The month's target (5 orders, 2 made: 40.0 %, not met) and budget (8,500 of 10,000: 85.0 %, 预警).
    const target = page.locator('[data-target="orders"]');
    expect((await target.innerText()).replace(/\s+/g, ' ')).toContain('5 2 40.0% ✗');
    const budget = page.locator('[data-budget="RP1-B1"]');
    const budgetText = (await budget.innerText()).replace(/\s+/g, ' ');
    // The budget's name is the dealer's text: shown as text, not markup.
    expect(budgetText).toContain('<b>双11</b> 线上投放');
    expect(budgetText).toContain('¥10,000 ¥8,500 85.0% 预警');
    expect(await page.locator('[data-budget="RP1-B1"] b').count()).toBe(0);
    // The campaign: 1 lead, 1 order of 189,800 yuan, 8,500 spent: 8,500 a lead, 22.33× return.
    const campaign = (await page.locator('[data-campaign="RP1-C1"]').innerText()).replace(/\s+/g, ' ');
    expect(campaign).toContain('1 1 ¥189,800 ¥8,500 ¥8,500 22.33×');

    // The co-op ledger under its heading in 市场: 1 claim of 2,000 (none the month before), 1,500
    // approved of it (75.0 %, its parts in yuan), 1,000 received; at the end CS2's 1,000 is 31–60
    // days old, where the month before ended with both spends (3,000) 16 to 19 days old.
    expect(await page.locator('[data-section="coop"] .section-head').textContent()).toBe('厂家市场支持');
    expect(await cell(page, 'coop.submitted.count', 'value')).toBe('1');
    expect(await cell(page, 'coop.submitted.count', 'previous-change')).toBe('▲1');
    expect(await cell(page, 'coop.submitted.amount', 'value')).toBe('¥2,000');
    expect(await cell(page, 'coop.approvalRate', 'value')).toBe('75.0%');
    expect(await page.locator('[data-figure="coop.approvalRate"] .parts').textContent()).toBe('¥1,500/¥2,000');
    expect(await cell(page, 'coop.paid.amount', 'value')).toBe('¥1,000');
    expect(await cell(page, 'coop.unclaimedAtEnd.d31_60', 'value')).toBe('¥1,000');
    expect(await cell(page, 'coop.unclaimedAtEnd.d31_60', 'previous-change')).toBe('▲¥1,000');
    expect(await toneOf(page, 'coop.unclaimedAtEnd.d31_60', 'previous-change')).toContain('tone-bad');
    expect(await cell(page, 'coop.unclaimedAtEnd.total', 'previous')).toBe('¥3,000');
    expect(await cell(page, 'coop.unclaimedAtEnd.total', 'previous-change')).toBe('▼¥2,000');
    expect(await toneOf(page, 'coop.unclaimedAtEnd.total', 'previous-change')).toContain('tone-good');
    await page.getByTestId('dept-marketing').screenshot({ path: join(SHOTS, 'report-month-marketing-coop.png') });

    expect(await page.locator('[data-testid^="trend-"] canvas').count()).toBe(4);
    await page.screenshot({ path: join(SHOTS, 'report-month-screen-1280.png'), fullPage: true });
    await page.context().close();
  });

  it('moves to the month before with the picker, and the address follows', async () => {
    const page = await open(`/reports/RP1/${MONTH}`);
    await ready(page);
    await page.getByTestId('period-prev').click();
    await page.waitForURL(`**/reports/RP1/${BEFORE}`);
    await expect.poll(() => page.getByTestId('report-period').textContent()).toBe(`${before.year}年${before.month}月`);
    await page.locator(`[data-figure="complaints.opened"]`).waitFor();
    await expect.poll(() => cell(page, 'complaints.opened', 'value')).toBe('1');
    expect(await cell(page, 'orders.amount', 'value')).toBe('¥100,000');
    // Back in history: the month again.
    await page.goBack();
    await page.waitForURL(`**/reports/RP1/${MONTH}`);
    await expect.poll(() => cell(page, 'complaints.opened', 'value')).toBe('3');
    // The week holding the month's last day, by the kind buttons.
    await page.getByTestId('kind-week').click();
    const lastDay = month.endOf('month');
    await page.waitForURL(`**/reports/RP1/${lastDay.toFormat("kkkk-'W'WW")}`);
    await page.context().close();
  });

  it('goes no further than the current period', async () => {
    const current = nowLocal.toFormat('yyyy-MM');
    const page = await open(`/reports/RP1/${current}`);
    await ready(page);
    expect(await page.getByTestId('period-next').isDisabled()).toBe(true);
    expect(await page.getByTestId('period-prev').isDisabled()).toBe(false);
    expect(await page.getByTestId('report-partial').textContent()).toContain('部分期间 (截至');
    await page.context().close();
  });

  it('downloads the CSV and the workbook with the key', async () => {
    const page = await open(`/reports/RP1/${MONTH}`);
    await ready(page);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    expect(csv.suggestedFilename()).toBe(`RP1-${MONTH}.csv`);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text).toContain('testDriveRate');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-xlsx').click()]);
    expect(xlsx.suggestedFilename()).toBe(`RP1-${MONTH}.xlsx`);
    // A workbook is a zip: "PK".
    expect(
      readFileSync((await xlsx.path())!)
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');
    await page.context().close();
  });

  it('prints to A4: no picker or buttons, a footer line, a PDF of at least one page', async () => {
    const page = await open(`/reports/RP1/${MONTH}`);
    await ready(page);
    await page.getByTestId('trend-rates').locator('canvas').waitFor();
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.waitForTimeout(300);
    expect(await page.getByTestId('period-picker').isVisible()).toBe(false);
    expect(await page.getByTestId('print').isVisible()).toBe(false);
    const footer = page.getByTestId('print-footer');
    expect(await footer.isVisible()).toBe(true);
    const footerText = (await footer.textContent()) ?? '';
    expect(footerText).toContain('杭州西湖店 (RP1)');
    expect(footerText).toContain(`${month.year}年${month.month}月`);
    expect(footerText).toMatch(/打印于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // Black on white.
    const colours = await page.evaluate(() => {
      const s = getComputedStyle(document.body);
      return [s.color, getComputedStyle(document.documentElement).backgroundColor];
    });
    expect(colours).toEqual(['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
    await page.screenshot({ path: join(SHOTS, 'report-month-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', path: join(SHOTS, 'report-month.pdf') });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(1);
    await page.context().close();
  });
});

describe('the group report page', () => {
  it('sums the stores', async () => {
    const page = await open(`/reports/group/${MONTH}`);
    await ready(page);
    expect(await page.getByTestId('report-store').textContent()).toBe('集团');
    // Two stores with 2 orders each; 404,800.50 yuan each.
    expect(await cell(page, 'orders.count', 'value')).toBe('4');
    expect(await cell(page, 'orders.amount', 'value')).toBe('¥809,601');
    expect(await cell(page, 'testDriveRate', 'value')).toBe('75.0%');
    await page.screenshot({ path: join(SHOTS, 'report-group-screen-1280.png'), fullPage: true });
    await page.context().close();
  });

  it('reads in English', async () => {
    const page = await open(`/reports/group/${MONTH}`, { lang: 'en' });
    await ready(page);
    expect(await page.getByTestId('report-period').textContent()).toBe(month.setLocale('en-GB').toFormat('LLLL yyyy'));
    expect(await page.locator('#dept-care').textContent()).toBe('Customer care');
    expect(await page.locator('[data-section="coop"] .section-head').textContent()).toBe('Manufacturer co-op');
    expect(await page.locator('[data-figure="coop.approvalRate"] th').textContent()).toBe('Approval rate');
    await page.context().close();
  });
});

describe('the staff page links to the reports', () => {
  it('a 报表 link for the store, opening its current month', async () => {
    const page = await open('/staff/RP1');
    const link = page.getByTestId('report-link');
    await link.waitFor({ timeout: 20_000 });
    expect(await link.textContent()).toBe('报表');
    await link.click();
    await page.waitForURL(`**/reports/RP1/${nowLocal.toFormat('yyyy-MM')}`);
    await ready(page);
    await page.context().close();
  });
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}
async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: unknown[] }> } };
    const r = await w.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'], resultTypes: ['violations'] });
    return r.violations;
  })) as AxeViolation[];
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} — ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`.trim()),
  );
}

describe('axe-core: no WCAG 2.1 AA violation on the report page', () => {
  it.each([
    [`/reports/RP1/${MONTH}`, 1280, 'zh-CN'],
    [`/reports/group/${MONTH}`, 390, 'en'],
  ] as const)(
    '%s at %i px (%s)',
    async (path, width, lang) => {
      const page = await open(path, { width, lang });
      await ready(page);
      await page.waitForTimeout(300);
      expect(await axe(page)).toEqual([]);
      if (width < 600) await page.screenshot({ path: join(SHOTS, 'report-group-phone.png'), fullPage: true });
      await page.context().close();
    },
    60_000,
  );
});
