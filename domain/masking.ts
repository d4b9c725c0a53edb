/**
 * Personal data on shared screens is masked: 王小明 → 王*明, 13812345678 → 138****5678.
 * Keys with scope `pii` see the raw values.
 *
 * Free text (complaint summaries, media titles, override reasons, acknowledgement notes) is
 * personal data too: people type phone numbers, ID numbers, plates and e-mail addresses into it.
 * `maskFreeText` masks what can be recognised by its shape (docs/security.md, "Personal data").
 */
import type { AlertRecord } from './alerts.js';
import type { BudgetOverride } from './breaker.js';

export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.length ? '*' : '';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length >= 7) return `${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`;
  return '*'.repeat(digits.length);
}

/** Keeps the first `head` and last `tail` characters: 330102199001011234 → 3301**********1234. */
const keepEnds = (s: string, head: number, tail: number) =>
  `${s.slice(0, head)}${'*'.repeat(s.length - head - tail)}${s.slice(-tail)}`;

/**
 * Full-width forms (１３９…, ＠, ＋, Ｘ) and the ideographic space read as their ASCII
 * counterparts, so that a number typed on a Chinese keyboard is found too. Each is one UTF-16 unit,
 * as is its replacement: positions in the folded text are positions in the original.
 */
const foldWidth = (s: string) =>
  s.replace(/[\uFF01-\uFF5E\u3000]/g, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));

/** Province abbreviations that begin a mainland plate. */
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const DATE = String.raw`(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])`;

/**
 * One pass over the text; at each position the first alternative that matches wins, so an e-mail
 * address made of digits is masked as an e-mail address, an ID number is not read as a phone.
 * Digits run into each other only where they belong: a number inside a longer run of digits (an
 * order number, an amount) is left alone.
 *
 * Built on first use: the wall imports this module for `maskName`, and browsers older than
 * Safari 16.4 cannot compile a lookbehind.
 */
let freeTextPattern: RegExp | undefined;
const buildFreeTextPattern = () =>
  new RegExp(
    [
      // e-mail: z***@example.com
      String.raw`(?<email>[A-Za-z0-9._%+-]+)@(?<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})`,
      // resident ID, 18 characters: area, birth date (19xx/20xx…), sequence, check digit or X
      String.raw`(?<!\d)(?<id18>[1-9]\d{5}(?:18|19|20)\d{2}${DATE}\d{3}[\dXx])(?![\dXx])`,
      // resident ID of the first generation, 15 digits (two-digit year)
      String.raw`(?<!\d)(?<id15>[1-9]\d{5}\d{2}${DATE}\d{3})(?!\d)`,
      // mainland mobile: 1[3-9]x xxxx xxxx, with spaces or dashes, with +86 / 0086 / 86 in front
      String.raw`(?<!\d)(?<cc>(?:\+|00)?86[ -]?)?(?<mobile>1[3-9]\d[ -]?\d{4}[ -]?\d{4})(?!\d)`,
      // landline: area code 0xx / 0xxx (in brackets or not), 7 or 8 digits
      String.raw`(?<!\d)(?<area>\(0\d{2,3}\)|0\d{2,3})(?<sep>[ -]?)(?<local>\d{7,8})(?!\d)`,
      // vehicle plate: 浙A12345, 浙A·D12345 (new energy), 京A1234学; at least one digit after the letter
      String.raw`(?<plate>[${PROVINCES}][A-Z])(?<dot>[·•・. -]?)(?=[A-Z]{0,5}\d)(?<serial>[A-Z0-9]{5,6}|[A-Z0-9]{4}[挂学警港澳领试超])(?![A-Z0-9])`,
    ].join('|'),
    'g',
  );

type Groups = Partial<Record<string, string>>;

function maskMatch(g: Groups): string {
  if (g.email !== undefined) return `${g.email.slice(0, 1)}***@${g.domain}`;
  if (g.id18 !== undefined) return keepEnds(g.id18, 4, 4);
  if (g.id15 !== undefined) return keepEnds(g.id15, 4, 4);
  if (g.mobile !== undefined) return `${g.cc ?? ''}${maskPhone(g.mobile)}`;
  if (g.local !== undefined) return `${g.area}${g.sep}${keepEnds(g.local, 0, 4)}`;
  return `${g.plate}${g.dot}${keepEnds(g.serial!, 0, 2)}`;
}

/**
 * Free text as a key without `pii` sees it: phone numbers (mobile and landline), resident ID
 * numbers, vehicle plates and e-mail addresses masked wherever they stand; and the names given
 * (the customer the event is about), where they appear verbatim, masked like `maskName`. Other
 * names cannot be told from ordinary words and are left as written. Masking twice changes nothing.
 */
export function maskFreeText(text: string, names: readonly (string | undefined)[] = []): string {
  const folded = foldWidth(text);
  let out = '';
  let last = 0;
  for (const m of folded.matchAll((freeTextPattern ??= buildFreeTextPattern()))) {
    out += text.slice(last, m.index) + maskMatch(m.groups ?? {});
    last = m.index + m[0].length;
  }
  out += text.slice(last);
  // A one-character "name" would mask that character everywhere.
  for (const name of names) {
    const n = name?.trim();
    if (n && Array.from(n).length >= 2) out = out.split(n).join(maskName(n));
  }
  return out;
}

/**
 * An alert as a key without `pii`, a wall or a webhook receives it: its message, the texts of
 * its data, and the names and notes of its acknowledgement and history masked.
 */
export function maskAlert<A extends Pick<AlertRecord, 'message' | 'data'> & Partial<Pick<AlertRecord, 'ack' | 'history'>>>(
  alert: A,
): A {
  const out: A = { ...alert, message: maskFreeText(alert.message) };
  if (alert.data) {
    out.data = Object.fromEntries(Object.entries(alert.data).map(([k, v]) => [k, typeof v === 'string' ? maskFreeText(v) : v]));
  }
  if (alert.ack) out.ack = maskNoted(alert.ack);
  if (alert.history) out.history = alert.history.map(maskNoted);
  return out;
}

function maskNoted<T extends { by?: string; note?: string }>(entry: T): T {
  const out = { ...entry };
  if (entry.by !== undefined) out.by = maskFreeText(entry.by);
  if (entry.note !== undefined) out.note = maskFreeText(entry.note);
  return out;
}

/** A breaker override as a key without `pii` sees it: its reason and who let it through. */
export const maskOverride = (o: BudgetOverride): BudgetOverride => ({
  ...o,
  reason: maskFreeText(o.reason),
  by: maskFreeText(o.by),
});
