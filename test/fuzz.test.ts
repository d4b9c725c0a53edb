/**
 * Property-based fuzzing (fast-check) of the running product: malformed, hostile and oversized
 * events, raw bodies, CSV files, paths and socket messages. For every input the answer is a clean
 * 4xx with a JSON body naming the problem, never a 5xx; the server stays up; and no figure moves.
 *
 * Reproduce a failure with the seed fast-check prints: `FC_SEED=123 npx vitest run test/fuzz.test.ts`
 * (FC_RUNS=n scales the number of runs).
 */
import fc from 'fast-check';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchemas, EVENT_TYPES } from '../domain/events.js';
import { maskFreeText } from '../domain/masking.js';
import { parseWebhookAllowList } from '../domain/webhook-addresses.js';
import { createApp } from '../server/app.js';
import { csvCell } from '../core/imports/csv.js';
import { globalKeys } from '../core/redis/keys.js';
import { routes } from '../server/routes/index.js';
import { importFinished, postCsv } from './support/csv.js';
import { ev } from './support/events.js';
import { ADMIN_TOKEN, startStack, waitFor, type Stack } from './support/stack.js';
import { loggedCount } from '../core/events/event-log.js';

const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 1;
const params = (numRuns: number) => ({ numRuns: Math.max(1, Math.round(numRuns * RUNS)), seed: SEED, endOnFailure: true });

/** Statuses a refused input may get. */
const CLEAN = [400, 401, 403, 404, 405, 413, 415, 422, 429];

let stack: Stack;
const keys = { ingest: '', read: '', limited: '' };
/** Figures and counters that no refused input may move. */
let baseline: Awaited<ReturnType<typeof invariants>>;

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

beforeAll(async () => {
  // No rate limits here: the point is what each input does, not how many get through (the socket
  // message budget has a case of its own, on a server of its own). The valid webhook below points
  // at the discard port on loopback, which the allow-list names.
  stack = await startStack('fuzz', {
    config: {
      rateLimits: { windowMs: 60_000, ingest: 0, api: 0 },
      liveMessages: { perSecond: 0, burst: 0 },
      webhookAllowHosts: parseWebhookAllowList('127.0.0.1:9').list,
    },
  });
  const key = async (name: string, scopes: string[], stores?: string[]) =>
    (await stack.request('POST', '/api/v1/keys', { name, scopes, ...(stores ? { stores } : {}) })).body.token as string;
  keys.ingest = await key('dms', ['ingest']);
  keys.read = await key('wall', ['read']);
  keys.limited = await key('dms-fzl', ['ingest', 'read'], ['FZL']);
  // A few figures to keep still.
  const s = { store: 'FZ0' };
  const res = await stack.request('POST', '/api/v1/events', {
    events: [
      ev('showroom.visit', ago(90), { ...s, firstVisit: true }),
      ev('order.signed', ago(80), { ...s, orderId: 'O1', model: '汉', amount: 199800 }),
      ev('repair.opened', ago(70), { ...s, roId: 'RO1', appointmentId: 'A1' }),
      ev('complaint.opened', ago(60), { ...s, complaintId: 'CP1', channel: 'phone', category: 'sales', severity: 'low' }),
    ],
  });
  expect(res.status).toBe(202);
  await waitFor(async () => (await stack.request('GET', '/api/v1/stores/FZ0/kpis')).body?.seq >= 4, 10_000, 'baseline');
  baseline = await invariants();
}, 60_000);
afterAll(() => stack.close());

/**
 * What must not change: the group's figures (not asOf/seq), the stores, the apply jobs. The time
 * customer value was last computed is left out: a well-formed POST …/segments/recompute among the
 * hostile requests legitimately runs it again, over the same events, to the same counts.
 */
async function invariants() {
  const snap = (await stack.request('GET', '/api/v1/kpis')).body as {
    kpis: { segments: { computedAt: unknown } };
    series: unknown;
    stores: string[];
  };
  const counts = await stack.app.deps.queues.events.getJobCounts();
  return {
    kpis: { ...snap.kpis, segments: { ...snap.kpis.segments, computedAt: undefined } },
    series: snap.series,
    stores: snap.stores,
    registered: await stack.app.deps.redis.hlen(globalKeys(stack.config.prefix).stores),
    applyJobs: Object.values(counts).reduce((a, b) => a + b, 0),
  };
}

