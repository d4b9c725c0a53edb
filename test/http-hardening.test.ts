/**
 * What every answer carries and what no answer reveals: security headers, CORS off unless an
 * origin is listed (API and sockets alike), JSON errors without stack traces, 400/415 for bodies
 * that are not JSON, and no body read before its key is checked.
 */
import { request as httpRequest } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { globalKeys, storeKeys } from '../core/redis/keys.js';
import { ADMIN_TOKEN, startStack, type Stack } from './support/stack.js';

const LISTED = 'https://bi.example.com';
let stack: Stack;
/** The same product with one origin listed in PULSE_CORS_ORIGINS. */
let open: Stack;
const sockets: Socket[] = [];

beforeAll(async () => {
  [stack, open] = await Promise.all([
    startStack('http', { workers: false }),
    startStack('httpcors', { workers: false, config: { corsOrigins: [LISTED] } }),
  ]);
});
afterEach(() => {
  sockets.splice(0).forEach((s) => s.disconnect());
});
afterAll(async () => {
  await Promise.all([stack?.close(), open?.close()]);
});

/** A raw request: fetch would not let a test set Origin or send a body without its content type. */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('security headers', () => {
  it('sends a strict policy with the wall page and with API answers', async () => {
    for (const path of ['/wall/HZ01', '/api/v1/whoami', '/api/v1/nope']) {
      const res = await raw(stack.baseUrl, 'GET', path, auth);
      const csp = String(res.headers['content-security-policy']);
      const host = new URL(stack.baseUrl).host;
      for (const d of [
        "default-src 'self'",
        "script-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "worker-src 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        `connect-src 'self' ws://${host} wss://${host}`,
      ]) {
        expect(csp, path).toContain(d);
      }
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['permissions-policy']).toContain('camera=()');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it("serves the wall's service worker to be looked at again on every visit, and hashed assets for a year", async () => {
    const sw = await raw(stack.baseUrl, 'GET', '/sw.js', {});
    expect(sw.status).toBe(200);
    expect(sw.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(sw.headers['cache-control']).toBe('no-cache');
    const asset = /\/assets\/index-[\w-]+\.js/.exec((await raw(stack.baseUrl, 'GET', '/wall/HZ01', {})).text)![0];
    expect((await raw(stack.baseUrl, 'GET', asset, {})).headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('leaves a forged Host out of the policy', async () => {
    const res = await raw(stack.baseUrl, 'GET', '/api/v1/whoami', { ...auth, host: "evil; script-src 'unsafe-inline'" });
    expect(String(res.headers['content-security-policy'])).toContain("connect-src 'self'");
    expect(String(res.headers['content-security-policy'])).not.toContain('evil');
  });
});

describe('CORS', () => {
  it('is off by default: no Access-Control-* for any origin, preflight included', async () => {
    const res = await raw(stack.baseUrl, 'GET', '/api/v1/whoami', { ...auth, origin: LISTED });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await raw(stack.baseUrl, 'OPTIONS', '/api/v1/whoami', {
      origin: LISTED,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows the listed origins only, on the API', async () => {
    const res = await raw(open.baseUrl, 'GET', '/api/v1/whoami', { ...auth, origin: LISTED });
    expect(res.headers['access-control-allow-origin']).toBe(LISTED);
    expect(res.headers.vary).toContain('Origin');
    const pre = await raw(open.baseUrl, 'OPTIONS', '/api/v1/events', {
      origin: LISTED,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(LISTED);
    expect(String(pre.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    const other = await raw(open.baseUrl, 'GET', '/api/v1/whoami', { ...auth, origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  async function handshake(base: string, origin: string | undefined) {
    const s = connect(`${base}/live`, {
      auth: { token: ADMIN_TOKEN },
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: origin ? { origin } : {},
    });
    sockets.push(s);
    return new Promise<string>((resolve) => {
      s.once('connect', () => resolve('connected'));
      s.once('connect_error', (err) => resolve(`refused: ${err.message}`));
    });
  }

  it('refuses socket handshakes from other origins, and lets the same origin, listed ones and non-browsers in', async () => {
    expect(await handshake(stack.baseUrl, 'https://evil.example')).toMatch(/^refused/);
    expect(await handshake(stack.baseUrl, LISTED)).toMatch(/^refused/);
    expect(await handshake(stack.baseUrl, stack.baseUrl)).toBe('connected');
    expect(await handshake(stack.baseUrl, undefined)).toBe('connected');
    expect(await handshake(open.baseUrl, LISTED)).toBe('connected');
    expect(await handshake(open.baseUrl, 'https://evil.example')).toMatch(/^refused/);
    // Long-polling handshakes too, with the CORS header only for the listed origin.
    const polling = (base: string, origin: string) => raw(base, 'GET', '/socket.io/?EIO=4&transport=polling', { origin });
    expect((await polling(stack.baseUrl, 'https://evil.example')).status).toBe(403);
    const listed = await polling(open.baseUrl, LISTED);
    expect(listed.status).toBe(200);
    expect(listed.headers['access-control-allow-origin']).toBe(LISTED);
  });
});

describe('errors', () => {
  const noStack = (text: string) => {
    expect(text).not.toMatch(/\bat .+:\d+:\d+/);
    expect(text).not.toMatch(/\.ts\b|node_modules|WRONGTYPE|ReplyError/);
  };

  it('answers a failing Redis command with a JSON 503 and no stack trace', async () => {
    const g = globalKeys(stack.config.prefix);
    // The budget index of the wrong type: every read of it fails inside Redis.
    await stack.app.deps.redis.set(g.budgetStore, 'not a hash');
    try {
      const res = await raw(stack.baseUrl, 'GET', '/api/v1/budgets/B1', auth);
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toContain('application/json');
      const body = JSON.parse(res.text);
      expect(body).toMatchObject({ error: 'unavailable' });
      expect(Object.keys(body).sort()).toEqual(['error', 'message', 'requestId']);
      noStack(res.text);
    } finally {
      await stack.app.deps.redis.del(g.budgetStore);
    }
  });

  it('answers malformed JSON with 400 and a body that is not JSON with 415', async () => {
    const json = { ...auth, 'content-type': 'application/json' };
    const bad = await raw(stack.baseUrl, 'POST', '/api/v1/events', json, '{"events": [');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toBe('invalid_json');
    noStack(bad.text);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/csv', undefined]) {
      const headers: Record<string, string> = { ...auth, 'content-length': '2' };
      if (type) headers['content-type'] = type;
      const res = await raw(stack.baseUrl, 'POST', '/api/v1/events', headers, '{}');
      expect(res.status, String(type)).toBe(415);
      expect(JSON.parse(res.text).error).toBe('unsupported_media_type');
    }
    const put = await raw(stack.baseUrl, 'PUT', '/api/v1/stores/HH01', { ...auth, 'content-type': 'text/plain' }, 'name=x');
    expect(put.status).toBe(415);
    // No body at all is fine where none is needed.
    expect((await raw(stack.baseUrl, 'GET', '/api/v1/whoami', auth)).status).toBe(200);
    // A charset or content encoding JSON is never sent in: 415, named as such.
    for (const headers of [
      { 'content-type': 'application/json; charset=latin1' } as Record<string, string>,
      { 'content-type': 'application/json; charset=gbk' },
      { 'content-type': 'application/json', 'content-encoding': 'x-unknown' },
    ]) {
      const res = await raw(stack.baseUrl, 'POST', '/api/v1/events', { ...auth, ...headers }, '{}');
      expect(res.status, JSON.stringify(headers)).toBe(415);
      expect(JSON.parse(res.text).error, JSON.stringify(headers)).toBe('unsupported_media_type');
      noStack(res.text);
    }
    // A URL that does not decode: 400, no stack.
    const mangled = await raw(stack.baseUrl, 'GET', '/api/v1/stores/%E0%A4%A/kpis', auth);
    expect(mangled.status).toBe(400);
    noStack(mangled.text);
  });

  it('answers a file sent to the CSV import as JSON with 415, as for any type but text/csv', async () => {
    const csv = 'id,type,store,at,firstVisit\nh1,showroom.visit,HH02,2026-11-23T10:00:00+08:00,true\n';
    for (const [type, body] of [
      ['application/json', csv],
      ['application/json', '{"id": "h1"}'],
      ['application/json; charset=latin1', csv],
      ['text/plain', csv],
    ]) {
      const res = await raw(stack.baseUrl, 'POST', '/api/v1/imports', { ...auth, 'content-type': type! }, body);
      expect(res.status, `${type}: ${body}`).toBe(415);
      expect(JSON.parse(res.text), type).toEqual({
        error: 'unsupported_media_type',
        message: 'send the file as Content-Type: text/csv',
      });
    }
  });

  it('accepts events even when the check of what is already recorded fails', async () => {
    // The store's log of the wrong type: reading it fails, queueing does not.
    const log = storeKeys(stack.config.prefix, 'HH03').log;
    await stack.app.deps.redis.set(log, 'not a hash');
    try {
      const e = { id: 'h3', type: 'showroom.visit', store: 'HH03', at: new Date().toISOString(), firstVisit: true };
      const res = await raw(
        stack.baseUrl,
        'POST',
        '/api/v1/events',
        { ...auth, 'content-type': 'application/json' },
        JSON.stringify(e),
      );
      expect(res.status).toBe(202);
      expect(JSON.parse(res.text)).toEqual({ accepted: 1 });
    } finally {
      await stack.app.deps.redis.del(log);
    }
  });
});

describe('configuration bodies', () => {
  const put = async (path: string, body: unknown) => {
    const res = await raw(stack.baseUrl, 'PUT', path, { ...auth, 'content-type': 'application/json' }, JSON.stringify(body));
    return { status: res.status, body: JSON.parse(res.text) };
  };

  it('stores a time zone under its canonical name', async () => {
    expect(await put('/api/v1/stores/HH04', { name: '上海', timezone: 'asia/shanghai' })).toEqual({
      status: 200,
      body: { store: 'HH04', name: '上海', timezone: 'Asia/Shanghai' },
    });
    const get = await raw(stack.baseUrl, 'GET', '/api/v1/stores/HH04', auth);
    expect(JSON.parse(get.text)).toEqual({ store: 'HH04', name: '上海', timezone: 'Asia/Shanghai' });
    expect((await put('/api/v1/stores/HH04', { name: '上海', timezone: 'ETC/utc' })).body.timezone).toBe('UTC');
  });

  it('refuses months outside 2000-01 … 2099-12, in bodies, paths and queries', async () => {
    const budget = { store: 'HH05', name: '线上', amount: 100 };
    const message = 'must be a month YYYY-MM from 2000-01 to 2099-12';
    for (const month of ['0000-01', '1999-12', '2100-01', '9999-12']) {
      expect(await put('/api/v1/budgets/HH05-B', { ...budget, month }), month).toEqual({
        status: 400,
        body: { error: 'invalid_budget', details: [{ path: 'month', message }] },
      });
      expect(await put(`/api/v1/targets/HH05/${month}`, { orders: 1 }), month).toEqual({
        status: 400,
        body: { error: 'invalid_targets', details: [{ path: 'month', message }] },
      });
      const q = await raw(stack.baseUrl, 'GET', `/api/v1/stores/HH05/overrides?month=${month}`, auth);
      expect({ status: q.status, body: JSON.parse(q.text) }, month).toEqual({
        status: 400,
        body: { error: 'invalid_query', details: [{ path: 'month', message }] },
      });
    }
    expect((await put('/api/v1/budgets/HH05-B', { ...budget, month: '2000-01' })).status).toBe(200);
    expect((await put('/api/v1/targets/HH05/2099-12', { orders: 1 })).status).toBe(200);
  });

  it('bounds the lists of a new key: each scope at most once, at most 1,000 stores', async () => {
    const post = async (body: unknown) => {
      const res = await raw(
        stack.baseUrl,
        'POST',
        '/api/v1/keys',
        { ...auth, 'content-type': 'application/json' },
        JSON.stringify(body),
      );
      return { status: res.status, body: JSON.parse(res.text) };
    };
    expect(await post({ name: 'dms', scopes: ['ingest', 'read', 'ingest'] })).toEqual({
      status: 400,
      body: { error: 'invalid_key', details: [{ path: 'scopes', message: 'must name each scope at most once' }] },
    });
    const stores = Array.from({ length: 1001 }, (_, i) => `S${i}`);
    expect(await post({ name: 'dms', scopes: ['ingest'], stores })).toEqual({
      status: 400,
      body: { error: 'invalid_key', details: [{ path: 'stores', message: 'must list 1 to 1000 stores' }] },
    });
    expect((await post({ name: 'dms', scopes: ['ingest'], stores: stores.slice(0, 1000) })).status).toBe(201);
  });

  it('names each unknown field of a configuration body', async () => {
    expect(await put('/api/v1/stores/HH06', { name: '杭州', timezone: 'Asia/Shanghai', note: 1, tz: 'x' })).toEqual({
      status: 400,
      body: { error: 'invalid_store', details: [{ path: '(body)', message: 'unknown field(s): note, tz' }] },
    });
    expect(await put('/api/v1/screens/hh06', { items: [{ page: 'sales', store: 'HH06', seconds: 10, colour: 'red' }] })).toEqual({
      status: 400,
      body: { error: 'invalid_screen', details: [{ path: 'items.0', message: 'unknown field(s): colour' }] },
    });
  });
});

/**
 * Sends the head of a request declaring `declared` bytes of body, and only `sent` of them; resolves
 * with what the server answered once it has closed the connection. A server that waits for the
 * rest of the body (to parse it, or to drain it) neither answers nor closes: that fails here.
 */
function partialBody(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  declared: number,
  sent: string,
): Promise<{ status: number; headers: Record<string, string>; body: any }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(Number(port), hostname);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server neither answered nor closed within 5 s; it sent: ${JSON.stringify(text.slice(0, 300))}`));
    }, 5000);
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (text += c));
    // The server closes with part of the body unread: the reset may come as an error.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const h = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {
        /* not JSON */
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: h, body: parsed });
    });
    const head = [
      `${method} ${path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      `Content-Length: ${declared}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ].join('\r\n');
    socket.write(`${head}\r\n\r\n${sent}`);
  });
}

describe('the key before the body', () => {
  /** 1,000,000 bytes, 500,000 arrays deep, and not JSON: a parser that reads it answers 400 invalid_json. */
  const deep = '['.repeat(500_000) + 'x'.repeat(500_000);
  const json = { 'content-type': 'application/json' };
  let readKey = '';
  beforeAll(async () => {
    const res = await raw(
      stack.baseUrl,
      'POST',
      '/api/v1/keys',
      { ...auth, ...json },
      JSON.stringify({ name: 'tv', scopes: ['read'] }),
    );
    readKey = JSON.parse(res.text).token;
  });

  it('refuses a large body without a valid key, or without the scope, without parsing it', async () => {
    const noKey = await raw(stack.baseUrl, 'POST', '/api/v1/events', json, deep);
    expect(noKey.status).toBe(401);
    expect(JSON.parse(noKey.text).error).toBe('unauthorized');
    const wrongKey = await raw(stack.baseUrl, 'POST', '/api/v1/events', { ...json, authorization: 'Bearer sp_not-a-key' }, deep);
    expect(wrongKey.status).toBe(401);
    const noScope = await raw(stack.baseUrl, 'POST', '/api/v1/events', { ...json, authorization: `Bearer ${readKey}` }, deep);
    expect(noScope.status).toBe(403);
    expect(JSON.parse(noScope.text).error).toBe('forbidden');
    // No route: nothing to parse a body for.
    const nowhere = await raw(stack.baseUrl, 'POST', '/api/v1/no-such-route', { ...json, ...auth }, deep);
    expect(nowhere.status).toBe(404);
    expect(JSON.parse(nowhere.text).error).toBe('not_found');
  });

  it('still parses the body of a request with a valid key: a malformed one is 400 invalid_json', async () => {
    const res = await raw(stack.baseUrl, 'POST', '/api/v1/events', { ...json, ...auth }, deep);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ error: 'invalid_json', details: [{ path: '(body)', message: 'is not valid JSON' }] });
  });

  it('answers a refused request before its body has arrived, and closes the connection', async () => {
    const cases: { method?: string; path: string; headers: Record<string, string>; status: number }[] = [
      { path: '/api/v1/events', headers: json, status: 401 },
      { path: '/api/v1/events', headers: { ...json, authorization: 'Bearer sp_not-a-key' }, status: 401 },
      { path: '/api/v1/events', headers: { ...json, authorization: `Bearer ${readKey}` }, status: 403 },
      { method: 'PUT', path: '/api/v1/stores/HH01', headers: json, status: 401 },
      { path: '/api/v1/no-such-route', headers: { ...json, ...auth }, status: 404 },
      // The CSV import reads its own body, after the key too.
      { path: '/api/v1/imports', headers: { 'content-type': 'text/csv' }, status: 401 },
      { path: '/api/v1/imports', headers: { 'content-type': 'text/csv', authorization: `Bearer ${readKey}` }, status: 403 },
      // A body over 1 MiB by its Content-Length, with a valid key: refused unread.
      { path: '/api/v1/events', headers: { ...json, ...auth }, status: 413 },
    ];
    for (const c of cases) {
      const what = `${c.path} ${JSON.stringify(c.headers)}`;
      const res = await partialBody(stack.baseUrl, c.method ?? 'POST', c.path, c.headers, 5_000_000, deep.slice(0, 1024));
      expect(res.status, what).toBe(c.status);
      expect(res.headers.connection, what).toBe('close');
      expect(typeof res.body.error, what).toBe('string');
    }
    // The server is none the worse.
    expect((await raw(stack.baseUrl, 'GET', '/api/v1/whoami', auth)).status).toBe(200);
  });
});
