import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

// A TV reports the version it runs (docs/wall.md, "Screen management"): the package's.
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const apiPort = process.env.PORT ?? '8080';

/**
 * The version of the figures a TV keeps offline (client/src/offline/snapshot-cache.ts): it changes
 * with the files that define the shape of a snapshot and of a playlist, so that a build reading
 * another shape drops what an older one kept.
 */
const cacheVersion = createHash('sha256')
  .update(readFileSync(new URL('./domain/kpis.ts', import.meta.url)))
  .update(readFileSync(new URL('./domain/coop.ts', import.meta.url)))
  .update(readFileSync(new URL('./domain/screens.ts', import.meta.url)))
  .digest('hex')
  .slice(0, 12);

/**
 * Writes the wall's service worker (client/src/offline/service-worker.js) as `sw.js` next to the
 * page, with the list of the build's assets it keeps when it installs, and a version that changes
 * with them (so that a new build replaces the old one's shell).
 */
function serviceWorker(): Plugin {
  const PLACEHOLDER = "const SHELL = { build: 'dev', assets: [] };";
  return {
    name: 'pulse-service-worker',
    apply: 'build',
    writeBundle(options) {
      const dir = options.dir!;
      const assets = readdirSync(join(dir, 'assets'))
        .filter((f) => !/\.(gz|br)$/.test(f))
        .sort()
        .map((f) => `/assets/${f}`);
      const build = createHash('sha256')
        .update(assets.join('\n'))
        .update(readFileSync(join(dir, 'index.html')))
        .digest('hex')
        .slice(0, 12);
      const source = readFileSync(new URL('./client/src/offline/service-worker.js', import.meta.url), 'utf8');
      if (!source.includes(PLACEHOLDER)) throw new Error(`service-worker.js lost its line ${PLACEHOLDER}`);
      writeFileSync(join(dir, 'sw.js'), source.replace(PLACEHOLDER, `const SHELL = ${JSON.stringify({ build, assets })};`));
    },
  };
}

/**
 * Writes a brotli copy (quality 11) and a gzip copy (level 9) beside each built script and style
 * sheet, which the server sends to browsers that accept them (server/http/client-pages.ts): a phone
 * on a slow network downloads a quarter or less. Compressed once here, at the highest settings
 * (too slow to do per request), never by the server as it answers.
 */
function compressAssets(): Plugin {
  return {
    name: 'pulse-compress-assets',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const name of Object.keys(bundle).filter((f) => /\.(js|css)$/.test(f))) {
        const path = join(options.dir!, name);
        const bytes = readFileSync(path);
        writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(bytes, {
            params: {
              [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
              [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
              [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length,
            },
          }),
        );
      }
    },
  };
}

type ModuleGraph = { getModuleInfo(id: string): { isEntry: boolean; importers: string[] } | null };

/**
 * Keeps what the walls and the staff page load at once in one chunk, `styles`: everything both of
 * them import (Vue, i18n, the API client, the live socket…), which the report page loads as it is.
 * Left to the bundler, the part of it the report page shares too would move into chunks of its own,
 * and every wall and staff page would load more files for nothing. What only the report page uses
 * stays in its own chunks.
 */
function sharedOfWallAndStaff(): (id: string, ctx: ModuleGraph) => string | null {
  const WALL = /\/client\/index\.html$/;
  const STAFF = /\/client\/staff\.html$/;
  const reached = new Map<string, string[]>();
  /** The entries that load a module at once: those its static importers lead up to. */
  function entriesOf(id: string, ctx: ModuleGraph): string[] {
    const known = reached.get(id);
    if (known) return known;
    const entries: string[] = [];
    const seen = new Set([id]);
    const queue = [id];
    for (let at = queue.pop(); at !== undefined; at = queue.pop()) {
      const info = ctx.getModuleInfo(at);
      if (info?.isEntry) entries.push(at);
      for (const importer of info?.importers ?? []) {
        if (!seen.has(importer)) {
          seen.add(importer);
          queue.push(importer);
        }
      }
    }
    reached.set(id, entries);
    return entries;
  }
  return (id, ctx) => {
    const entries = entriesOf(id, ctx);
    return entries.some((e) => WALL.test(e)) && entries.some((e) => STAFF.test(e)) ? 'styles' : null;
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  plugins: [vue(), compressAssets(), serviceWorker()],
  define: { __APP_VERSION__: JSON.stringify(version), __PULSE_CACHE_VERSION__: JSON.stringify(cacheVersion) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
    // Three pages: the walls and screens (index.html), the staff page (staff.html) and the period
    // reports (reports.html), each loading only its own code.
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL('./client/index.html', import.meta.url)),
        staff: fileURLToPath(new URL('./client/staff.html', import.meta.url)),
        reports: fileURLToPath(new URL('./client/reports.html', import.meta.url)),
      },
      output: {
        codeSplitting: {
          groups: [{ name: sharedOfWallAndStaff(), debugName: 'shared-of-wall-and-staff' }],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': `http://127.0.0.1:${apiPort}`,
      '/socket.io': { target: `ws://127.0.0.1:${apiPort}`, ws: true },
    },
  },
});
