/**
 * How an event is kept in its store's log (the hash event id → event, core/redis/keys.ts): a
 * compact JSON array instead of the event's JSON, about a third of its size. The id is the hash
 * field and the store the key's tag, so neither is repeated; the type and every enumerated value
 * are numbers; field names are positions; times are seconds in base 36; ids that begin like the
 * event's id keep only what differs. Decoding gives back the event as received, field for field
 * (what `sameBody` compares, domain/event-identity.ts); key order aside.
 *
 *   {"id":"HZ01-ro-20261104-0016.opened","type":"repair.opened","roId":"HZ01-ro-20261104-0016",
 *    "customer":{"id":"HZ01-cu-20261104-r16","name":"谭慧"},"store":"HZ01","at":"2026-11-04T08:29:07+08:00"}
 *   → [8,"tnyc0j","~l",null,"~5cu-20261104-r16","谭慧"]
 *
 * `[type, at, ...the type's fields in FIELDS order, customer id, name, phone]`, an absent field
 * null, trailing nulls left out. A string of a ref or customer id: `~` + the length (base 36, one
 * digit) of what it shares with the event id + the rest; `=` + the string when it begins with `~`
 * or `=`; else itself. A time: seconds in base 36 (`.` after milliseconds when it has them), then
 * its offset unless `+08:00`; `=` + the text when that would not give back the same text.
 *
 * The tables below are append-only: a code, once written, reads the same for ever. An event the
 * tables cannot hold exactly (a field they do not know) is kept as its JSON, which starts with `{`;
 * logs written before this encoding hold only JSON, and both are read.
 */
import type { PulseEvent } from '../../domain/events.js';

/** `refs`: a list of refs, each written as a ref; `object`: a small object of plain values, kept as it is. */
type Kind = 'ref' | 'refs' | 'text' | 'time' | 'bool' | 'num' | 'object' | readonly string[];

const LEAD_CHANNELS = ['walk_in', 'phone', 'web', 'event', 'referral', 'other'];
const CALLBACK_KINDS = ['sales', 'service'];
const CALLBACK_OUTCOMES = ['reached', 'no_answer', 'refused'];
const COMPLAINT_CHANNELS = ['phone', 'wechat', 'walk_in', 'survey', 'media', 'other'];
const COMPLAINT_CATEGORIES = ['sales', 'service', 'parts', 'staff', 'other'];
const SEVERITIES = ['low', 'medium', 'high'];
const SENTIMENTS = ['positive', 'neutral', 'negative'];
const POSTSALE_KINDS = ['inspection', 'plate', 'insurance', 'loan', 'pickup_notice'];
const TASK_STATUSES = ['open', 'done'];
const COOP_OUTCOMES = ['approved', 'partial', 'rejected'];

