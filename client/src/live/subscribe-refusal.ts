/**
 * The server's answer to a refused `subscribe` or `watchScreen`, said to people: the answer is
 * written for the API's users ("no store marketing"), the screen says what it means in the page's
 * language, never the server's words.
 */
import type { Messages } from '../i18n/index.js';

export function subscribeRefusalText(error: string, m: Messages): string {
  const r = m.subscribeRefusal;
  const store = /^no store (.+)$/.exec(error);
  if (store) return r.unknownStore(store[1]!);
  const screen = /^no screen (.+)$/.exec(error);
  if (screen) return r.unknownScreen(screen[1]!);
  if (error.startsWith('forbidden')) return r.forbidden;
  if (/unavailable/.test(error)) return r.unavailable;
  if (error === 'rate_limited' || /^too many/.test(error)) return r.busy;
  return r.other;
}
