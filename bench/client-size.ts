/** The wall's download: gzip size of the built JavaScript and CSS. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { log } from './support/measure.js';
import { ROOT } from './support/params.js';

export interface AssetSize {
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

/** Newest modification time (ms) of the files under `dir`, or of `dir` itself. */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** Builds the wall (client/dist) when it is missing or older than its sources. */
export async function ensureClientBuilt(): Promise<void> {
  const built = newest(join(ROOT, 'client/dist/index.html'));
  const sources = Math.max(...['client/src', 'client/index.html', 'domain', 'vite.config.ts'].map((p) => newest(join(ROOT, p))));
  if (built >= sources) return;
  log(`client/dist ${built ? 'older than its sources' : 'missing'}: npx vite build --logLevel warn`);
  const r = spawn('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => r.once('exit', resolve));
  if (code !== 0) throw new Error(`vite build exited with ${code}`);
}

export async function clientSize(): Promise<{ js: AssetSize; css: AssetSize; totalGzipBytes: number }> {
  const dir = join(ROOT, 'client/dist/assets');
  await ensureClientBuilt();
  const files = readdirSync(dir).filter((f) => /\.(js|css)$/.test(f));
  const of = (ext: string): AssetSize => {
    const mine = files.filter((x) => x.endsWith(ext));
    let raw = 0;
    let gz = 0;
    for (const f of mine) {
      const buf = readFileSync(join(dir, f));
      raw += buf.length;
      gz += gzipSync(buf, { level: 9 }).length;
    }
    return { files: mine.length, rawBytes: raw, gzipBytes: gz };
  };
  const js = of('.js');
  const css = of('.css');
  return { js, css, totalGzipBytes: js.gzipBytes + css.gzipBytes };
}
