import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertRecord } from '../domain/alerts.js';
import type { BudgetOverride } from '../domain/breaker.js';
import { maskAlert, maskFreeText, maskName, maskOverride, maskPhone } from '../domain/masking.js';

describe('masking personal data for shared screens', () => {
  it('keeps the first and last character of a name', () => {
    expect(maskName('王小明')).toBe('王*明');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('王')).toBe('*');
    expect(maskName('')).toBe('');
  });
  it('keeps the first three and last four digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138 1234 5678')).toBe('861****5678');
    expect(maskPhone('8888 6666')).toBe('88****66');
    expect(maskPhone('0571-8888666')).toBe('057****8666');
  });
});

describe('masking free text', () => {
  const cases: [string, string][] = [
    // mainland mobiles, however written
    ['客户张三丰电话13912345678投诉', '客户张三丰电话139****5678投诉'],
    ['139 1234 5678', '139****5678'],
    ['139-1234-5678', '139****5678'],
    ['+86 13912345678', '+86 139****5678'],
    ['+86-139-1234-5678', '+86-139****5678'],
    ['0086 13912345678', '0086 139****5678'],
    ['8613912345678', '86139****5678'],
    ['（+86）13912345678', '（+86）139****5678'],
    ['电话１３９１２３４５６７８，请回电', '电话139****5678，请回电'],
    ['19912345678或16612345678', '199****5678或166****5678'],
    // landlines
    ['座机0571-88881234', '座机0571-****1234'],
    ['(021)12345678', '(021)****5678'],
    ['010 1234567转', '010 ***4567转'],
    // resident ID numbers
    ['身份证330102199001011234，', '身份证3301**********1234，'],
    ['33010219900101123X', '3301**********123X'],
    ['id 33010219900101123x.', 'id 3301**********123x.'],
    ['老身份证330102900101123', '老身份证3301*******1123'],
    // plates
    ['车牌浙A12345', '车牌浙A***45'],
    ['浙A·D12345新能源', '浙A·****45新能源'],
    ['粤BD12345', '粤B****45'],
    ['京A1234学', '京A***4学'],
    ['苏E 12345', '苏E ***45'],
    // e-mail addresses
    ['邮箱zhangsf@example.com，', '邮箱z***@example.com，'],
    ['li.si+vip@mail.qq.com', 'l***@mail.qq.com'],
    ['13912345678@163.com', '1***@163.com'],
    ['ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'z***@example.com'],
    // all at once, with the customer's own name
    [
      '客户王小明（13800001111，wxm@example.cn）车牌沪A·F54321，身份证110101198512310015',
      '客户王小明（138****1111，w***@example.cn）车牌沪A·****21，身份证1101**********0015',
    ],
  ];
  it.each(cases)('%s → %s', (raw, masked) => {
    expect(maskFreeText(raw)).toBe(masked);
    // Masking what is masked changes nothing.
    expect(maskFreeText(masked)).toBe(masked);
  });

  it('leaves amounts, dates, times, order numbers, VINs, hotlines and words alone', () => {
    for (const text of [
      '¥12000',
      '12000元',
      '金额1,280,000',
      '199800.50',
      '2026-12-03',
      '2026年12月3日 14:05',
      '订单O-20261203-0001',
      '订单号DD202612031234',
      '202612031430551234',
      '20261203143055123',
      '12345678901234567890',
      'VIN LSVAU2180N2183294',
      '400-820-8820',
      '95588',
      '新iPhone',
      '新款SUV',
      '浙ABCDEF',
      '门店HZ01第3次',
      'C-1 超时 26 小时',
      'a@b',
    ]) {
      expect(maskFreeText(text), text).toBe(text);
    }
  });

  it('masking what is masked changes nothing, whatever the text', () => {
    const unit = fc.constantFrom(...'0123456789０１２３４５６７８９ -+·@.XxABDabz浙京新学投诉张三（）()，');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (s) => maskFreeText(maskFreeText(s)) === maskFreeText(s)),
      { numRuns: 5000 },
    );
  });

  it('masks the names it is given where they appear, and no one-character name', () => {
    expect(maskFreeText('客户张三丰电话13912345678投诉', ['张三丰'])).toBe('客户张*丰电话139****5678投诉');
    expect(maskFreeText('欧阳小明说：欧阳小明等了两小时', ['欧阳小明', undefined])).toBe('欧**明说：欧**明等了两小时');
    expect(maskFreeText('李四投诉', ['李四'])).toBe('李*投诉');
    expect(maskFreeText('王先生投诉', ['王'])).toBe('王先生投诉');
    expect(maskFreeText('', ['张三'])).toBe('');
  });

  it('masks every text of an alert and keeps its numbers', () => {
    const alert: AlertRecord = {
      id: 'HZ01.a1',
      store: 'HZ01',
      kind: 'budget_override',
      severity: 'warning',
      message: '预算越权批准：车展 计划支出 ¥5,000，超出 ¥4,900；店总 陈建国：供应商13712345678要求追加',
      at: '2026-11-23T02:00:00.000Z',
      data: { budgetId: 'B1', amount: 5000, by: '店总 陈建国', reason: '供应商13712345678要求追加' },
      state: 'acked',
      ack: { by: '客服 a@b.cn', note: '已回电13712345678', at: '2026-11-23T02:10:00.000Z' },
      history: [
        { at: '2026-11-23T02:00:00.000Z', action: 'raised' },
        { at: '2026-11-23T02:10:00.000Z', action: 'acked', by: '客服 a@b.cn', note: '已回电13712345678' },
      ],
    };
    expect(maskAlert(alert)).toEqual({
      ...alert,
      message: '预算越权批准：车展 计划支出 ¥5,000，超出 ¥4,900；店总 陈建国：供应商137****5678要求追加',
      data: { budgetId: 'B1', amount: 5000, by: '店总 陈建国', reason: '供应商137****5678要求追加' },
      ack: { by: '客服 a***@b.cn', note: '已回电137****5678', at: '2026-11-23T02:10:00.000Z' },
      history: [
        { at: '2026-11-23T02:00:00.000Z', action: 'raised' },
        { at: '2026-11-23T02:10:00.000Z', action: 'acked', by: '客服 a***@b.cn', note: '已回电137****5678' },
      ],
    });
    // The original is not touched.
    expect(alert.data!.reason).toBe('供应商13712345678要求追加');
  });

  it('masks the reason of a breaker override', () => {
    const o: BudgetOverride = {
      overrideId: 'o1',
      budgetId: 'B1',
      store: 'HZ01',
      month: '2026-11',
      amount: 500,
      shortfall: 400,
      reason: '车主浙A12345急需',
      by: '店总 陈建国',
      keyName: 'HZ01 店总',
      at: '2026-11-23T02:00:00.000Z',
    };
    expect(maskOverride(o)).toEqual({ ...o, reason: '车主浙A***45急需' });
  });
});
