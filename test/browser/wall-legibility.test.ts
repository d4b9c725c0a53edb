/**
 * Readable from four metres (wall pages at 1920×1080 and 3840×2160, in Chinese and English): no
 * text under 24 px at 1080p (48 px at 4K), no budget name cut, the same rows at both sizes, no
 * raw codes or key names, and English labels without Chinese. Data (store, budget, material
 * names) may be Chinese.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev } from '../support/events.js';
import { startStack, waitFor, type Stack } from '../support/stack.js';
import { zoneAtNoon } from '../support/zone-at-noon.js';

let stack: Stack;
let browser: Browser;
let key: string;

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const STORE = 'LG01';
const s = { store: STORE };
/**
 * What the data says, in Chinese as the dealership typed it, and the language switch's own name for
 * Chinese: the only Chinese an English wall may show.
 */
const DATA = [
  '杭州西湖店',
  '线上投放',
  '短视频推广',
  '车展活动',
  '老客户关怀',
  '店头物料',
  '展台易拉宝',
  '车模礼品（1:43）',
  '凯美瑞',
  '中文',
  '客户反映新车交付一再推迟且销售顾问多次未按约定回电说明原因',
  '王*明',
];
/** An open complaint long past its response deadline: its alert must name no complaint id. */
const COMPLAINT = { id: 'LG01-cp-2', summary: DATA[10]!, customer: '王小明', masked: '王*明' };
const BUDGETS: [string, string, number, number, string?][] = [
  ['LG01-2612-online', '线上投放', 220_000, 214_500, 'CMP-LG01-2612-online'],
  ['LG01-2612-video', '短视频推广', 60_000, 45_900],
  ['LG01-2612-show', '车展活动', 300_000, 73_275, 'CMP-LG01-2612-show'],
  ['LG01-2612-care', '老客户关怀', 50_000, 3_474],
  ['LG01-2612-pos', '店头物料', 30_000, 0],
];
const PAGES = [
  '/wall',
  `/wall/${STORE}`,
  `/wall/${STORE}/sales`,
  `/wall/${STORE}/service`,
  `/wall/${STORE}/marketing`,
  `/wall/${STORE}/value`,
  '/wall/group/marketing',
];
const RAW_CODE = /\b[A-Z]{2,}\d*-[A-Z0-9-]+\b|PULSE_ADMIN_TOKEN/;