async function expectNothingMoved() {
  expect(await invariants()).toEqual(baseline);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

interface Answer {
  status: number;
  body: unknown;
}
async function send(
  method: string,
  path: string,
  opts: {
    body?: string | Uint8Array<ArrayBuffer>;
    contentType?: string | null;
    token?: string | null;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? ADMIN_TOKEN : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.contentType) headers['content-type'] = opts.contentType;
  const res = await fetch(stack.baseUrl + path, { method, headers, body: opts.body });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}
const postJson = (body: string, token: string | null = keys.ingest) =>
  send('POST', '/api/v1/events', { body, contentType: 'application/json', token });

/** A clean refusal: a 4xx of the list, a JSON body with `error` and `details` or `message`; the server still up. */
async function expectRefused(a: Answer, what: string) {
  const brief = JSON.stringify(a.body).slice(0, 300);
  expect(CLEAN, `${what} → ${a.status} ${brief}`).toContain(a.status);
  const body = a.body as { error?: unknown; details?: unknown; message?: unknown };
  expect(typeof body, `${what}: a JSON object`).toBe('object');
  expect(typeof body.error, `${what}: error`).toBe('string');
  expect(Array.isArray(body.details) || typeof body.message === 'string', `${what}: details or message ${brief}`).toBe(true);
  const health = await fetch(`${stack.baseUrl}/healthz`);
  expect(health.status).toBe(200);
}

// ── Generators ──────────────────────────────────────────────────────────────────────────────────

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Template {
  event: Record<string, Json>;
  required: string[];
}

/** One valid event of several types, with the fields it cannot do without. */
function templates(): Template[] {
  const at = ago(10);
  const c = { store: 'FZ1', at };
  return [
    {
      event: { id: 'fz-v', type: 'showroom.visit', ...c, firstVisit: true },
      required: ['id', 'type', 'store', 'at', 'firstVisit'],
    },
    {
      event: {
        id: 'fz-o',
        type: 'order.signed',
        ...c,
        orderId: 'O9',
        model: '汉',
        amount: 1000.5,
        customer: { id: 'C1', name: '王' },
      },
      required: ['id', 'type', 'store', 'at', 'orderId', 'model', 'amount'],
    },
    {
      event: {
        id: 'fz-c',
        type: 'complaint.opened',
        ...c,
        complaintId: 'CP9',
        channel: 'wechat',
        category: 'service',
        severity: 'high',
        summary: '等太久',
      },
      required: ['id', 'type', 'store', 'at', 'complaintId', 'channel', 'category', 'severity'],
    },
    {
      event: { id: 'fz-s', type: 'spend.recorded', ...c, spendId: 'S9', budgetId: 'B9', amount: 10.25, vendor: 'v' },
      required: ['id', 'type', 'store', 'at', 'spendId', 'budgetId', 'amount'],
    },
    {
      event: { id: 'fz-sv', type: 'survey.completed', ...c, surveyId: 'SV9', kind: 'sales', score: 80, nps: 9 },
      required: ['id', 'type', 'store', 'at', 'surveyId', 'kind', 'score'],
    },
    {
      event: { id: 'fz-m', type: 'material.moved', ...c, itemId: 'I9', quantity: -3 },
      required: ['id', 'type', 'store', 'at', 'itemId', 'quantity'],
    },
    {
      event: {
        id: 'fz-cb',
        type: 'callback.attempted',
        ...c,
        callbackId: 'CB9',
        kind: 'sales',
        subjectId: 'O9',
        outcome: 'reached',
        satisfied: true,
      },
      required: ['id', 'type', 'store', 'at', 'callbackId', 'kind', 'subjectId', 'outcome'],
    },
    {
      event: { id: 'fz-mj', type: 'member.joined', ...c, customer: { id: 'C2' } },
      required: ['id', 'type', 'store', 'at', 'customer'],
    },
    {
      event: { id: 'fz-md', type: 'media.mention', ...c, mentionId: 'M9', sentiment: 'negative', outlet: '懂车帝', title: 't' },
      required: ['id', 'type', 'store', 'at', 'mentionId', 'sentiment', 'outlet'],
    },
  ];
}
const template = fc.integer({ min: 0, max: templates().length - 1 }).map((i) => templates()[i]!);

/** Every field name any event type has: an "extra" field must be none of them. */
const KNOWN_FIELDS = new Set(eventSchemas.flatMap((s) => Object.keys(s.shape)));
const AMOUNT_FIELDS = ['amount', 'score', 'nps', 'quantity'];
const HOSTILE_CHARS = [
  '\u0000',
  '\n',
  '\t',
  '\u202e',
  '\u200b',
  ' ',
  '/',
  '?',
  '%',
  '中',
  '😀',
  '<',
  '>',
  '"',
  "'",
  '\\',
  '\ud800',
];

const wrongTypeFor = (v: Json): fc.Arbitrary<Json> => {
  const others: fc.Arbitrary<Json>[] = [fc.constant(null), fc.constant([]), fc.constant({}), fc.constant([v])];
  if (typeof v !== 'string') others.push(fc.string({ maxLength: 20 }));
  if (typeof v !== 'number') others.push(fc.integer());
  if (typeof v !== 'boolean') others.push(fc.boolean());
  if (typeof v === 'object' && v !== null) others.push(fc.string());
  return fc.oneof(...others);
};

/** JSON text nested `depth` deep (built as text: JSON.stringify itself would overflow the stack). */
const deepText = (depth: number, asArray: boolean) =>
  asArray ? `${'['.repeat(depth)}"x"${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;

/** A different value of the same type, for the same id with another body. */
const otherValue = (v: Json): Json =>
  typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : typeof v === 'string' ? `${v}x` : { id: 'C-other' };

/** A year's time far from now (and from any recent `at`): more than 2 years before or after. */
const farTime = fc
  .oneof(fc.integer({ min: 1, max: 2023 }), fc.integer({ min: 2030, max: 9999 }))
  .chain((y) =>
    fc
      .constantFrom('-01-01T00:00:00Z', '-06-15T08:30:00+08:00', '-12-31T23:59:59Z')
      .map((rest) => `${String(y).padStart(4, '0')}${rest}`),
  );
/** An appointment or a one-stop task dated more than 2 years from its own `at`. */
const farDated = fc.tuple(fc.boolean(), farTime).map(([booked, t]) => ({
  what: `${booked ? 'scheduledFor' : 'dueAt'} ${t}`,
  path: booked ? 'scheduledFor' : 'dueAt',
  event: (booked
    ? { id: 'fz-ap', type: 'appointment.booked', store: 'FZ1', at: ago(10), appointmentId: 'AP9', scheduledFor: t }
    : {
        id: 'fz-pt',
        type: 'postsale.task',
        store: 'FZ1',
        at: ago(10),
        taskId: 'T9',
        orderId: 'O9',
        kind: 'plate',
        status: 'open',
        dueAt: t,
      }) as Record<string, Json>,
}));

/** A valid event made invalid in one (or a few) ways. The result is JSON text. */
const brokenEvent: fc.Arbitrary<{ what: string; json: string }> = template.chain((t) => {
  const e = t.event;
  const keysOf = Object.keys(e);
  const stringKeys = keysOf.filter((k) => typeof e[k] === 'string');
  const regexKeys = stringKeys.filter((k) => !['model', 'summary', 'vendor', 'outlet', 'title'].includes(k));
  const numberKeys = keysOf.filter((k) => AMOUNT_FIELDS.includes(k));
  const set = (k: string, v: Json) => ({ ...e, [k]: v });
  const json = (what: string, v: unknown) => ({ what, json: JSON.stringify(v) });
  const mutations: fc.Arbitrary<{ what: string; json: string }>[] = [
    fc.constantFrom(...t.required).map((k) => {
      const rest = { ...e };
      delete rest[k];
      return json(`without ${k}`, rest);
    }),
    fc.constantFrom(...keysOf).chain((k) => wrongTypeFor(e[k]!).map((v) => json(`${k} of the wrong type`, set(k, v)))),
    fc
      .tuple(fc.constantFrom(...stringKeys), fc.integer({ min: 501, max: 300_000 }), fc.constantFrom('x', '中', '😀'))
      .map(([k, n, ch]) => json(`${k} of ${n} characters`, set(k, ch.repeat(n)))),
    fc.tuple(fc.constantFrom(...regexKeys), fc.constantFrom(...HOSTILE_CHARS), fc.nat()).map(([k, ch, pos]) => {
      const s = String(e[k]);
      const i = pos % (s.length + 1);
      return json(`${k} with ${JSON.stringify(ch)}`, set(k, s.slice(0, i) + ch + s.slice(i)));
    }),
    fc
      .tuple(
        fc.constantFrom(
          '"__proto__": {"polluted": "yes"}',
          '"constructor": {"prototype": {"polluted": "yes"}}',
          '"prototype": {"polluted": 1}',
        ),
        fc.boolean(),
      )
      .map(([pair, inCustomer]) => {
        // Written as JSON text: a JS object literal would set the prototype instead of a key.
        const text = JSON.stringify(inCustomer ? { ...e, customer: { id: 'C1' } } : e);
        return {
          what: `${pair}${inCustomer ? ' in customer' : ''}`,
          json: inCustomer ? text.replace('"customer":{', `"customer":{${pair}, `) : `{${pair}, ${text.slice(1)}`,
        };
      }),
    fc
      .constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '0x10', ' 12', '12,5', '１２', '', '1_000', '١٢')
      .map((v) =>
        json(`${numberKeys[0] ?? 'firstVisit'} as the string ${JSON.stringify(v)}`, set(numberKeys[0] ?? 'firstVisit', v)),
      ),
    fc.constantFrom(-1, -0.01, 0, 1e11 + 1, 1e308, 1.001, 0.005, 0.004, 123.456, 1e-9, 5e-324, 2 ** 53).map((v) =>
      json(`amount ${v}`, {
        id: 'fz-amt',
        type: 'order.signed',
        store: 'FZ1',
        at: ago(10),
        orderId: 'O8',
        model: 'm',
        amount: v,
      }),
    ),
    fc
      .constantFrom(
        '2026-02-30T00:00:00Z',
        '2026-11-23',
        '2026-11-23 10:00:00',
        '2026-11-23T10:00:00',
        '2026-11-23T10:00:00+25:00',
        'yesterday',
        '',
        '1700000000000',
        '+275760-09-13T00:00:00Z',
        '9999-12-31T23:59:59Z',
        new Date(Date.now() + 24 * 3600_000).toISOString(),
        '0000-01-01T00:00:00Z',
      )
      .map((at) => json(`at ${at}`, set('at', at))),
    fc
      .string({ maxLength: 40 })
      .filter((s) => !(EVENT_TYPES as string[]).includes(s))
      .map((type) => json(`type ${JSON.stringify(type)}`, set('type', type))),
    fc
      .tuple(
        fc.string({ minLength: 0, maxLength: 30 }).filter((k) => !KNOWN_FIELDS.has(k) && k !== '__proto__'),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([k, v]) => json(`extra field ${JSON.stringify(k)}`, set(k, v as Json))),
    fc
      .tuple(fc.integer({ min: 1, max: 150_000 }), fc.boolean(), fc.constantFrom('customer', 'id', 'amount', '(body)'))
      .map(([d, asArray, k]) => ({
        what: `${k} nested ${d} deep`,
        json: k === '(body)' ? deepText(d, asArray) : JSON.stringify(set(k, '(deep)')).replace('"(deep)"', deepText(d, asArray)),
      })),
    fc
      .tuple(
        fc.string({ maxLength: 20 }).filter((k) => !['events', 'type', '__proto__'].includes(k)),
        fc.jsonValue({ maxDepth: 1 }),
      )
      .map(([k, v]) => json(`a batch with ${JSON.stringify(k)} beside events`, { events: [e], [k]: v as Json })),
    farDated.map(({ what, event }) => json(what, event)),
    fc
      .constantFrom(...keysOf.filter((k) => !['id', 'store', 'type'].includes(k)))
      .map((k) => json(`the id twice, ${k} differing`, { events: [e, { ...e, [k]: k === 'at' ? ago(11) : otherValue(e[k]!) }] })),
    fc.constantFrom(
      json('an array of one event', [e]),
      json('customer as an array', set('customer', ['C1'])),
      json('events as an object', { events: e }),
      json('events as an array of arrays', { events: [[e]] }),
      json('events and type together', { ...e, events: [e] }),
      json('a string', 'event'),
      json('an empty object', {}),
      json('events: null', { events: null }),
    ),
  ];
  return fc.oneof(...mutations);
});

// ── Personal data in free text ──────────────────────────────────────────────────────────────────

/** Full-width forms as their ASCII counterparts, the way a Chinese keyboard's digits are read. */
const foldWidth = (s: string) => s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
const toFullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const pad2 = (n: number) => String(n).padStart(2, '0');
/** A piece of personal data: as written in the text, and what must not be left of it once masked. */
const mobile = fc
  .tuple(fc.integer({ min: 3, max: 9 }), digits(9), fc.constantFrom('plain', 'spaced', 'dashed', '+86', 'full-width'))
  .map(([second, rest, how]) => {
    const n = `1${second}${rest}`;
    const written = {
      plain: n,
      spaced: `${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`,
      dashed: `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`,
      '+86': `+86 ${n}`,
      'full-width': toFullWidth(n),
    }[how];
    return { written, secret: n };
  });
const residentId = fc
  .tuple(fc.integer({ min: 1, max: 9 }), digits(5), fc.integer({ min: 1940, max: 2010 }), fc.integer({ min: 1, max: 12 }))
  .chain(([a, area, year, month]) =>
    fc.tuple(fc.integer({ min: 1, max: 28 }), digits(3), fc.constantFrom(...'0123456789X')).map(([day, seq, check]) => {
      const id = `${a}${area}${year}${pad2(month)}${pad2(day)}${seq}${check}`;
      return { written: id, secret: id };
    }),
  );
const email = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9._]{0,9}$/),
    fc.stringMatching(/^[a-z]{2,8}$/),
    fc.constantFrom('com', 'cn', 'net', 'com.cn'),
  )
  .map(([local, domain, tld]) => ({ written: `${local}@${domain}.${tld}`, secret: `${local}@` }));
const plate = fc
  .tuple(
    fc.constantFrom(...'京沪浙粤苏川鄂'),
    fc.constantFrom(...'ABCDEFGHJK'),
    fc.constantFrom('', 'D'),
    digits(5),
    fc.constantFrom('', '·'),
  )
  .map(([province, letter, energy, serial, dot]) => ({
    written: `${province}${letter}${dot}${energy}${serial}`,
    secret: `${province}${letter}${energy}${serial}`,
  }));
/** Words around the numbers: no digit, Latin letter, separator or plate province that could run into them. */
const filler = fc.string({
  unit: fc.constantFrom(...'客户电话投诉说明已回访的了是，。：（）、！？'),
  minLength: 1,
  maxLength: 8,
});
const customerName = fc
  .tuple(
    fc.constantFrom(...'王李张刘陈杨黄赵吴周'),
    fc.string({ unit: fc.constantFrom(...'小明华伟芳娜强磊军'), minLength: 1, maxLength: 2 }),
  )
  .map(([family, given]) => `${family}${given}`);
const textWithPersonalData = fc
  .tuple(
    customerName,
    fc.array(fc.oneof(mobile, residentId, email, plate), { minLength: 1, maxLength: 5 }),
    fc.array(filler, { minLength: 6, maxLength: 6 }),
  )
  .map(([name, pieces, words]) => {
    // The customer's name among the words, once.
    const parts = [words[0]!, name, ...pieces.flatMap((p, i) => [words[(i % 5) + 1]!, p.written]), words[5]!];
    return { name, text: parts.join(''), secrets: [name, ...pieces.map((p) => p.secret)] };
  });

describe('fuzz: events', () => {
  it('every broken event or batch is refused with a 4xx naming the problem', async () => {
    await fc.assert(
      fc.asyncProperty(brokenEvent, async ({ what, json }) => {
        await expectRefused(await postJson(json), what);
      }),
      params(250),
    );
    await expectNothingMoved();
  });

  it('batches: 0 or 1001 events, or one bad event among good ones, apply nothing', async () => {
    let n = 0;
    const good = (i: number) => ev('showroom.visit', ago(5), { id: `fzb-${n}-${i}`, store: 'FZB', firstVisit: i % 2 === 0 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant({ size: 0, bad: null as string | null }),
          fc.constant({ size: 1001, bad: null as string | null }),
          fc.tuple(fc.integer({ min: 1, max: 999 }), brokenEvent).map(([size, b]) => ({ size, bad: b.json })),
        ),
        fc.nat(),
        async ({ size, bad }, pos) => {
          n++;
          const events = Array.from({ length: size }, (_, i) => JSON.stringify(good(i)));
          if (bad !== null) events.splice(pos % (size + 1), 0, bad);
          await expectRefused(await postJson(`{"events": [${events.join(',')}]}`), `a batch of ${events.length}`);
        },
      ),
      params(30),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(await loggedCount(stack.app.deps.redis, stack.config.prefix, 'FZB')).toBe(0);
    await expectNothingMoved();
  });

  it('a batch with a field beside events, a far date, or one id of a store with two bodies: 400 naming it', async () => {
    const e = templates()[0]!.event;
    const cases = fc.oneof(
      fc
        .uniqueArray(
          fc.string({ maxLength: 12 }).filter((k) => !['events', 'type', '__proto__'].includes(k)),
          { minLength: 1, maxLength: 3 },
        )
        .map((extra) => {
          const body = { events: [e], ...Object.fromEntries(extra.map((k) => [k, 1])) };
          // Named in the order the object holds them (integer-like keys come first in JavaScript).
          const named = Object.keys(body).filter((k) => k !== 'events');
          return { body: body as Json, detail: { index: -1, path: '(body)', message: `unknown field(s): ${named.join(', ')}` } };
        }),
      farDated.map(({ path, event }) => ({
        body: event as Json,
        detail: { index: 0, path, message: 'must be within 2 years (730 days) of at' },
      })),
      fc.tuple(fc.integer({ min: 1, max: 5 }), fc.nat()).map(([n, pos]) => {
        const events: Record<string, Json>[] = Array.from({ length: n }, (_, i) => ({ ...e, id: `fz-r${i}` }));
        const first = pos % n;
        events.push({ ...events[first]!, firstVisit: !events[first]!.firstVisit });
        return {
          body: { events } as Json,
          detail: { index: n, path: 'id', message: `repeats the id of event ${first} with a different body` },
        };
      }),
      fc.constantFrom('{}', '').map((text) => ({
        body: text as Json,
        detail: { index: -1, path: '(body)', message: 'is empty: send one event or {"events": [...]}' },
      })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ body, detail }) => {
        const a = await postJson(typeof body === 'string' ? body : JSON.stringify(body));
        expect(a, JSON.stringify(body).slice(0, 200)).toEqual({
          status: 400,
          body: { error: 'invalid_events', details: [detail] },
        });
      }),
      params(60),
    );
    await expectNothingMoved();
  });

  it('the same event repeated in a batch is accepted once, counted as duplicates, applied once', async () => {
    let n = 0;
    let distinct = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        async (times, seed) => {
          n++;
          const events = times.map((_, i) =>
            ev('showroom.visit', ago(5), { id: `fzd-${n}-${i}`, store: 'FZD', firstVisit: i % 2 === 0 }),
          );
          // Each event as often as drawn, its fields in another order each time, the whole shuffled.
          const sent = events.flatMap((e, i) =>
            Array.from({ length: times[i]! }, (_, k) => (k % 2 ? Object.fromEntries(Object.entries(e).reverse()) : e)),
          );
          const order = sent.map((_, i) => (i * 7919 + seed) % 104729).map((r, i) => [r, i] as const);
          const shuffled = order.sort(([a], [b]) => a - b).map(([, i]) => sent[i]);
          const a = await postJson(JSON.stringify({ events: shuffled }));
          expect(a).toEqual({
            status: 202,
            body: { accepted: events.length, new: events.length, duplicates: sent.length - events.length, conflicts: 0 },
          });
          distinct += events.length;
        },
      ),
      params(20),
    );
    await waitFor(
      async () => (await loggedCount(stack.app.deps.redis, stack.config.prefix, 'FZD')) === distinct,
      10_000,
      'every distinct event applied',
    );
    await waitFor(async () => (await stack.request('GET', '/api/v1/stores/FZD/kpis')).body?.seq >= distinct);
    // The visits moved figures on purpose: they are the new baseline.
    await waitFor(async () => (await stack.app.deps.queues.events.getJobCounts('waiting', 'active')).waiting === 0);
    baseline = await invariants();
  });

  it('extreme numbers in every amount, quantity and score: 400 naming the field, never a 5xx, nothing applied', async () => {
    const c = { store: 'FZX', at: ago(10) };
    /** Each number field with the JSON texts beyond its bound (docs/events.md, Bounds). */
    const COMMON = [
      '9007199254740991',
      '-9007199254740991',
      '9007199254740993',
      '1e308',
      '-1e308',
      '1e309',
      '-1e309',
      '1e21',
      '123456789012345678901234567890',
      '"Infinity"',
      '"-Infinity"',
      '"NaN"',
      '"1"',
      'null',
      'true',
      '[1]',
      '{}',
    ];
    const beyond = (min: number) => fc.double({ min, max: Number.MAX_VALUE, noNaN: true }).filter((v) => v > min);
    const below = (max: number) => fc.double({ min: -Number.MAX_VALUE, max, noNaN: true }).filter((v) => v < max);
    const texts = (extra: string[], ...more: fc.Arbitrary<number>[]) =>
      fc.oneof(fc.constantFrom(...COMMON, ...extra), ...more.map((a) => a.map((v) => JSON.stringify(v))));
    const fields: { event: Record<string, Json>; field: string; values: fc.Arbitrary<string> }[] = [
      {
        event: { id: 'fzx-o', type: 'order.signed', ...c, orderId: 'O', model: 'm', amount: 1 },
        field: 'amount',
        values: texts(['-0', '0', '1e-9', '5e-324', '100000000.01', '0.001'], beyond(100_000_000), below(0)),
      },
      {
        event: { id: 'fzx-r', type: 'repair.closed', ...c, roId: 'R', amount: 1 },
        field: 'amount',
        values: texts(['-0.01', '1e-9', '5e-324', '10000000.01'], beyond(10_000_000), below(-0.001)),
      },
      {
        event: { id: 'fzx-s', type: 'spend.recorded', ...c, spendId: 'S', budgetId: 'B', amount: 1 },
        field: 'amount',
        values: texts(['-0', '0', '1e-9', '5e-324', '100000000.01'], beyond(100_000_000), below(0)),
      },
      {
        event: { id: 'fzx-m', type: 'material.moved', ...c, itemId: 'I', quantity: 1 },
        field: 'quantity',
        values: texts(['-0', '0', '-0.0', '100001', '-100001', '0.5', '1e-7'], beyond(100_000), below(-100_000)),
      },
      {
        event: { id: 'fzx-sv', type: 'survey.completed', ...c, surveyId: 'S', kind: 'sales', score: 1 },
        field: 'score',
        values: texts(['100.0000001', '-1e-9'], beyond(100), below(0)),
      },
      {
        event: { id: 'fzx-n', type: 'survey.completed', ...c, surveyId: 'S', kind: 'sales', score: 1, nps: 1 },
        field: 'nps',
        values: texts(['11', '0.5', '-0.5', '-1'], beyond(10), below(0)),
      },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields).chain((f) => f.values.map((text) => ({ ...f, text }))),
        async ({ event, field, text }) => {
          const json = JSON.stringify({ ...event, [field]: '(n)' }).replace('"(n)"', text);
          const a = await postJson(json);
          await expectRefused(a, `${field} ${text}`);
          expect(a.status, `${field} ${text}`).toBe(400);
          const details = (a.body as { details: { path: string }[] }).details;
          expect(
            details.map((d) => d.path),
            `${field} ${text}`,
          ).toContain(field);
        },
      ),
      params(150),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(await loggedCount(stack.app.deps.redis, stack.config.prefix, 'FZX')).toBe(0);
    await expectNothingMoved();
  });

  it('keys: none, unknown, without the scope, or limited to another store', async () => {
    const valid = JSON.stringify(templates()[0]!.event);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(null),
          fc.string({ maxLength: 300 }),
          fc.constant(keys.read),
          fc.constant(keys.limited),
          fc.constant(`${ADMIN_TOKEN}x`),
        ),
        fc.constantFrom('Bearer', 'bearer', 'Basic', 'Token', ''),
        async (token, scheme) => {
          const headers: Record<string, string> = {};
          if (token !== null) headers.authorization = `${scheme} ${token}`;
          const a = await send('POST', '/api/v1/events', { body: valid, contentType: 'application/json', token: null, headers });
          await expectRefused(a, `key ${JSON.stringify(token?.slice(0, 20))} as ${scheme}`);
        },
      ),
      params(40),
    );
    await expectNothingMoved();
  });

  it('free text reaches a read key with the personal data in it masked, a pii key as written', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(textWithPersonalData, { minLength: 1, maxLength: 8 }), async (complaints) => {
        run++;
        const ids = complaints.map((_, i) => `FZP-${run}-${i}`);
        const events = complaints.map((c, i) =>
          ev('complaint.opened', ago(30), {
            id: `fzp-${run}-${i}`,
            store: 'FZP',
            complaintId: ids[i]!,
            channel: 'phone',
            category: 'service',
            severity: 'low',
            summary: c.text,
            customer: { id: `FZP-C${i}`, name: c.name },
          }),
        );
        expect((await postJson(JSON.stringify({ events }))).status).toBe(202);
        type Item = { complaintId: string; summary?: string };
        const listed = async (token: string) => {
          const items = ((await send('GET', '/api/v1/stores/FZP/lists/openComplaints', { token })).body as { items: Item[] })
            .items;
          const mine = new Map(items.filter((i) => ids.includes(i.complaintId)).map((i) => [i.complaintId, i.summary]));
          return mine.size === ids.length && mine;
        };
        const masked = await waitFor(() => listed(keys.read), 10_000, 'the complaints');
        const raw = (await listed(ADMIN_TOKEN)) as Map<string, string | undefined>;
        complaints.forEach((c, i) => {
          const shown = masked.get(ids[i]!)!;
          expect(raw.get(ids[i]!)).toBe(c.text);
          expect(shown).toBe(maskFreeText(c.text, [c.name]));
          expect(maskFreeText(shown, [c.name])).toBe(shown);
          // Read as the digits and letters they are, without separators: none of the secrets is left.
          const plain = foldWidth(shown).replace(/[ ·-]/g, '');
          for (const secret of c.secrets) expect(plain, `${c.text} → ${shown}`).not.toContain(secret);
        });
        // Resolved, they leave the list (of at most 500), which stays short however many runs.
        const resolved = ids.map((complaintId, i) =>
          ev('complaint.resolved', ago(29), { id: `fzp-${run}-${i}-r`, store: 'FZP', complaintId }),
        );
        expect((await postJson(JSON.stringify({ events: resolved }))).status).toBe(202);
      }),
      params(6),
    );
    // Complaints were applied on purpose: the new baseline.
    baseline = await invariants();
  });
});

describe('fuzz: raw bodies', () => {
  const validText = () => JSON.stringify(templates()[1]!.event);
  it('bodies that are not JSON, or not declared as JSON, or too large', async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.nat().map((cut) => validText().slice(0, cut % validText().length)),
      fc.constantFrom(
        '{"a":1,}',
        "{'id': 'x'}",
        'NaN',
        'null',
        '1',
        '"x"',
        '[]',
        '{}',
        `${validText()}garbage`,
        '\uFEFF{}',
        '{"events": [',
        '\u0000',
      ),
      fc.integer({ min: 1, max: 4096 }).map((extra) => `{"events": [], "pad": "${'x'.repeat(1024 * 1024 + extra)}"}`),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=zz',
      'application/octet-stream',
      'text/csv',
      'garbage/;;;',
      null,
    );
    const encoding = fc.constantFrom(null, null, null, 'gzip', 'deflate', 'br', 'x-unknown');
    await fc.assert(
      fc.asyncProperty(body, contentType, encoding, async (b, ct, enc) => {
        const headers: Record<string, string> = enc ? { 'content-encoding': enc } : {};
        const a = await send('POST', '/api/v1/events', { body: b, contentType: ct, token: keys.ingest, headers });
        await expectRefused(a, `${b.length} characters as ${ct} (${enc})`);
      }),
      params(150),
    );
    await expectNothingMoved();
  });

  it('a charset, content encoding or type the API does not take: 415 unsupported_media_type, CSV imports too', async () => {
    const charset = fc.oneof(
      fc.constantFrom('latin1', 'iso-8859-1', 'gbk', 'gb2312', 'big5', 'shift_jis', 'us-ascii', 'windows-1252', 'klingon'),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((c) => !c.startsWith('utf-')),
    );
    const encoding = fc.constantFrom('compress', 'zstd', 'x-gzip', 'lzma', 'exi', 'x-unknown', 'gzip, br');
    const request = fc.oneof(
      fc.tuple(charset, fc.constantFrom(validText(), '{}', '{"events": [')).map(([c, body]) => ({
        path: '/api/v1/events',
        headers: { 'content-type': `application/json; charset=${c}` },
        body,
      })),
      fc.tuple(encoding, fc.constantFrom(validText(), 'x')).map(([enc, body]) => ({
        path: '/api/v1/events',
        headers: { 'content-type': 'application/json', 'content-encoding': enc },
        body,
      })),
      fc
        .tuple(
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'application/json; charset=latin1',
            'text/plain',
          ),
          fc.constantFrom('id,type,store,at\nx,showroom.visit,FZI,2026-11-23T10:00:00Z\n', validText(), '{"events": [', ''),
        )
        .map(([type, body]) => ({ path: '/api/v1/imports', headers: { 'content-type': type }, body })),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ path, headers, body }) => {
        const a = await send('POST', path, { body, token: keys.ingest, headers });
        expect(a.status, `${path} ${JSON.stringify(headers)} ${body.slice(0, 40)}`).toBe(415);
        expect((a.body as { error: string }).error).toBe('unsupported_media_type');
      }),
      params(60),
    );
    await expectNothingMoved();
  });

  it('hostile paths, queries and methods on every route', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.constantFrom(
        'FZ0',
        '2026-11',
        '%',
        '%ZZ',
        '%00',
        '..',
        '%2e%2e',
        '%2F',
        '*',
        'constructor',
        '__proto__',
        'hasOwnProperty',
        'x'.repeat(5000),
      ),
    );
    const queryValue = fc.oneof(
      fc.string({ maxLength: 30 }).map(encodeURIComponent),
      fc.constantFrom(
        'FZ0',
        'all',
        'active',
        'budget_warn',
        '2026-11',
        '2026-99',
        '0000-00-00',
        '9999-99-99',
        '2026-11-23T00:00:00Z',
        '-1',
        '1e9',
        'NaN',
        '%',
        '%ZZ',
        '',
      ),
    );
    const query = fc
      .array(
        fc.tuple(
          fc.constantFrom(
            'store',
            'state',
            'kind',
            'since',
            'limit',
            'from',
            'to',
            'month',
            'x',
            '__proto__',
            'store[a]',
            'limit[]',
          ),
          queryValue,
        ),
        {
          maxLength: 4,
        },
      )
      .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(segment, { minLength: 3, maxLength: 3 }),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.constantFrom('[]', '"x"', '{"__proto__": {"polluted": 1}}', ''),
        query,
        async (route, segs, method, body, q) => {
          let i = 0;
          const path = route.path.replace(/:[A-Za-z]+/g, () => segs[i++]!) + q;
          const a = await send(method, path, body && method !== 'GET' ? { body, contentType: 'application/json' } : {});
          // A GET of a well-formed path may simply answer (200): only errors are looked at.
          if (a.status < 300) return;
          await expectRefused(a, `${method} ${path.slice(0, 120)}`);
        },
      ),
      params(200),
    );
    await expectNothingMoved();
  });
});

describe('fuzz: configuration bodies', () => {
  /** A valid body for each admin PUT (on store FZA, in a month long past), to break. */
  const bodies: { path: string; body: Record<string, Json> }[] = [
    { path: '/api/v1/stores/FZA', body: { name: '模糊', timezone: 'Asia/Shanghai' } },
    { path: '/api/v1/budgets/FZA-B', body: { store: 'FZA', name: '线上', month: '2020-01', amount: 100, warnAt: 0.8 } },
    { path: '/api/v1/materials/FZA-M', body: { store: 'FZA', name: '海报', reorderLevel: 5 } },
    { path: '/api/v1/targets/FZA/2020-01', body: { orders: 10, deliveries: 5 } },
    { path: '/api/v1/screens/fza', body: { title: '大屏', items: [{ page: 'sales', store: 'FZA', seconds: 10 }] } },
    { path: '/api/v1/stores/FZA/alert-rules', body: { callbackDueSoonHours: 4, muted: ['media_negative'] } },
    {
      path: '/api/v1/stores/FZA/webhooks/fza-w',
      body: { url: 'http://127.0.0.1:9/hook', kinds: ['budget_warn'], secret: 'x'.repeat(16), enabled: false },
    },
  ];
  const hostile = fc.oneof(
    fc.constantFrom<Json>(null, [], {}, true, -1, 0, 1e308, -1e308, 0.5, 2 ** 53, '', ' ', 'x'.repeat(100_000)),
    fc.constantFrom<Json>(
      'Etc/GMT+99',
      '../../etc/passwd',
      'UTC\u0000',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'http://[::1',
      '2026-13',
      '*',
    ),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.jsonValue({ maxDepth: 2 }).map((v) => v as Json),
  );
  it('unknown fields named, months outside 2000-01 … 2099-12 refused, time zones kept canonical', async () => {
    const errors = ['invalid_store', 'invalid_budget', 'invalid_material', 'invalid_targets', 'invalid_screen'];
    const errorOf = (path: string) =>
      path.endsWith('/alert-rules')
        ? 'invalid_alert_rules'
        : path.includes('/webhooks/')
          ? 'invalid_webhook'
          : errors[['stores', 'budgets', 'materials', 'targets', 'screens'].indexOf(path.split('/')[3]!)]!;
    const known = new Set(['name', 'timezone', 'store', 'month', 'amount', 'warnAt', 'campaignId', 'reorderLevel']);
    for (const k of ['orders', 'deliveries', 'leads', 'title', 'items', 'callbackDueSoonHours', 'targetPaceBelow']) known.add(k);
    for (const k of ['targetPaceAfterDay', 'announceWithinHours', 'muted', 'url', 'kinds', 'minSeverity', 'format']) known.add(k);
    for (const k of ['secret', 'enabled']) known.add(k);
    const zones = ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong', 'America/New_York', 'Europe/Berlin', 'UTC'];
    const mixedCase = (z: string) =>
      fc
        .array(fc.boolean(), { minLength: z.length, maxLength: z.length })
        .map((up) => [...z].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
    const change = fc.oneof(
      fc
        .tuple(
          fc.constantFrom(...bodies),
          fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !known.has(k) && k !== '__proto__'),
        )
        .map(([b, k]) => ({ kind: 'unknown' as const, path: b.path, body: { ...b.body, [k]: 1 }, k })),
      fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.boolean()).map(([y, m, budget]) => {
        const month = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
        const ok = y >= 2000 && y <= 2099 && m >= 1 && m <= 12;
        return budget
          ? { kind: 'month' as const, ok, path: '/api/v1/budgets/FZA-B', body: { ...bodies[1]!.body, month } }
          : { kind: 'month' as const, ok, path: `/api/v1/targets/FZA/${month}`, body: bodies[3]!.body };
      }),
      fc.constantFrom(...zones).chain((zone) => mixedCase(zone).map((typed) => ({ kind: 'zone' as const, zone, typed }))),
    );
    await fc.assert(
      fc.asyncProperty(change, async (c) => {
        if (c.kind === 'zone') {
          const body = JSON.stringify({ name: '模糊', timezone: c.typed });
          const a = await send('PUT', '/api/v1/stores/FZA', { body, contentType: 'application/json' });
          expect(a, c.typed).toEqual({ status: 200, body: { store: 'FZA', name: '模糊', timezone: c.zone } });
          return;
        }
        const a = await send('PUT', c.path, { body: JSON.stringify(c.body), contentType: 'application/json' });
        if (c.kind === 'unknown') {
          expect(a, `${c.path} ${c.k}`).toEqual({
            status: 400,
            body: { error: errorOf(c.path), details: [{ path: '(body)', message: `unknown field(s): ${c.k}` }] },
          });
        } else if (c.ok) {
          expect(a.status, c.path).toBe(200);
        } else {
          expect(a, c.path).toEqual({
            status: 400,
            body: {
              error: errorOf(c.path),
              details: [{ path: 'month', message: 'must be a month YYYY-MM from 2000-01 to 2099-12' }],
            },
          });
        }
      }),
      params(80),
    );
    // The settings that passed are the new baseline (the next test takes it too).
    baseline = await invariants();
  });

  it('broken settings get a clean 4xx; none a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bodies),
        fc.oneof(
          fc.tuple(fc.string({ maxLength: 20 }), hostile).map(([k, v]) => ({ op: 'set' as const, k, v })),
          fc.nat().map((n) => ({ op: 'drop' as const, k: String(n), v: null as Json })),
        ),
        async ({ path, body }, m) => {
          const keysOf = Object.keys(body);
          const b: Record<string, Json> = { ...body };
          if (m.op === 'drop') delete b[keysOf[Number(m.k) % keysOf.length]!];
          // Half of the time the field is one the body has.
          else b[m.k.length % 2 ? keysOf[m.k.length % keysOf.length]! : m.k] = m.v;
          const a = await send('PUT', path, { body: JSON.stringify(b), contentType: 'application/json' });
          if (a.status < 300) return;
          await expectRefused(a, `PUT ${path} ${JSON.stringify(b).slice(0, 200)}`);
        },
      ),
      params(150),
    );
    // Valid settings may have moved figures on purpose (a store, a material): the new baseline.
    baseline = await invariants();
  });

  it('webhook URLs into the network are refused naming url, however the address is spelled', async () => {
    const byte = fc.integer({ min: 0, max: 255 });
    const internalV4 = fc.oneof(
      fc.tuple(fc.constant(127), byte, byte, byte),
      fc.tuple(fc.constant(10), byte, byte, byte),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), byte, byte),
      fc.tuple(fc.constant(192), fc.constant(168), byte, byte),
      fc.tuple(fc.constant(169), fc.constant(254), byte, byte),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), byte, byte),
      fc.tuple(fc.constant(0), byte, byte, byte),
    );
    const spelled = fc
      .tuple(internalV4, fc.constantFrom('dotted', 'integer', 'hex', 'octal', 'short', 'mapped'))
      .map(([b, how]) => {
        const n = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
        switch (how) {
          case 'dotted':
            return b.join('.');
          case 'integer':
            return String(n);
          case 'hex':
            return `0x${n.toString(16)}`;
          case 'octal':
            return b.map((x) => `0${x.toString(8)}`).join('.');
          case 'short':
            return `${b[0]}.${(b[1] << 16) + (b[2] << 8) + b[3]}`;
          case 'mapped':
            return `[::ffff:${b.join('.')}]`;
        }
      });
    const host = fc.oneof(
      spelled,
      fc.constantFrom('[::1]', '[::]', '[fe80::1]', '[fd00::abcd]', '[fc00::1]', 'localhost', 'LocalHost.', 'pulse.localhost'),
    );
    // Port 9 of 127.0.0.1 is the one the allow-list names.
    const port = fc.oneof(
      fc.constant(''),
      fc
        .integer({ min: 1, max: 65535 })
        .filter((p) => p !== 9)
        .map((p) => `:${p}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('http', 'https'), host, port, fc.webPath(), async (scheme, h, p, path) => {
        const url = `${scheme}://${h}${p}${path}`;
        const a = await send('PUT', '/api/v1/stores/FZA/webhooks/fza-in', {
          body: JSON.stringify({ url, kinds: ['budget_warn'], secret: 'x'.repeat(16), enabled: false }),
          contentType: 'application/json',
        });
        expect(a.status, url).toBe(400);
        const details = (a.body as { details: { path: string; message: string }[] }).details;
        expect(
          details.map((d) => d.path),
          url,
        ).toEqual(['url']);
        expect(details[0]!.message, url).toContain('PULSE_WEBHOOK_ALLOW_HOSTS');
      }),
      params(150),
    );
    expect((await send('GET', '/api/v1/stores/FZA/webhooks')).body).toEqual({
      webhooks: expect.not.arrayContaining([expect.objectContaining({ webhookId: 'fza-in' })]),
    });
  });
});

