/**
 * The built client as the server sends it (server/http/client-pages.ts): staff.html for the staff
 * page's addresses, reports.html for the report pages', index.html for the walls, and each script or style sheet as its gzip copy to a
 * browser that accepts gzip, as it is otherwise.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
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
    'assets/staff-1.css': STYLE,
    'assets/staff-1.css.gz': gzipSync(STYLE),
    'assets/plain-1.js': SCRIPT,
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

  it('sends a script or style sheet gzipped to a browser that accepts gzip, whole to one that does not', async () => {
    for (const [path, text, type] of [
      ['/assets/staff-1.js', SCRIPT, 'text/javascript'],
      ['/assets/staff-1.css', STYLE, 'text/css'],
    ] as const) {
      const zipped = await get(base, path, 'gzip, deflate, br');
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers['content-type']).toMatch(new RegExp(`^${type}`));
      expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
      expect(zipped.headers['cache-control']).toBe('public, max-age=3600');
      expect(zipped.body.length).toBe(gzipSync(text).length);
      expect(gunzipSync(zipped.body).toString()).toBe(text);

      const whole = await get(base, path, 'identity');
      expect(whole.headers['content-encoding']).toBeUndefined();
      expect(whole.headers['content-type']).toMatch(new RegExp(`^${type}`));
      expect(whole.body.toString()).toBe(text);
    }
    // No gzip copy built: the file itself.
    const plain = await get(base, '/assets/plain-1.js', 'gzip');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
  });
});
