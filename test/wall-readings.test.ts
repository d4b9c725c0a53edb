/**
 * The business rules the walls read by (domain/): stock against the reorder level, the early-month
 * guard, a budget's forecast and the one status its chip shows, names instead of codes, and an
 * alert's text per locale built from them.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../domain/alerts.js';
import { budgetReading } from '../domain/budget-reading.js';
import { actorName, humaniseId } from '../domain/display-names.js';
import { isEarlyMonth } from '../domain/early-month.js';
import { materialLowMessage, needsReorder, stockReading } from '../domain/material-stock.js';
import type { Messages } from '../client/src/i18n/index.js';

// The wall's words (client/src/i18n/) set the page's title and language when loaded: give it a page.
let alertText: typeof import('../client/src/alert-text.js').alertText;
let zh: Messages;
let en: Messages;
beforeAll(async () => {
  vi.stubGlobal('document', { documentElement: {}, title: '', createElement: () => ({}) });
  vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
  ({ alertText } = await import('../client/src/alert-text.js'));
  const { messages } = await import('../client/src/i18n/index.js');
  zh = messages['zh-CN'];
  en = messages.en;
});

describe('stock against the reorder level', () => {
  it('tells below, at and above apart; at or below needs reordering', () => {
    expect([stockReading(11, 12), stockReading(12, 12), stockReading(13, 12)]).toEqual(['below', 'at', 'above']);
    expect([needsReorder(11, 12), needsReorder(12, 12), needsReorder(13, 12)]).toEqual([true, true, false]);
    expect(materialLowMessage('展台易拉宝', 12, 12)).toBe('物料库存预警：展台易拉宝 库存 12，已到补货线 12');
    expect(materialLowMessage('车模礼品（1:43）', 12, 20)).toBe('物料库存预警：车模礼品（1:43） 库存 12，低于补货线 20');
  });
});

describe('the early-month guard', () => {
  it('holds readings back until 00:00 of the 4th local day, read off the local time', () => {
    expect(isEarlyMonth('2026-12-01T00:00:00.000+08:00')).toBe(true);
    expect(isEarlyMonth('2026-12-03T23:59:59.999+08:00')).toBe(true);
    expect(isEarlyMonth('2026-12-04T00:00:00.000+08:00')).toBe(false);
    // 2026-12-03T20:00Z is the 4th in Shanghai: the local day counts, not UTC's.
    expect(isEarlyMonth('2026-12-04T04:00:00.000+08:00')).toBe(false);
    expect(isEarlyMonth('2026-12-31T12:00:00.000-05:00')).toBe(false);
    expect(isEarlyMonth('')).toBe(false);
  });
});

describe('a budget on the wall', () => {
  // ¥214,500 of ¥220,000 on the 3rd at 21:20: forecast = 214500 / (2.889 / 31) ≈ ¥2.3 M.
  const line = { amount: 60_000, status: 'ok' as const, forecast: 492_511 };
  it('holds the forecast back early in the month, and the chip stays as the spend says', () => {
    expect(budgetReading(line, '2026-12-03T21:20:00.000+08:00')).toEqual({
      forecast: null,
      forecastHeld: true,
      forecastOver: false,
      status: 'ok',
    });
  });
  it('from the 4th: a forecast past the budget turns an ok chip into 预计超支, never green beside red', () => {
    const r = budgetReading({ amount: 60_000, status: 'ok', forecast: 61_000 }, '2026-12-10T09:00:00.000+08:00');
    expect(r).toEqual({ forecast: 61_000, forecastHeld: false, forecastOver: true, status: 'forecastOver' });
    // Exactly the budget is over (the breaker trips at 100 %); under it stays ok.
    expect(budgetReading({ amount: 60_000, status: 'ok', forecast: 60_000 }, '2026-12-10T09:00:00+08:00').status).toBe(
      'forecastOver',
    );
    expect(budgetReading({ amount: 60_000, status: 'ok', forecast: 59_999.99 }, '2026-12-10T09:00:00+08:00').status).toBe('ok');
    // A warning or a trip from the spend itself stands.
    expect(budgetReading({ amount: 60_000, status: 'warn', forecast: 90_000 }, '2026-12-10T09:00:00+08:00').status).toBe('warn');
    expect(budgetReading({ amount: 60_000, status: 'tripped', forecast: 90_000 }, '2026-12-10T09:00:00+08:00').status).toBe(
      'tripped',
    );
  });
});

describe('names instead of codes', () => {
  it('reads an id by its words, and the admin key by its role', () => {
    expect(humaniseId('CMP-HZ01-2612-show')).toBe('show');
    expect(humaniseId('NJ01-2612-anniv')).toBe('anniv');
    expect(humaniseId('B-2611-media')).toBe('media');
    expect(humaniseId('HZ01-2612')).toBe('HZ01-2612');
    expect(actorName('PULSE_ADMIN_TOKEN', '系统管理员')).toBe('系统管理员');
    expect(actorName('店总 陈建国', '系统管理员')).toBe('店总 陈建国');
  });
});

describe('alert text per locale', () => {
  const alert = (kind: Alert['kind'], data: Record<string, unknown>): Alert =>
    ({
      id: 'a1',
      store: 'HZ01',
      kind,
      severity: 'warning',
      message: '服务器文本',
      at: '2026-12-03T13:20:00.000Z',
      data,
    }) as Alert;
  it('at the reorder level is 已到, below it 低于, in both languages', () => {
    const at = alert('material_low', { itemId: 'ROLLUP', name: '展台易拉宝', stock: 12, reorderLevel: 12 });
    const below = alert('material_low', { itemId: 'MODELCAR', name: '车模礼品', stock: 12, reorderLevel: 20 });
    expect(alertText(at, zh)).toBe('物料「展台易拉宝」库存 12，已到补货线 12');
    expect(alertText(below, zh)).toBe('物料「车模礼品」库存 12，低于补货线 20');
    expect(alertText(at, en)).toBe('展台易拉宝: stock 12, at its reorder level 12');
    expect(alertText(below, en)).toBe('车模礼品: stock 12, below its reorder level 20');
  });
  it('English without Chinese quotes, codes or key names', () => {
    const texts = [
      alertText(alert('budget_warn', { budgetId: 'HZ01-2612-video', name: '短视频推广', ratio: 0.807 }), en),
      alertText(alert('spend_unbudgeted', { budgetId: 'NJ01-2612-anniv', amount: 502 }), en),
      alertText(
        alert('budget_override', {
          budgetId: 'SH01-2612-online',
          name: '线上投放',
          amount: 4400,
          shortfall: 1586,
          by: 'PULSE_ADMIN_TOKEN',
        }),
        en,
      ),
    ];
    expect(texts).toEqual([
      'Budget 短视频推广 at 80.7%, nearing its limit',
      'Unbudgeted spend: anniv has no budget this month, ¥502 spent',
      'Budget 线上投放: System administrator let ¥4,400 through the breaker (¥1,586 over)',
    ]);
    for (const t of texts) expect(t).not.toMatch(/[「」“”]|PULSE_ADMIN_TOKEN|\b[A-Z]{2,}\d*-[A-Z0-9-]+\b/);
    expect(alertText(alert('spend_unbudgeted', { budgetId: 'NJ01-2612-anniv', amount: 502 }), zh)).toBe(
      '预算外支出：anniv 本月未设预算，已支出 ¥502',
    );
  });
  it('a co-op spend near the end of its claim window: the program, its day and what it pays back, never the spend id', () => {
    // Spent 1 September 23:30 in Shanghai (15:30 UTC): the store's day is 1 September.
    const a = alert('coop_claim_window', {
      spendId: 'HZ01-SP-0901',
      budgetId: 'HZ01-2609-show',
      program: '一汽丰田区域市场支持',
      at: '2026-09-01T23:30:00+08:00',
      coopAmount: 2500,
      ageDays: 61,
    });
    expect(alertText(a, zh, 'Asia/Shanghai')).toBe(
      '厂家支持「一汽丰田区域市场支持」2026-09-01 的费用已 61 天未申报，可返还 ¥2,500，请尽快申报',
    );
    const english = alertText(a, en, 'Asia/Shanghai');
    expect(english).toBe(
      'Co-op 一汽丰田区域市场支持: a spend of 2026-09-01 unclaimed for 61 days, ¥2,500 to claim back - claim it soon',
    );
    expect(english).not.toContain('HZ01-SP-0901');
    // Without the numbers it needs, the server's line as sent.
    expect(alertText(alert('coop_claim_window', { program: 'x' }), zh)).toBe('服务器文本');
  });
  it('a stocktake gap: books against counted, short (goods missing) or over (goods not booked in)', () => {
    const short = alert('stock_discrepancy', { itemId: 'ROLLUP', name: '展台易拉宝', book: 20, counted: 17, discrepancy: 3 });
    const over = alert('stock_discrepancy', { itemId: 'FLAG', name: '店头道旗', book: 10, counted: 12, discrepancy: -2 });
    expect(alertText(short, zh)).toBe('盘点差异：物料「展台易拉宝」账面 20，实盘 17，短少 3');
    expect(alertText(over, zh)).toBe('盘点差异：物料「店头道旗」账面 10，实盘 12，多出 2');
    expect(alertText(short, en)).toBe('Stocktake gap: 展台易拉宝 books 20, counted 17, 3 missing');
    expect(alertText(over, en)).toBe('Stocktake gap: 店头道旗 books 10, counted 12, 2 unbooked');
  });
});
