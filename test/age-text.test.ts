/**
 * How long ago, as the wall words it (client/src/age-text.ts): under a minute, minutes, hours with
 * their minutes under two days, then days — in both languages; and the stale warning's minutes.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Messages } from '../client/src/i18n/index.js';

// The wall's words (client/src/i18n/) set the page's title and language when loaded: give it a page.
let age: typeof import('../client/src/age-text.js');
let zh: Messages;
let en: Messages;
beforeAll(async () => {
  vi.stubGlobal('document', { documentElement: {}, title: '', createElement: () => ({}) });
  vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
  age = await import('../client/src/age-text.js');
  const { messages } = await import('../client/src/i18n/index.js');
  zh = messages['zh-CN'];
  en = messages.en;
});

const NOW = Date.parse('2026-11-23T12:00:00Z');
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
/** The time `ms` before NOW, as an alert's `at` or a snapshot's `asOf`. */
const before = (ms: number) => new Date(NOW - ms).toISOString();

describe('agoText', () => {
  const cases: [string, string, string, string][] = [
    ['0 s', before(0), '刚刚', 'just now'],
    ['59 s', before(59 * S), '刚刚', 'just now'],
    ['a time after now', before(-30 * S), '刚刚', 'just now'],
    ['not a time', 'soon', '刚刚', 'just now'],
    ['60 s', before(60 * S), '1 分钟前', '1 min ago'],
    ['3 min 59 s', before(3 * MIN + 59 * S), '3 分钟前', '3 min ago'],
    ['59 min 59 s', before(59 * MIN + 59 * S), '59 分钟前', '59 min ago'],
    ['60 min', before(H), '1 小时前', '1 h ago'],
    ['3 h 12 min 30 s', before(3 * H + 12 * MIN + 30 * S), '3 小时 12 分钟前', '3 h 12 min ago'],
    ['47 h 59 min', before(47 * H + 59 * MIN), '47 小时 59 分钟前', '47 h 59 min ago'],
    ['48 h', before(48 * H), '2 天前', '2 days ago'],
    ['71 h 59 min', before(71 * H + 59 * MIN), '2 天前', '2 days ago'],
    ['10 days', before(240 * H), '10 天前', '10 days ago'],
  ];
  it.each(cases)('%s ago: %s / %s', (_, at, inZh, inEn) => {
    expect([age.agoText(at, NOW, zh), age.agoText(at, NOW, en)]).toEqual([inZh, inEn]);
  });

  it('takes a time in ms as well as an ISO string', () => {
    expect(age.agoText(NOW - (2 * H + 5 * MIN), NOW, zh)).toBe('2 小时 5 分钟前');
  });
});

describe('the stale warning', () => {
  it('counts whole minutes since the last update, at least 1', () => {
    const minutes = [30 * S, 90 * S, 5 * MIN + 59 * S, 125 * MIN].map((ms) => age.staleMinutes(NOW - ms, NOW));
    expect(minutes).toEqual([1, 1, 5, 125]);
    expect([zh.stale(age.staleMinutes(NOW - 125 * MIN, NOW)), en.stale(2)]).toEqual([
      '数据已 125 分钟未更新',
      'No update for 2 min',
    ]);
  });
});

describe('minutesSince', () => {
  it('is whole minutes, 0 for a time after now, null for no time', () => {
    expect([age.minutesSince(before(119 * S), NOW), age.minutesSince(before(-5 * MIN), NOW), age.minutesSince('x', NOW)]).toEqual(
      [1, 0, null],
    );
  });
});
