/**
 * A refused subscription said to people (client/src/live/subscribe-refusal.ts): each answer the
 * live namespace gives, in the page's language, never the server's own words.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Messages } from '../client/src/i18n/index.js';

let text: typeof import('../client/src/live/subscribe-refusal.js').subscribeRefusalText;
let zh: Messages;
let en: Messages;
beforeAll(async () => {
  // The wall's words set the page's title and language when loaded: give it a page.
  vi.stubGlobal('document', { documentElement: {}, title: '', createElement: () => ({}) });
  vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
  ({ subscribeRefusalText: text } = await import('../client/src/live/subscribe-refusal.js'));
  const { messages } = await import('../client/src/i18n/index.js');
  zh = messages['zh-CN'];
  en = messages.en;
});

describe('subscribeRefusalText', () => {
  const cases: [string, string, string][] = [
    ['no store marketing', '没有代码为「marketing」的门店', 'there is no store with the code "marketing"'],
    ['no screen lobby2', '没有名为「lobby2」的轮播屏', 'there is no screen playlist named "lobby2"'],
    ['forbidden: this key may not read this store', '当前密钥无权查看这里的门店', 'the key in use may not read these stores'],
    ['snapshot unavailable, retry shortly', '数据暂时无法读取', 'the figures cannot be read just now'],
    ['rate_limited', '连接过于频繁', 'too many requests on this connection'],
    ['too many subscriptions on this connection (max 8)', '连接过于频繁', 'too many requests on this connection'],
    ['store must be a store code or "*"', '服务器未接受这次请求', 'the server did not accept the request'],
  ];
  it.each(cases)('%s', (error, zhText, enText) => {
    expect(text(error, zh)).toBe(zhText);
    expect(text(error, en)).toBe(enText);
  });
});