/** Each type's code (its index) and its fields beyond the common ones, in their logged order. Append only. */
export const LOGGED_TYPES: readonly (readonly [string, readonly (readonly [string, Kind])[]])[] = [
  ['showroom.visit', [['firstVisit', 'bool']]],
  [
    'lead.created',
    [
      ['leadId', 'ref'],
      ['channel', LEAD_CHANNELS],
      ['campaignId', 'ref'],
    ],
  ],
  [
    'testdrive.completed',
    [
      ['leadId', 'ref'],
      ['model', 'text'],
    ],
  ],
  [
    'order.signed',
    [
      ['orderId', 'ref'],
      ['model', 'text'],
      ['amount', 'num'],
      ['campaignId', 'ref'],
    ],
  ],
  ['order.cancelled', [['orderId', 'ref']]],
  [
    'vehicle.delivered',
    [
      ['orderId', 'ref'],
      ['model', 'text'],
      ['vin', 'text'],
    ],
  ],
  [
    'appointment.booked',
    [
      ['appointmentId', 'ref'],
      ['scheduledFor', 'time'],
    ],
  ],
  ['appointment.cancelled', [['appointmentId', 'ref']]],
  [
    'repair.opened',
    [
      ['roId', 'ref'],
      ['appointmentId', 'ref'],
    ],
  ],
  [
    'repair.closed',
    [
      ['roId', 'ref'],
      ['amount', 'num'],
    ],
  ],
  [
    'callback.attempted',
    [
      ['callbackId', 'ref'],
      ['kind', CALLBACK_KINDS],
      ['subjectId', 'ref'],
      ['outcome', CALLBACK_OUTCOMES],
      ['satisfied', 'bool'],
    ],
  ],
  [
    'complaint.opened',
    [
      ['complaintId', 'ref'],
      ['channel', COMPLAINT_CHANNELS],
      ['category', COMPLAINT_CATEGORIES],
      ['severity', SEVERITIES],
      ['summary', 'text'],
    ],
  ],
  ['complaint.responded', [['complaintId', 'ref']]],
  ['complaint.resolved', [['complaintId', 'ref']]],
  [
    'spend.recorded',
    [
      ['spendId', 'ref'],
      ['budgetId', 'ref'],
      ['amount', 'num'],
      ['vendor', 'text'],
      ['coop', 'object'],
    ],
  ],
  [
    'survey.completed',
    [
      ['surveyId', 'ref'],
      ['kind', CALLBACK_KINDS],
      ['score', 'num'],
      ['nps', 'num'],
    ],
  ],
  ['member.joined', []],
  [
    'media.mention',
    [
      ['mentionId', 'ref'],
      ['sentiment', SENTIMENTS],
      ['outlet', 'text'],
      ['title', 'text'],
    ],
  ],
  [
    'material.moved',
    [
      ['itemId', 'ref'],
      ['quantity', 'num'],
    ],
  ],
  [
    'postsale.task',
    [
      ['taskId', 'ref'],
      ['orderId', 'ref'],
      ['kind', POSTSALE_KINDS],
      ['status', TASK_STATUSES],
      ['dueAt', 'time'],
    ],
  ],
  [
    'coop.claim.submitted',
    [
      ['claimId', 'ref'],
      ['program', 'text'],
      ['spendIds', 'refs'],
      ['amount', 'num'],
      ['evidence', 'num'],
    ],
  ],
  [
    'coop.claim.decided',
    [
      ['claimId', 'ref'],
      ['outcome', COOP_OUTCOMES],
      ['approvedAmount', 'num'],
      ['reason', 'text'],
    ],
  ],
  [
    'coop.claim.paid',
    [
      ['claimId', 'ref'],
      ['amount', 'num'],
    ],
  ],
  [
    'material.counted',
    [
      ['itemId', 'ref'],
      ['counted', 'num'],
    ],
  ],
];

const TYPE_CODE = new Map(LOGGED_TYPES.map(([type], i) => [type, i]));
const COMMON = new Set(['id', 'type', 'store', 'at', 'customer']);
const CUSTOMER = new Set(['id', 'name', 'phone']);

/** The offset a time is most often sent with (China): left out. */
const USUAL_OFFSET = '+08:00';
const TIME_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?(Z|[+-]\d\d:\d\d)$/;
const TIME_CODE_RE = /^([0-9a-z]+)(\.?)(Z|[+-]\d\d:\d\d)?$/;

function renderTime(ms: number, millis: boolean, offset: string): string | null {
  if (!Number.isSafeInteger(ms)) return null;
  const m = offset === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  const d = new Date(ms + m * 60_000);
  if (Number.isNaN(d.getTime())) return null;
  const iso = d.toISOString();
  return iso.length === 24 ? `${iso.slice(0, 19)}${millis ? iso.slice(19, 23) : ''}${offset}` : null;
}

function timeFromCode(code: string): string | null {
  const m = TIME_CODE_RE.exec(code);
  if (!m) return null;
  const n = parseInt(m[1]!, 36);
  return renderTime(m[2] ? n : n * 1000, !!m[2], m[3] ?? USUAL_OFFSET);
}

function encodeTime(s: string): string {
  const m = TIME_RE.exec(s);
  if (m) {
    const ms = Date.parse(s);
    const millis = !!m[1];
    if (Number.isSafeInteger(ms) && ms >= 0 && (millis || ms % 1000 === 0)) {
      const code = `${(millis ? ms : ms / 1000).toString(36)}${millis ? '.' : ''}${m[2] === USUAL_OFFSET ? '' : m[2]}`;
      if (timeFromCode(code) === s) return code;
    }
  }
  return `=${s}`;
}

const decodeTime = (code: string): string => (code[0] === '=' ? code.slice(1) : (timeFromCode(code) ?? code));

/** The longest shared beginning worth a mark (one base-36 digit). */
const MAX_SHARED = 35;

function encodeRef(s: string, id: string): string {
  let n = 0;
  while (n < MAX_SHARED && n < s.length && s[n] === id[n]) n++;
  if (n >= 3) return `~${n.toString(36)}${s.slice(n)}`;
  return s[0] === '~' || s[0] === '=' ? `=${s}` : s;
}

function decodeRef(s: string, id: string): string {
  if (s[0] === '~') return id.slice(0, parseInt(s[1]!, 36)) + s.slice(2);
  return s[0] === '=' ? s.slice(1) : s;
}