beforeAll(async () => {
  stack = await startStack('legible');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const { zone, month } = zoneAtNoon();
  await stack.request('PUT', `/api/v1/stores/${STORE}`, { name: '杭州西湖店', timezone: zone });
  await stack.request('PUT', `/api/v1/targets/${STORE}/${month}`, { orders: 40, deliveries: 35, leads: 300 });
  await stack.request('PUT', '/api/v1/materials/LG01-ROLLUP', { store: STORE, name: '展台易拉宝', reorderLevel: 12 });
  await stack.request('PUT', '/api/v1/materials/LG01-MODELCAR', { store: STORE, name: '车模礼品（1:43）', reorderLevel: 20 });
  const events = [];
  for (const [id, name, amount, spent, campaignId] of BUDGETS) {
    const put = await stack.request('PUT', `/api/v1/budgets/${id}`, {
      store: STORE,
      name,
      month,
      amount,
      warnAt: 0.8,
      campaignId,
    });
    expect(put.status).toBe(200);
    if (spent > 0) events.push(ev('spend.recorded', ago(30), { ...s, spendId: `S-${id}`, budgetId: id, amount: spent }));
  }
  events.push(
    ev('spend.recorded', ago(20), { ...s, spendId: 'S-anniv', budgetId: 'LG01-2612-anniv', amount: 502 }),
    ev('lead.created', ago(85), { ...s, leadId: 'L1', channel: 'web', campaignId: 'CMP-LG01-2612-online' }),
    ev('lead.created', ago(84), { ...s, leadId: 'L2', channel: 'event', campaignId: 'CMP-LG01-2612-show' }),
    ev('lead.created', ago(83), { ...s, leadId: 'L3', channel: 'event', campaignId: 'CMP-LG01-2612-anniv' }),
    ev('showroom.visit', ago(90), { ...s, firstVisit: true }),
    ev('order.signed', ago(60), { ...s, orderId: 'O1', model: '凯美瑞', amount: 189800, campaignId: 'CMP-LG01-2612-online' }),
    ev('material.moved', ago(40), { ...s, itemId: 'LG01-ROLLUP', quantity: 12 }),
    ev('material.moved', ago(40), { ...s, itemId: 'LG01-MODELCAR', quantity: 12 }),
    ev('complaint.opened', ago(600), { ...s, complaintId: 'LG01-cp-1', channel: 'phone', category: 'service', severity: 'low' }),
    ev('complaint.resolved', ago(120), { ...s, complaintId: 'LG01-cp-1' }),
    ev('complaint.opened', ago(8 * 60), {
      ...s,
      complaintId: COMPLAINT.id,
      channel: 'phone',
      category: 'sales',
      severity: 'high',
      summary: COMPLAINT.summary,
      customer: { id: 'LGC1', name: COMPLAINT.customer, phone: '13812345678' },
    }),
  );
  const res = await stack.request('POST', '/api/v1/events', { events });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  await waitFor(
    async () => (await stack.request('GET', `/api/v1/stores/${STORE}/kpis`)).body?.seq >= events.length,
    15_000,
    'events applied',
  );
  key = (await stack.request('POST', '/api/v1/keys', { name: 'kiosk', scopes: ['read'] })).body.token;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function open(
  path: string,
  width: number,
  height: number,
  locale: 'zh-CN' | 'en',
  reducedMotion: 'reduce' | 'no-preference' = 'no-preference',
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, reducedMotion });
  await context.addInitScript((l) => localStorage.setItem('pulse.locale', l), locale);
  const page = await context.newPage();
  await page.goto(`${stack.baseUrl}${path}?token=${key}`);
  await page.locator('.panel').first().waitFor({ timeout: 15_000 });
  // Lists are measured after layout and the charts come in their own chunk.
  await page.waitForTimeout(800);
  return page;
}

/** Every visible text on the page with its computed font size and whether its box cuts it. */
function texts(page: Page) {
  return page.evaluate(() => {
    const out: { text: string; size: number; cut: boolean; testid: string | null }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el) continue;
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
      out.push({
        text,
        size: parseFloat(style.fontSize),
        cut: style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth,
        testid: el.closest('[data-testid]')?.getAttribute('data-testid') ?? null,
      });
    }
    return out;
  });
}

