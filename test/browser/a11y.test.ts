/**
 * Accessibility of every page in a real Chromium (WCAG 2.1 AA): axe-core finds no violation on the
 * walls, the screen player and the staff page (desk and phone, Chinese and English, with a list and
 * an acknowledgement form open); and the staff page's own promises, checked one by one: where the
 * focus goes, what a screen reader hears, one snapshot request on load, nothing moving after the
 * data arrives, a phone page of a sensible height, names rather than codes.
 */
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev } from '../support/events.js';
import { startStack, waitFor, type Stack } from '../support/stack.js';
import { zoneAtNoon } from '../support/zone-at-noon.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let stack: Stack;
let browser: Browser;
/** read + ack: a front desk. */
let key = '';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
/** A group of four stores with four budgets each, as in the demo: sixteen budgets on the group's page. */
const STORES = [
  { code: 'AX1', name: '杭州西湖店' },
  { code: 'AX2', name: '杭州滨江店' },
  { code: 'AX3', name: '宁波鄞州店' },
  { code: 'AX4', name: '绍兴越城店' },
] as const;
const BUDGETS = ['线上投放', '车展展位', '老客户关怀', '短视频'] as const;
const budgetId = (store: string, i: number) => `${store}-B${i}`;

beforeAll(async () => {
  stack = await startStack('a11y');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const { zone, month } = zoneAtNoon();
  const events = [];
  for (const s of STORES) {
    await stack.request('PUT', `/api/v1/stores/${s.code}`, { name: s.name, timezone: zone });
    for (const [i, name] of BUDGETS.entries()) {
      const put = await stack.request('PUT', `/api/v1/budgets/${budgetId(s.code, i)}`, {
        store: s.code,
        name,
        month,
        amount: 10000 * (i + 1),
        warnAt: 0.8,
        campaignId: `CMP-${s.code}-${i}`,
      });
      expect(put.status).toBe(200);
    }
    await stack.request('PUT', `/api/v1/materials/${s.code}-POSTER`, { store: s.code, name: '车型海报', reorderLevel: 20 });
    const e = (type: string, minutes: number, fields: Record<string, unknown>) =>
      ev(type as never, ago(minutes), { store: s.code, ...fields } as never);
    events.push(
      e('showroom.visit', 300, { firstVisit: true }),
      e('lead.created', 290, { leadId: `${s.code}-L1`, channel: 'web', campaignId: `CMP-${s.code}-0` }),
      e('order.signed', 200, { orderId: `${s.code}-O1`, model: '凯美瑞', amount: 189800, campaignId: `CMP-${s.code}-0` }),
      e('vehicle.delivered', 120, { orderId: `${s.code}-O1` }),
      e('complaint.opened', 100, {
        complaintId: `${s.code}-C1`,
        channel: 'phone',
        category: 'service',
        severity: 'high',
        summary: '保养后异响未解决',
      }),
      e('material.moved', 90, { itemId: `${s.code}-POSTER`, quantity: 5 }),
      // Past the warning line of the first budget (8,500 of 10,000).
      e('spend.recorded', 60, { spendId: `${s.code}-SP1`, budgetId: budgetId(s.code, 0), amount: 8500 }),
    );
  }
  // One tripped budget: a critical alert (严重) on the group's page.
  events.push(ev('spend.recorded', ago(30), { store: 'AX1', spendId: 'AX1-SP2', budgetId: budgetId('AX1', 0), amount: 2000 }));
  const res = await stack.request('POST', '/api/v1/events', { events });
  expect(res.status).toBe(202);
  await waitFor(
    async () => {
      const r = await stack.request('GET', '/api/v1/alerts?state=active&kind=budget_tripped');
      return r.body?.alerts?.length === 1;
    },
    15_000,
    'the tripped budget alert',
  );
  await stack.request('PUT', '/api/v1/screens/lobby', {
    items: [
      { page: 'overview', store: 'AX1', seconds: 30 },
      { page: 'sales', store: 'AX1', seconds: 30 },
    ],
  });
  key = (await stack.request('POST', '/api/v1/keys', { name: 'front-desk', scopes: ['read', 'ack'] })).body.token;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

type Lang = 'zh-CN' | 'en';
async function context(width: number, height: number, lang: Lang = 'zh-CN'): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width, height } });
  await ctx.addInitScript((l) => localStorage.setItem('pulse.locale', l), lang);
  return ctx;
}
async function open(path: string, width: number, height: number, lang: Lang = 'zh-CN'): Promise<Page> {
  const page = await (await context(width, height, lang)).newPage();
  await page.goto(`${stack.baseUrl}${path}?token=${key}`);
  return page;
}
async function close(page: Page) {
  await page.context().close();
}
async function shot(page: Page, name: string, fullPage = false) {
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png`, fullPage });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}
/** axe-core's WCAG 2.1 A and AA rules on the page as it is now: the violations, one readable line each. */
async function axe(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
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

const staffReady = (page: Page) => page.getByTestId('drill-pendingCallbacks').waitFor({ timeout: 20_000 });

// axe-core takes a few seconds a run on a busy machine, and the staff cases run it four times.
describe('axe-core: no WCAG 2.1 AA violation', () => {
  const walls = ['/wall', '/wall/AX1', '/wall/AX1/sales', '/wall/AX1/service', '/wall/AX1/marketing', '/wall/AX1/value'];
  it.each(walls)('%s at 1920×1080', async (path) => {
    const page = await open(path, 1920, 1080);
    await page.locator('[data-testid^=page-]').first().waitFor({ timeout: 20_000 });
    await page.waitForTimeout(500);
    expect(await axe(page)).toEqual([]);
    await close(page);
  });

  it('/screen/lobby', async () => {
    const page = await open('/screen/lobby', 1920, 1080);
    await page.getByTestId('page-overview').waitFor({ timeout: 20_000 });
    await page.waitForTimeout(500);
    expect(await axe(page)).toEqual([]);
    await close(page);
  });

  const staff: [string, number, number, Lang][] = [
    ['desk, Chinese', 1280, 800, 'zh-CN'],
    ['desk, English', 1280, 800, 'en'],
    ['phone, Chinese', 390, 844, 'zh-CN'],
    ['phone, English', 390, 844, 'en'],
  ];
  it.each(staff)(
    '/staff on a %s: the page, a list open, the acknowledgement form open',
    async (_what, w, h, lang) => {
      const page = await open('/staff', w, h, lang);
      await staffReady(page);
      await page.getByTestId('staff-alert').first().waitFor({ timeout: 15_000 });
      expect(await axe(page)).toEqual([]);
      // A phone folds the departments: unfolded, they are checked too.
      for (const fold of await page.locator('[data-testid^=dept-toggle-]').all()) await fold.click();
      if (w < 600) expect(await page.locator('.dept .cards').count()).toBe(4);
      await page.waitForTimeout(300);
      expect(await axe(page)).toEqual([]);

      await page.getByTestId('drill-openComplaints').first().click();
      await page.getByTestId('work-list-item').first().waitFor({ timeout: 15_000 });
      expect(await axe(page)).toEqual([]);
      await page.getByTestId('work-list-close').click();

      await page.getByTestId('alert-ack-open').first().click();
      await page.getByTestId('alert-ack-form').waitFor();
      expect(await axe(page)).toEqual([]);
      await close(page);
    },
    90_000,
  );
});

describe('staff page: focus and keyboard', () => {
  it('gives the focus back to the figure that opened a list, when the list closes (button or Escape)', async () => {
    const page = await open('/staff', 1280, 800);
    await staffReady(page);
    const tile = page.getByTestId('drill-openComplaints').first();
    await tile.click();
    await page.getByTestId('work-list').waitFor();
    await page.getByTestId('work-list-close').click();
    await page.getByTestId('work-list').waitFor({ state: 'detached' });
    expect(await tile.evaluate((el) => el === document.activeElement)).toBe(true);

    await tile.click();
    await page.getByTestId('work-list').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('work-list').waitFor({ state: 'detached' });
    expect(await tile.evaluate((el) => el === document.activeElement)).toBe(true);
    await close(page);
  });

  it('cancelling an acknowledgement (button or Escape) closes the form and focuses 确认 again', async () => {
    const page = await open('/staff', 1280, 800);
    await staffReady(page);
    const row = page.getByTestId('staff-alert').first();
    await row.waitFor({ timeout: 15_000 });
    const id = await row.getAttribute('data-alert-id');
    const card = page.locator(`[data-testid=staff-alert][data-alert-id="${id}"]`);

    await card.getByTestId('alert-ack-open').click();
    await card.getByTestId('alert-ack-cancel').click();
    await card.getByTestId('alert-ack-form').waitFor({ state: 'detached' });
    expect(await card.getByTestId('alert-ack-open').evaluate((el) => el === document.activeElement)).toBe(true);

    await card.getByTestId('alert-ack-open').click();
    expect(await card.getByTestId('alert-ack-by').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await card.getByTestId('alert-ack-form').waitFor({ state: 'detached' });
    expect(await card.getByTestId('alert-ack-open').evaluate((el) => el === document.activeElement)).toBe(true);
    await close(page);
  });
});

describe('staff page: what a screen reader hears', () => {
  // Skipped until the intermittent case it found is understood: now and then, after the only open
  // alert of the store is acknowledged elsewhere, the page's open count stays at 1 (issue 14, the
  // acknowledged-alert count). Run it alone with `npx vitest run test/browser/a11y.test.ts`.
  it('announces a new alert and the changed count in a polite live region', async () => {
    const page = await open('/staff/AX2', 1280, 800);
    await staffReady(page);
    const live = page.getByTestId('staff-announcer');
    expect(await live.getAttribute('aria-live')).toBe('polite');
    const openAlerts = async () =>
      ((await stack.request('GET', '/api/v1/alerts?store=AX2&state=open')).body.alerts as { id: string }[]).length;
    const badge = async () => {
      const el = page.getByTestId('staff-alerts-open');
      return (await el.count()) ? Number((await el.innerText()).trim()) : 0;
    };
    // The page has settled on what the server holds (which alerts are open depends on the hour the
    // suite reaches this case: the store's complaint becomes overdue while it runs).
    await page.waitForTimeout(3500);
    const before = await openAlerts();
    await waitFor(async () => (await badge()) === before, 15_000, 'the page showing the open alerts');
    // Budget AX2-B1 (车展展位, 20,000) has nothing spent: 20,500 trips it at once, from ok, so one
    // alert is added and none replaced.
    await stack.request('POST', '/api/v1/events', {
      events: [ev('spend.recorded', ago(0), { store: 'AX2', spendId: 'AX2-SP3', budgetId: budgetId('AX2', 1), amount: 20500 })],
    });
    const text = await waitFor(
      async () => {
        const t = (await live.innerText()).trim();
        return t.includes('预算跳闸') && t.includes('车展展位') ? t : null;
      },
      15_000,
      'the new alert announced',
    );
    expect(text).toContain(`待处理告警 ${before + 1} 条`);
    expect(await badge()).toBe(before + 1);
    expect(await openAlerts()).toBe(before + 1);

    // Taken elsewhere: the count of open alerts leaves it out, and says so.
    const tripped = (
      (await stack.request('GET', '/api/v1/alerts?store=AX2&state=open&kind=budget_tripped')).body.alerts as {
        id: string;
        data: { budgetId: string };
      }[]
    ).find((a) => a.data.budgetId === budgetId('AX2', 1))!;
    await page.evaluate(() => {
      const w = window as unknown as { said: string[] };
      w.said = [];
      const el = document.querySelector('[data-testid=staff-announcer]')!;
      new MutationObserver(() => w.said.push(el.textContent ?? '')).observe(el, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    expect((await stack.request('POST', `/api/v1/alerts/${tripped.id}/ack`, { by: '王经理' })).status).toBe(200);
    // Other alerts of the store may come or go meanwhile (its stock alert raised once it has held,
    // its complaint turning overdue as the suite runs), and each announcement replaces the last:
    // among what was said since the ack, the server's count once the ack is in.
    let seen = '';
    await waitFor(
      async () => {
        const n = await openAlerts();
        const said = await page.evaluate(() => (window as unknown as { said: string[] }).said.join(' | '));
        const shown = await badge();
        seen = `server ${n} open, badge ${shown}, said "${said}"`;
        if (shown !== n) return false;
        // Another alert raised as the ack lands brings the count back to where it was: a count
        // that went and came back is not said again, the new alert is.
        return n <= before ? said.includes(`待处理告警 ${n} 条`) : said.includes('新告警');
      },
      15_000,
      'the count announced',
      () => seen,
    );
    expect(await page.locator(`[data-testid=staff-alert][data-state=acked][data-alert-id="${tripped.id}"]`).count()).toBe(1);
    await close(page);
  }, 90_000);

  it('marks Chinese names as Chinese on the English page', async () => {
    const page = await open('/staff', 1280, 800, 'en');
    await staffReady(page);
    await page.getByTestId('staff-alert').first().waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    // The names of stores, budgets and the people who took alerts are Chinese, in English too.
    const unmarked = await page.evaluate(() =>
      Array.from(
        document.querySelectorAll('[data-testid=store-picker] option, [data-testid=breaker-row] .name span, .status .name'),
      )
        .filter((el) => /[\u4e00-\u9fff]/.test((el as HTMLElement).innerText ?? el.textContent ?? ''))
        .filter((el) => el.closest('[lang]')?.getAttribute('lang') !== 'zh-CN')
        .map((el) => (el.textContent ?? '').trim()),
    );
    expect(await page.locator('[data-testid=breaker-row] .name [lang=zh-CN]').count()).toBe(16);
    // And in the lists: a complaint's summary.
    await page.getByTestId('drill-openComplaints').click();
    await page.getByTestId('work-list-item').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=work-list-item] .summary').first().getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('[data-testid=work-list-item] .summary').first().innerText()).toBe('保养后异响未解决');
    expect(unmarked).toEqual([]);
    await close(page);
  });

  it('gives each budget check its budget in its label, the campaign table a focusable labelled region', async () => {
    const page = await open('/staff', 1280, 800);
    await staffReady(page);
    const inputs = page.getByTestId('breaker-amount');
    expect(await inputs.count()).toBe(16);
    const labels = await inputs.evaluateAll((els) => els.map((el) => (el as HTMLInputElement).labels?.[0]?.innerText ?? ''));
    expect(new Set(labels).size).toBe(16);
    for (const l of labels) expect(l).toMatch(/^AX[1-4] (线上投放|车展展位|老客户关怀|短视频) 计划支出（元）$/);

    const region = page.getByTestId('campaigns-scroll');
    expect(await region.getAttribute('role')).toBe('region');
    expect(await region.getAttribute('tabindex')).toBe('0');
    expect(await region.getAttribute('aria-label')).toBe('营销活动（可左右滚动）');
    expect(await page.locator('main').count()).toBe(1);
    await close(page);
  });
});

describe('staff page: loading', () => {
  it('asks for the snapshot once, and nothing moves once the data has arrived', async () => {
    const ctx = await context(390, 844);
    const page = await ctx.newPage();
    const kpis: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/v1\/(stores\/[^/]+\/)?kpis$/.test(new URL(r.url()).pathname)) kpis.push(new URL(r.url()).pathname);
    });
    await page.addInitScript(() => {
      const w = window as unknown as { shifts: { value: number; hadRecentInput: boolean }[] };
      w.shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) w.shifts.push(e);
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(`${stack.baseUrl}/staff?token=${key}`);
    await staffReady(page);
    await page.getByTestId('staff-alert').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(2000);
    expect(kpis).toEqual(['/api/v1/kpis']);
    const shift = await page.evaluate(() =>
      (window as unknown as { shifts: { value: number; hadRecentInput: boolean }[] }).shifts
        .filter((s) => !s.hadRecentInput)
        .reduce((n, s) => n + s.value, 0),
    );
    expect(shift).toBeLessThan(0.1);
    await ctx.close();
  });
  it("loads the scripts of its own entry (client/dist/staff.html), all at once and compressed (brotli), not the walls' code", async () => {
    const html = readFileSync(new URL('../../client/dist/staff.html', import.meta.url), 'utf8');
    const listed = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((x) => x[1]!).sort();
    const walls = readFileSync(new URL('../../client/dist/index.html', import.meta.url), 'utf8');
    const wallEntry = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(walls)![1]!;
    const ctx = await context(390, 844);
    const page = await ctx.newPage();
    const scripts = new Map<string, string | undefined>();
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.endsWith('.js')) scripts.set(path, r.headers()['content-encoding']);
    });
    await page.goto(`${stack.baseUrl}/staff?token=${key}`);
    await staffReady(page);
    // The entry, the Vue runtime, the code shared with the walls and the staff page's own chunk.
    expect(listed).toHaveLength(4);
    expect(listed).not.toContain(wallEntry);
    expect([...scripts.keys()].sort()).toEqual(listed);
    // Chromium accepts brotli, which the server prefers over gzip (server/http/client-pages.ts).
    expect([...scripts.values()]).toEqual(listed.map(() => 'br'));
    await ctx.close();
  });
});

describe('staff page on a phone', () => {
  it('stays short: departments folded, the breaker as a list with one check form, the titles whole, the stores by name', async () => {
    const page = await open('/staff', 390, 844);
    await staffReady(page);
    await page.getByTestId('staff-alert').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1000);
    await shot(page, 'a11y-staff-phone', true);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    expect(height).toBeLessThan(4000);
    // The departments come folded, each heading a button; the breaker is in marketing.
    for (const d of ['sales', 'service', 'marketing', 'value']) {
      expect(await page.getByTestId(`dept-toggle-${d}`).getAttribute('aria-expanded')).toBe('false');
    }
    expect(await page.locator('.dept .cards').count()).toBe(0);
    await page.getByTestId('dept-toggle-marketing').click();
    expect(await page.getByTestId('dept-toggle-marketing').getAttribute('aria-expanded')).toBe('true');
    await page.getByTestId('budget-breaker').waitFor();
    // No input per budget: one action per budget opens the one form, labelled with its budget.
    expect(await page.getByTestId('breaker-amount').count()).toBe(0);
    expect(await page.getByTestId('breaker-open').count()).toBe(16);
    await page.locator(`[data-testid=breaker-open][data-budget-id="${budgetId('AX3', 1)}"]`).click();
    const input = page.getByTestId('breaker-amount');
    expect(await input.count()).toBe(1);
    expect(await input.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.innerText)).toBe('AX3 车展展位 计划支出（元）');
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);

    // Nothing cut: no heading or panel title wider than its box, in any department.
    for (const d of ['sales', 'service', 'value']) await page.getByTestId(`dept-toggle-${d}`).click();
    expect(await page.locator('.dept .cards').count()).toBe(4);
    expect(await page.locator('.dept .cards h2').count()).toBeGreaterThan(20);
    const cut = await page.evaluate(() =>
      Array.from(document.querySelectorAll('h1, h2, h3'))
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => (el as HTMLElement).innerText),
    );
    expect(cut).toEqual([]);

    const options = await page.getByTestId('store-picker').locator('option').allInnerTexts();
    expect(options).toEqual(['集团（全部门店）', ...STORES.map((s) => `${s.name} · ${s.code}`)]);
    await close(page);
  });

  it('opens the list behind a department figure', async () => {
    const page = await open('/staff/AX1', 390, 844);
    await staffReady(page);
    await page.locator('#service').getByTestId('dept-drill-openComplaints').click();
    await page.getByTestId('work-list-item').first().waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('work-list').getAttribute('data-list')).toBe('openComplaints');
    expect(await page.getByTestId('work-list-item').first().innerText()).toContain('AX1-C1');
    await close(page);
  });
});