/** One value of a field as logged, or undefined when the field cannot be logged compactly. */
function encodeValue(v: unknown, kind: Kind, id: string): unknown {
  if (v === undefined) return null;
  if (kind === 'bool') return typeof v === 'boolean' ? (v ? 1 : 0) : undefined;
  if (kind === 'num') return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  if (kind === 'refs') {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return undefined;
    return v.map((x: string) => encodeRef(x, id));
  }
  if (kind === 'object') return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  if (kind === 'ref') return encodeRef(v, id);
  if (kind === 'time') return encodeTime(v);
  if (kind === 'text') return v;
  const i = kind.indexOf(v);
  return i >= 0 ? i : undefined;
}

function decodeValue(v: unknown, kind: Kind, id: string): unknown {
  if (kind === 'bool') return v === 1;
  if (kind === 'ref') return decodeRef(v as string, id);
  if (kind === 'refs') return (v as string[]).map((x) => decodeRef(x, id));
  if (kind === 'object') return v;
  if (kind === 'time') return decodeTime(v as string);
  if (typeof kind === 'object') return kind[v as number];
  return v;
}

/** The event as its store's log keeps it (the compact array, or its JSON when the tables cannot hold it). */
export function encodeLogged(e: PulseEvent): string {
  const fallback = () => JSON.stringify(e);
  const code = TYPE_CODE.get(e.type);
  if (code === undefined) return fallback();
  const fields = LOGGED_TYPES[code]![1];
  const known = fields.length + COMMON.size;
  const ev = e as unknown as Record<string, unknown>;
  let keys = 0;
  for (const k in ev) {
    if (ev[k] === undefined) continue;
    keys++;
    if (!COMMON.has(k) && !fields.some(([f]) => f === k)) return fallback();
  }
  if (keys > known || typeof e.at !== 'string') return fallback();
  const out: unknown[] = [code, encodeTime(e.at)];
  for (const [f, kind] of fields) {
    const v = encodeValue(ev[f], kind, e.id);
    if (v === undefined) return fallback();
    out.push(v);
  }
  const c = e.customer as Record<string, unknown> | undefined;
  if (c !== undefined) {
    if (typeof c !== 'object' || c === null || typeof c.id !== 'string') return fallback();
    for (const k in c) if (!CUSTOMER.has(k) && c[k] !== undefined) return fallback();
    for (const [f, kind] of [
      ['id', 'ref'],
      ['name', 'text'],
      ['phone', 'text'],
    ] as const) {
      const v = encodeValue(c[f], kind, e.id);
      if (v === undefined) return fallback();
      out.push(v);
    }
  }
  while (out.length > 2 && out[out.length - 1] === null) out.pop();
  return JSON.stringify(out);
}

/** The event from its log entry: `id` the hash field, `store` the log's store; either encoding. */
export function decodeLogged(raw: string, id: string, store: string): PulseEvent {
  if (raw[0] !== '[') return JSON.parse(raw) as PulseEvent;
  const a = JSON.parse(raw) as unknown[];
  const spec = LOGGED_TYPES[a[0] as number];
  if (!spec) throw new Error(`log entry ${id} of store ${store}: unknown type code ${String(a[0])}`);
  const [type, fields] = spec;
  const e: Record<string, unknown> = { id, type, store, at: decodeTime(a[1] as string) };
  fields.forEach(([f, kind], i) => {
    const v = a[2 + i];
    if (v !== null && v !== undefined) e[f] = decodeValue(v, kind, id);
  });
  const c = 2 + fields.length;
  if (a[c] !== null && a[c] !== undefined) {
    const customer: Record<string, unknown> = { id: decodeRef(a[c] as string, id) };
    if (a[c + 1] !== null && a[c + 1] !== undefined) customer.name = a[c + 1];
    if (a[c + 2] !== null && a[c + 2] !== undefined) customer.phone = a[c + 2];
    e.customer = customer;
  }
  return e as PulseEvent;
}

/** The event's time (ms) from its log entry, without decoding the rest; NaN when unreadable. */
export function loggedTime(raw: string): number {
  if (raw[0] === '[') {
    const m = /^\[\d+,"([^"]*)"/.exec(raw);
    return m ? Date.parse(decodeTime(m[1]!)) : NaN;
  }
  const m = /"at":"([^"]+)"/.exec(raw);
  return m ? Date.parse(m[1]!) : NaN;
}

/** The store whose log this is: the hash tag of its key (`pulse:{HZ01}:log`). */
export function storeOfLog(logKey: string): string {
  const m = /\{([^}]*)\}/.exec(logKey);
  if (!m) throw new Error(`not a store key: ${logKey}`);
  return m[1]!;
}
