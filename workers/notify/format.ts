/**
 * What a notification says, per webhook format: pure functions of the alert and its store, so
 * each format can be checked without a network.
 */
import { DateTime } from 'luxon';
import type { AlertRecord, AlertSeverity } from '../../domain/alerts.js';
import type { WebhookFormat } from '../../domain/webhooks.js';

export interface NotifyContext {
  alert: AlertRecord;
  store: string;
  /** The store's display name (its code when it has none). */
  storeName: string;
  /** The store's time zone: staff read the time of the alert as their wall shows it. */
  timeZone: string;
  sentAtMs: number;
}

export const SEVERITY_LABELS: Record<AlertSeverity, string> = { info: '提示', warning: '警告', critical: '严重' };

/**
 * Robot messages are capped (WeCom markdown at 4096 bytes, 3 per Chinese character), so a very
 * long message is cut; the full alert stays on the wall and in the json format.
 */
export const MAX_MESSAGE_CHARS = 1000;

/** A DingTalk robot guarded by keywords needs one in every message: this title is the natural one. */
export const TITLE = '展厅脉搏告警';

const cut = (s: string) => {
  const chars = Array.from(s);
  return chars.length > MAX_MESSAGE_CHARS ? `${chars.slice(0, MAX_MESSAGE_CHARS).join('')}…` : s;
};

const storeLabel = (c: NotifyContext) => (c.storeName && c.storeName !== c.store ? `${c.storeName}（${c.store}）` : c.store);

export function localTime(iso: string, timeZone: string): string {
  const t = DateTime.fromISO(iso, { setZone: true }).setZone(timeZone);
  return t.isValid ? `${t.toFormat('yyyy-MM-dd HH:mm:ss')}（${timeZone}）` : iso;
}

/** Plain text (DingTalk `text`): severity, store, the alert's message, its time. */
export function alertText(c: NotifyContext): string {
  return [
    `${TITLE} · ${SEVERITY_LABELS[c.alert.severity]}`,
    `门店：${storeLabel(c)}`,
    cut(c.alert.message),
    `时间：${localTime(c.alert.at, c.timeZone)}`,
  ].join('\n');
}

/**
 * The message is plain text (masked names look like 王*明), but WeCom reads the content as
 * markdown: its markup characters are swapped for their full-width forms, which read the same.
 */
const MARKDOWN_SWAPS: Record<string, string> = {
  '*': '＊',
  _: '＿',
  '`': '｀',
  '[': '［',
  ']': '］',
  '<': '＜',
  '>': '＞',
  '#': '＃',
  '\\': '＼',
};
export const markdownSafe = (s: string): string => s.replace(/[*_`[\]<>#\\]/g, (ch) => MARKDOWN_SWAPS[ch] ?? ch);

const FONT_COLOR: Record<AlertSeverity, string> = { info: 'comment', warning: 'warning', critical: 'warning' };

/** WeCom group robot markdown. */
export function alertMarkdown(c: NotifyContext): string {
  const sev = SEVERITY_LABELS[c.alert.severity];
  return [
    `**${TITLE}** <font color="${FONT_COLOR[c.alert.severity]}">${sev}</font>`,
    markdownSafe(cut(c.alert.message)),
    `> 门店：${markdownSafe(storeLabel(c))}`,
    `> 时间：<font color="comment">${markdownSafe(localTime(c.alert.at, c.timeZone))}</font>`,
  ].join('\n');
}

/** The raw request body of each format. */
export function notificationBody(format: WebhookFormat, c: NotifyContext): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ alert: c.alert, store: c.store, sentAt: new Date(c.sentAtMs).toISOString() });
    case 'wecom':
      return JSON.stringify({ msgtype: 'markdown', markdown: { content: alertMarkdown(c) } });
    case 'dingtalk':
      return JSON.stringify({ msgtype: 'text', text: { content: alertText(c) } });
  }
}

/**
 * WeCom and DingTalk answer 200 even when they refuse a message (bad sign, missing keyword, rate
 * limit) and say so in `errcode`; that is a failed delivery. Other formats: the status decides.
 */
export function robotReplyError(format: WebhookFormat, responseText: string): string | null {
  if (format === 'json') return null;
  let reply: unknown;
  try {
    reply = JSON.parse(responseText);
  } catch {
    return null;
  }
  if (typeof reply !== 'object' || reply === null || !('errcode' in reply)) return null;
  const { errcode, errmsg } = reply as { errcode: unknown; errmsg?: unknown };
  return errcode === 0 ? null : `robot refused: errcode ${String(errcode)}${errmsg ? ` ${String(errmsg)}` : ''}`;
}