describe('wall pages from four metres', () => {
  it('at 1920×1080: no text under 24 px, no budget name cut, no raw code', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const path of PAGES) {
        const page = await open(path, 1920, 1080, locale);
        const all = await texts(page);
        expect(all.length, path).toBeGreaterThan(10);
        expect(
          all.filter((t) => t.size < 24).map((t) => `${t.text} ${t.size}px`),
          `${locale} ${path}`,
        ).toEqual([]);
        expect(
          all.filter((t) => t.testid === 'bar-name' && t.cut).map((t) => t.text),
          `${locale} ${path}`,
        ).toEqual([]);
        expect(
          all.filter((t) => RAW_CODE.test(t.text)).map((t) => t.text),
          `${locale} ${path}`,
        ).toEqual([]);
        await page.context().close();
      }
    }
  }, 240_000);

  it('at 3840×2160 exactly twice 1920×1080: the same budgets and campaigns listed', async () => {
    for (const path of [`/wall/${STORE}`, `/wall/${STORE}/marketing`, '/wall/group/marketing', '/wall']) {
      const counts = [];
      for (const [w, h] of [
        [1920, 1080],
        [3840, 2160],
      ] as const) {
        const page = await open(path, w, h, 'zh-CN');
        counts.push(
          await page.evaluate(() => ({
            rem: parseFloat(getComputedStyle(document.documentElement).fontSize),
            budgets: document.querySelectorAll('[data-testid="budget-list"] .budget').length,
            campaigns: document.querySelectorAll('[data-testid^="campaign-"]').length,
          })),
        );
        await page.context().close();
      }
      expect(counts[0]!.rem).toBe(16);
      expect(counts[1]!.rem).toBe(32);
      expect({ ...counts[1]!, rem: 0 }, path).toEqual({ ...counts[0]!, rem: 0 });
    }
  }, 120_000);

  it('in English: no Chinese in the labels, the group named in English, alerts without Chinese quotes', async () => {
    for (const path of PAGES) {
      const page = await open(path, 1920, 1080, 'en');
      const all = await texts(page);
      const chinese = all
        .map((t) => DATA.reduce((text, d) => text.replaceAll(d, ''), t.text))
        .filter((t) => /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef「」“”]/.test(t));
      expect(chinese, path).toEqual([]);
      if (path.includes('group') || path === '/wall') expect(await page.locator('h1').first().innerText()).toBe('Group overview');
      await page.context().close();
    }
  }, 120_000);

  it('says 已到补货线 at the level and holds forecasts back before the 4th, with a key to the bars', async () => {
    const page = await open(`/wall/${STORE}/marketing`, 1920, 1080, 'zh-CN');
    // Both material alerts raised (each once its condition has settled), in the ticker.
    const alerts = await waitFor(
      async () => {
        const texts = (await page.getByTestId('alert-item').allInnerTexts()).join('\n');
        return texts.includes('展台易拉宝') && texts.includes('车模礼品') ? texts : null;
      },
      // Announced once settled, at the workers' next minute tick.
      100_000,
      'the material alerts',
    );
    expect(alerts).toContain('物料「展台易拉宝」库存 12，已到补货线 12');
    expect(alerts).toContain('物料「车模礼品（1:43）」库存 12，低于补货线 20');
    const snapshot = (await stack.request('GET', `/api/v1/stores/${STORE}/kpis`)).body;
    const early = Number(snapshot.asOf.slice(8, 10)) < 4;
    expect(await page.getByTestId('spend-key').innerText()).toBe(
      early ? '预算线\n月初数据不足，4日起预计' : '预算线\n按当前速度月末预计',
    );
    expect(await page.getByTestId('bar-forecast').count()).toBe(early ? 0 : 4);
    // Never a green 正常 beside a red forecast: every chip reads the same status as its forecast.
    const rows = await page
      .locator('[data-testid="budget-list"] .budget')
      .evaluateAll((els) => els.map((e) => ({ reading: e.getAttribute('data-reading'), over: !!e.querySelector('.fc.over') })));
    for (const r of rows) if (r.over) expect(r.reading).not.toBe('ok');
    await page.context().close();
  }, 150_000);
  it('the budget list: as many rows as fit and none cut, the same in both languages and at 4K', async () => {
    for (const path of [`/wall/${STORE}`, `/wall/${STORE}/marketing`]) {
      const counts: string[] = [];
      for (const [w, h] of [
        [1920, 1080],
        [3840, 2160],
      ] as const) {
        for (const locale of ['zh-CN', 'en'] as const) {
          const page = await open(path, w, h, locale);
          const at = `${path} ${w}×${h} ${locale}`;
          const list = await page.getByTestId('budget-list').evaluate((box) => {
            const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
            const b = box.getBoundingClientRect();
            const st = getComputedStyle(box);
            const bottom = b.bottom - parseFloat(st.paddingBottom);
            const rows = Array.from(box.querySelectorAll<HTMLElement>('.budget')).map((r) => r.getBoundingClientRect());
            const more = box.querySelector('[data-testid="budgets-more"]')?.getBoundingClientRect() ?? null;
            const names = Array.from(box.querySelectorAll<HTMLElement>('[data-testid="bar-name"]'));
            return {
              // In rem: 4K is 1080p twice over.
              heights: rows.map((r) => Math.round((r.height / rem) * 100) / 100),
              gap: parseFloat(st.rowGap) / rem,
              overflow: Math.max(...rows.map((r) => r.bottom), more?.bottom ?? 0) - bottom,
              free: (bottom - rows[rows.length - 1]!.bottom) / rem,
              more: more !== null,
              oneLine: names.every((n) => n.getBoundingClientRect().height < 1.6 * parseFloat(getComputedStyle(n).fontSize)),
              titled: names.every((n) => !!n.title && n.title.endsWith(n.textContent!.replace(/^LG01/, '').trim())),
            };
          });
          await page.context().close();
          // Nothing under the box's edge, every row one line high and as high as the first.
          expect(list.overflow, at).toBeLessThanOrEqual(0.5);
          expect(new Set(list.heights).size, `${at} ${list.heights}`).toBe(1);
          expect(list.oneLine && list.titled, at).toBe(true);
          // Five budgets, not all fitting: the "more" line under the rows takes less than a row,
          // so the space left under the last row could not have held one more.
          expect(list.more, at).toBe(true);
          expect(list.free, at).toBeLessThan(list.heights[0]! + list.gap);
          counts.push(`${list.heights.length}`);
        }
      }
      expect(new Set(counts).size, `${path} ${counts}`).toBe(1);
    }
  }, 150_000);

  it('a complaint alert says what and whose, no id; a long alert is read to its end', async () => {
    const stored = await waitFor(
      async () => {
        const r = await stack.request('GET', `/api/v1/alerts?store=${STORE}&kind=complaint_overdue`);
        return r.body?.alerts?.[0];
      },
      20_000,
      'the complaint alert',
    );
    // The API keeps the id.
    expect(stored.data.complaintId).toBe(COMPLAINT.id);
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const motion of ['no-preference', 'reduce'] as const) {
        const page = await open(`/wall/${STORE}/marketing`, 1920, 1080, locale, motion);
        const item = page.getByTestId('alert-item').filter({ hasText: COMPLAINT.masked });
        await item.waitFor({ timeout: 10_000 });
        const all = (await page.getByTestId('alert-item').allInnerTexts()).join('\n');
        expect(all).not.toContain(COMPLAINT.id);
        expect(all).not.toContain(COMPLAINT.customer);
        expect(all).not.toContain('13812345678');
        const text = await item.getByTestId('alert-text').innerText();
        expect(text).toContain(COMPLAINT.summary);
        expect(text).toContain(COMPLAINT.masked);
        expect(text).toContain(locale === 'en' ? 'no response in time' : '超时未响应');
        const seen = await item.getByTestId('alert-text').evaluate((box) => {
          const run = box.firstElementChild as HTMLElement;
          const anim = run.getAnimations()[0];
          if (anim) {
            // In the wait at the end of the slide.
            const total = Number(anim.effect!.getComputedTiming().duration);
            anim.pause();
            anim.currentTime = total * 0.9;
          }
          const b = box.getBoundingClientRect();
          const r = run.getBoundingClientRect();
          const rects = Array.from(run.getClientRects());
          return {
            animated: !!anim,
            wider: run.scrollWidth > box.clientWidth,
            endShown: r.right <= b.right + 1 && r.left < b.left,
            lines: new Set(rects.map((x) => Math.round(x.top))).size,
            // Wrapped (no slide): two lines in all, both shown in the box (none clamped away).
            clipped: !anim && (r.right > b.right + 1 || b.height < 2 * parseFloat(getComputedStyle(box).lineHeight) - 1),
          };
        });
        const at = `${locale} ${motion}`;
        if (motion === 'no-preference') expect(seen, at).toMatchObject({ animated: true, wider: true, endShown: true });
        else expect(seen, at).toMatchObject({ animated: false, lines: 2, clipped: false });
        await page.context().close();
      }
    }
  }, 120_000);
});