// ── CSV imports ──────────────────────────────────────────────────────────────────────────────────

const CSV_HEADER = ['id', 'type', 'store', 'at', 'firstVisit', 'orderId', 'model', 'amount', 'customer.id', 'customer.name'];
/** A good row of CSV_HEADER's columns. */
const goodCells = (i: number) => [`fzc-${i}`, 'order.signed', 'FZC', ago(5), '', `O${i}`, '汉, "EV"', '1000', 'C1', '王小明'];
/** Ways a row goes bad, each enough on its own. */
const rowDefect = fc.constantFrom<[string, (cells: string[]) => string[]]>(
  ['bad id', (c) => ['bad id', ...c.slice(1)]],
  ['unknown type', (c) => [c[0]!, 'order.nope', ...c.slice(2)]],
  ['amount not a number', (c) => [...c.slice(0, 7), 'abc', ...c.slice(8)]],
  ['too many decimals', (c) => [...c.slice(0, 7), '1.005', ...c.slice(8)]],
  ['negative amount', (c) => [...c.slice(0, 7), '-5', ...c.slice(8)]],
  ['malformed at', (c) => [...c.slice(0, 3), '2026-13-01', ...c.slice(4)]],
  ['a field of another type', (c) => [...c.slice(0, 4), 'true', ...c.slice(5)]],
  ['a cell too many', (c) => [...c, 'x']],
  ['a cell too few', (c) => c.slice(0, -1)],
  ['no store', (c) => [...c.slice(0, 2), '', ...c.slice(3)]],
  ['customer name without id', (c) => [...c.slice(0, 8), '', c[9]!]],
  ['a model of 100,000 characters', (c) => [...c.slice(0, 6), '汉'.repeat(100_000), ...c.slice(7)]],
  ['control characters in the id', (c) => [`\u0000${c[0]}\u202e`, ...c.slice(1)]],
  ['prototype keys as the type', (c) => [c[0]!, '__proto__', ...c.slice(2)]],
);
const quoting = fc.constantFrom('none', 'stray quote', 'text after quote', 'unterminated');

