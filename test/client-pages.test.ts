/**
 * The built client as the server sends it (server/http/client-pages.ts): staff.html for the staff
 * page's addresses, reports.html for the report pages', index.html for the walls, each asking to be
 * looked at again on every visit; each script or style sheet as its brotli copy to a browser that
 * accepts brotli, its gzip copy to one that accepts only gzip, as it is otherwise, kept a year.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientPages } from '../server/http/client-pages.js';

const SCRIPT = 'export const figure = 42;\n'.repeat(40);
const STYLE = '.panel { color: #fff; }\n'.repeat(40);
const dirs: string[] = [];
const servers: Server[] = [];

/** A client/dist with the files given, served on a free port. */
async function serve(files: Record<string, string | Buffer>): Promise<string> {
  const dist = mkdtempSync(join(tmpdir(), 'pulse-dist-'));
  dirs.push(dist);
  mkdirSync(join(dist, 'assets'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dist, name), body);
  const app = express().use(clientPages(dist));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** A raw request (fetch would decode the body and hide its encoding). */
function get(base: string, path: string, acceptEncoding: string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

let base = '';
let older = '';
beforeAll(async () => {
  base = await serve({
    'index.html': '<title>walls</title>',
    'staff.html': '<title>staff</title>',
    'reports.html': '<title>reports</title>',
    'assets/staff-1.js': SCRIPT,
    'assets/staff-1.js.gz': gzipSync(SCRIPT),
    'assets/staff-1.js.br': brotliCompressSync(SCRIPT),
    'assets/staff-1.css': STYLE,
    'assets/staff-1.css.gz': gzipSync(STYLE),
    'assets/staff-1.css.br': brotliCompressSync(STYLE),
    'assets/gzonly-1.js': SCRIPT,
    'assets/gzonly-1.js.gz': gzipSync(SCRIPT),
    'assets/plain-1.js': SCRIPT,
    'assets/logo-1.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'sw.js': 'self.addEventListener("fetch", () => {});',
  });
  // A build from before the staff page had an entry of its own.
  older = await serve({ 'index.html': '<title>walls</title>' });
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('client pages', () => {
  it('sends the staff page its own entry, the walls and screens theirs', async () => {
    for (const path of ['/staff', '/staff/', '/staff/HZ01', '/staff/group']) {
      expect((await get(base, path, 'identity')).body.toString(), path).toBe('<title>staff</title>');
    }
    for (const path of ['/', '/wall', '/wall/HZ01/sales', '/screen/lobby']) {
      expect((await get(base, path, 'identity')).body.toString(), path).toBe('<title>walls</title>');
    }
    expect((await get(base, '/staffroom', 'identity')).status).toBe(404);
    expect((await get(older, '/staff/HZ01', 'identity')).body.toString()).toBe('<title>walls</title>');
  });

  it('sends the report pages their own entry; a build without it has no report page', async () => {
    for (const path of ['/reports/HZ01/2026-11', '/reports/group/2026-W48', '/reports/HZ01', '/reports/']) {
      expect((await get(base, path, 'identity')).body.toString(), path).toBe('<title>reports</title>');
    }
    expect((await get(base, '/reportsx', 'identity')).status).toBe(404);
    expect((await get(older, '/reports/HZ01/2026-11', 'identity')).status).toBe(404);
  });

  it('sends a script or style sheet as brotli, else gzip, else whole, each decoding to the file', async () => {
    for (const [path, text, type] of [
      ['/assets/staff-1.js', SCRIPT, 'text/javascript'],
      ['/assets/staff-1.css', STYLE, 'text/css'],
    ] as const) {
      // Chromium's list: gzip named first, brotli still preferred (the smaller copy).
      for (const accept of ['gzip, deflate, br, zstd', 'br']) {
        const br = await get(base, path, accept);
        expect(br.status).toBe(200);
        expect(br.headers['content-encoding'], accept).toBe('br');
        expect(br.headers['content-type']).toMatch(new RegExp(`^${type}`));
        expect(br.headers.vary).toMatch(/Accept-Encoding/i);
        expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(brotliDecompressSync(br.body).toString()).toBe(text);
      }

      for (const accept of ['gzip, deflate', 'gzip, br;q=0']) {
        const zipped = await get(base, path, accept);
        expect(zipped.headers['content-encoding'], accept).toBe('gzip');
        expect(zipped.headers['content-type']).toMatch(new RegExp(`^${type}`));
        expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
        expect(zipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(gunzipSync(zipped.body).toString()).toBe(text);
      }

      const whole = await get(base, path, 'identity');
      expect(whole.headers['content-encoding']).toBeUndefined();
      expect(whole.headers['content-type']).toMatch(new RegExp(`^${type}`));
      expect(whole.headers.vary).toMatch(/Accept-Encoding/i);
      expect(whole.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(whole.body.toString()).toBe(text);
    }
    // Only a gzip copy built: gzip even to a browser that prefers brotli.
    const gzOnly = await get(base, '/assets/gzonly-1.js', 'gzip, deflate, br');
    expect(gzOnly.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzOnly.body).toString()).toBe(SCRIPT);
    // No copy built: the file itself, kept a year all the same.
    const plain = await get(base, '/assets/plain-1.js', 'gzip, br');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.body.toString()).toBe(SCRIPT);
    const svg = await get(base, '/assets/logo-1.svg', 'gzip, br');
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('asks for the pages and the service worker again on every visit', async () => {
    for (const path of ['/', '/wall/HZ01', '/screen/lobby', '/staff/HZ01', '/reports/HZ01/2026-11', '/index.html', '/sw.js']) {
      const res = await get(base, path, 'gzip, br');
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('no-cache');
    }
  });
});