const badCsv = fc
  .record({
    rows: fc.array(fc.tuple(rowDefect, quoting, fc.nat()), { minLength: 1, maxLength: 30 }),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    bom: fc.boolean(),
    blankLines: fc.boolean(),
  })
  .map(({ rows, eol, bom, blankLines }) => {
    const lines = rows.map(([[, defect], q, pos], i) => {
      const cells = defect(goodCells(i)).map(csvCell);
      const k = pos % cells.length;
      if (q === 'stray quote') cells[k] = `x"${cells[k]}`;
      if (q === 'text after quote') cells[k] = `"${cells[k]!.replace(/"/g, '')}"x`;
      if (q === 'unterminated') cells[k] = `"${cells[k]!.replace(/"/g, '')}`;
      return cells.join(',');
    });
    const body = [CSV_HEADER.join(','), ...lines.flatMap((l) => (blankLines ? [l, ''] : [l]))].join(eol);
    return { csv: (bom ? '\uFEFF' : '') + body, what: rows.map(([[d], q]) => `${d}/${q}`).join('; ') };
  });

describe('fuzz: CSV imports', () => {
  it('files of bad rows are accepted and every row reported, or refused whole; nothing applied', async () => {
    const file = fc.oneof(
      { weight: 4, arbitrary: badCsv },
      { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map((csv) => ({ csv, what: 'random text' })) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.shuffledSubarray(CSV_HEADER, { minLength: 1 }), fc.string({ maxLength: 12 }))
          .map(([cols, extra]) => ({ csv: `${[...cols, extra].map(csvCell).join(',')}\nx`, what: 'a wrong header' })),
      },
    );
    await fc.assert(
      fc.asyncProperty(file, async ({ csv, what }) => {
        const a = await postCsv(stack, csv, keys.ingest);
        if (a.status !== 202) {
          await expectRefused(a, `CSV (${what})`);
          return;
        }
        const status = await importFinished(stack, a.body.importId, keys.ingest);
        expect(status.state, what).toBe('done');
        expect(status.accepted, what).toBe(0);
        expect(status.rejected, what).toBe(status.rows);
        expect(status.errors.length, what).toBeGreaterThanOrEqual(Math.min(status.rows, 1000));
        const lines = csv.split(/\r\n|\n|\r/).length;
        for (const e of status.errors) {
          expect(e.row).toBeGreaterThanOrEqual(2);
          expect(e.row).toBeLessThanOrEqual(lines);
          expect(typeof e.path).toBe('string');
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      params(30),
    );
    expect(await loggedCount(stack.app.deps.redis, stack.config.prefix, 'FZC')).toBe(0);
    await expectNothingMoved();
  });

  it('a good row among bad ones is the only one applied', async () => {
    const csv = [CSV_HEADER.join(','), goodCells(1).map(csvCell).join(','), 'broken,"row', ''].join('\r\n');
    const a = await postCsv(stack, csv, keys.ingest);
    expect(a.status).toBe(202);
    expect(await importFinished(stack, a.body.importId)).toMatchObject({ accepted: 1, rejected: 1 });
    await waitFor(
      async () => (await loggedCount(stack.app.deps.redis, stack.config.prefix, 'FZC')) === 1,
      10_000,
      'the good row applied',
    );
    // It moved figures on purpose: they are the new baseline.
    await waitFor(async () => (await stack.request('GET', '/api/v1/stores/FZC/kpis')).body?.seq >= 1);
    baseline = await invariants();
  });
});

// ── /live ───────────────────────────────────────────────────────────────────────────────────────

type AnySocket = Socket<Record<string, (...args: any[]) => void>, Record<string, (...args: any[]) => void>>;

function liveClient(token: string, base = stack.baseUrl): AnySocket {
  return connect(`${base}/live`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  }) as AnySocket;
}
async function connected(s: AnySocket) {
  if (s.connected) return;
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
}

describe('fuzz: /live messages', () => {
  it('answers random payloads with an error ack or ignores them; other clients stay connected', async () => {
    await stack.request('PUT', '/api/v1/stores/FZ0', { name: '模糊店', timezone: 'Asia/Shanghai' });
    const observer = liveClient(keys.read);
    let fuzzer = liveClient(keys.limited);
    await Promise.all([connected(observer), connected(fuzzer)]);
    const first = await observer.emitWithAck('subscribe', { store: 'FZ0' });
    expect(first.data?.store).toBe('FZ0');
    let observerDisconnected = false;
    observer.on('disconnect', () => {
      observerDisconnected = true;
    });

    const payload = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ store: fc.jsonValue({ maxDepth: 2 }) }),
      fc.record({ name: fc.jsonValue({ maxDepth: 2 }) }),
      fc.record({ store: fc.string({ unit: 'binary', maxLength: 50 }) }),
      fc.constantFrom(
        { store: '*' },
        { store: 'FZ0' },
        { store: 'NOPE' },
        { name: 'lobby' },
        { store: 'x'.repeat(100_000) },
        { store: '__proto__' },
        { store: 'constructor' },
        { name: '__proto__' },
        { __proto__: { polluted: 1 } },
        // TV reports: a valid one, and each field broken in turn.
        {
          deviceId: 'fuzz-tv-0000000001',
          screen: 'lobby',
          page: 'overview',
          userAgent: 'TV',
          screenWidth: 1920,
          screenHeight: 1080,
          appVersion: '1',
        },
        { deviceId: '__proto__', screen: 'lobby', page: '', userAgent: '', screenWidth: 0, screenHeight: 0, appVersion: '' },
        {
          deviceId: 'fuzz-tv-0000000002',
          screen: '../x',
          page: 1,
          userAgent: null,
          screenWidth: 1e300,
          screenHeight: -1,
          appVersion: [],
        },
        {
          deviceId: 'fuzz-tv-0000000003',
          screen: 'lobby',
          page: 'x'.repeat(10_000),
          userAgent: 'TV',
          screenWidth: 1.5,
          screenHeight: 1080,
          appVersion: '1',
          heapUsedBytes: -1,
        },
      ),
      fc.record({
        deviceId: fc.oneof(fc.string({ maxLength: 70 }), fc.jsonValue({ maxDepth: 1 })),
        screen: fc.oneof(fc.constant('lobby'), fc.string({ maxLength: 70 })),
        page: fc.jsonValue({ maxDepth: 1 }),
        screenWidth: fc.oneof(fc.integer(), fc.double()),
      }),
    );
    const argsOf = fc.oneof(
      { weight: 5, arbitrary: payload.map((p) => [p]) },
      { weight: 1, arbitrary: fc.array(payload, { maxLength: 3 }) },
    );
    const eventName = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('subscribe', 'unsubscribe', 'watchScreen', 'deviceHello') },
      {
        weight: 1,
        arbitrary: fc.constantFrom('kpis', 'alert', 'screen', 'disconnect_me', 'constructor', '__proto__', 'toString'),
      },
    );

    await fc.assert(
      fc.asyncProperty(eventName, argsOf, fc.boolean(), async (name, args, withAck) => {
        if (!fuzzer.connected) {
          fuzzer = liveClient(keys.limited);
          await connected(fuzzer);
        }
        const known = ['subscribe', 'unsubscribe', 'watchScreen', 'deviceHello'].includes(name);
        // With one payload and an ack the server answers; otherwise (no ack, no payload, several
        // payloads: the ack is not where it belongs) it ignores the message.
        if (withAck && known && args.length === 1) {
          const ack = (await fuzzer.timeout(2_000).emitWithAck(name, ...args)) as unknown;
          expect(ack, `${name} ${JSON.stringify(args).slice(0, 200)}`).toBeTypeOf('object');
          const r = ack as { error?: unknown; data?: unknown };
          expect('error' in r ? typeof r.error : 'data' in r ? 'data' : 'neither').toMatch(/^(string|data)$/);
          if (name === 'subscribe' && 'data' in r) expect(args[0]).toMatchObject({ store: 'FZL' });
        } else if (withAck) {
          fuzzer.emit(name, ...args, () => undefined);
        } else {
          fuzzer.emit(name, ...args);
        }
        // The server still answers, and the bystander is untouched.
        const again = await observer.timeout(5_000).emitWithAck('subscribe', { store: 'FZ0' });
        expect(again.data?.store).toBe('FZ0');
        expect(observerDisconnected).toBe(false);
      }),
      params(150),
    );
    // Oversized messages cost the sender its connection, and nobody else theirs.
    fuzzer.emit('subscribe', { store: 'x'.repeat(2_000_000) }, () => undefined);
    await waitFor(async () => !fuzzer.connected, 5_000, 'the oversized sender to be dropped');
    expect((await observer.timeout(5_000).emitWithAck('subscribe', { store: 'FZ0' })).data?.store).toBe('FZ0');
    expect(observerDisconnected).toBe(false);
    observer.disconnect();
    fuzzer.disconnect();
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
    await expectNothingMoved();
  });

  it('a burst past a socket’s message budget: rate_limited acks, then the socket is dropped; others keep their pushes', async () => {
    // A server of the same install whose budget does not refill while the test runs: the counts are exact.
    const BURST = 10;
    const tight = await createApp({ ...stack.config, liveMessages: { perSecond: 0.01, burst: BURST } }, stack.redisUrl);
    const tightUrl = `http://127.0.0.1:${await tight.listen(0, '127.0.0.1')}`;
    const bystander = liveClient(keys.read, tightUrl);
    try {
      await connected(bystander);
      expect((await bystander.emitWithAck('subscribe', { store: 'FZ0' })).data?.store).toBe('FZ0');
      const pushed: { name: string }[] = [];
      bystander.on('kpis', (snap: { store: string; name: string }) => snap.store === 'FZ0' && pushed.push(snap));

      const message = fc.record({
        name: fc.constantFrom('subscribe', 'subscribe', 'unsubscribe', 'watchScreen', 'kpis', 'constructor', 'nope'),
        payload: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom({ store: 'FZ0' }, { store: '*' }, { name: 'lobby' })),
        withAck: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(message, { minLength: 2 * BURST + 1, maxLength: 500 }), async (flood) => {
          const s = liveClient(keys.read, tightUrl);
          await connected(s);
          const dropped = new Promise<string>((resolve, reject) => {
            s.once('disconnect', resolve);
            setTimeout(() => reject(new Error(`still connected 5 s after ${flood.length} messages`)), 5000);
          });
          const acks: { i: number; ack: unknown }[] = [];
          flood.forEach((m, i) => {
            if (m.withAck) s.emit(m.name, m.payload, (ack: unknown) => acks.push({ i, ack }));
            else s.emit(m.name, m.payload);
          });
          expect(await dropped).toBe('io server disconnect');
          // Messages BURST+1 … 2·BURST are refused (each one asking for an ack is told so), the next
          // one drops the socket; none after it is answered.
          const limited = acks.filter((a) => (a.ack as { error?: unknown }).error === 'rate_limited');
          const expected = flood.flatMap((m, i) => (m.withAck && i >= BURST && i < 2 * BURST ? [i] : []));
          expect(limited.map((a) => a.i)).toEqual(expected);
          for (const a of limited) expect(a.ack).toEqual({ error: 'rate_limited', retryInMs: expect.any(Number) });
          expect(acks.filter((a) => a.i >= 2 * BURST)).toEqual([]);
          expect(bystander.connected).toBe(true);
        }),
        params(20),
      );
      // The bystander on the same server still gets its pushes: a renamed store is pushed.
      expect((await stack.request('PUT', '/api/v1/stores/FZ0', { name: '模糊店二', timezone: 'Asia/Shanghai' })).status).toBe(
        200,
      );
      await waitFor(async () => pushed.at(-1)?.name === '模糊店二', 10_000, 'the push of the renamed store');
      expect((await stack.request('PUT', '/api/v1/stores/FZ0', { name: '模糊店', timezone: 'Asia/Shanghai' })).status).toBe(200);
      expect(bystander.connected).toBe(true);
    } finally {
      bystander.disconnect();
      await tight.close();
    }
    await expectNothingMoved();
  });
});
