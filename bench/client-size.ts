/** The wall's download: gzip size of the built JavaScript and CSS. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { log } from './support/measure.js';
import { ROOT } from './support/params.js';

export interface AssetSize {
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

export async function clientSize(): Promise<{ js: AssetSize; css: AssetSize; totalGzipBytes: number }> {
  const dir = join(ROOT, 'client/dist/assets');
  if (!existsSync(dir)) {
    log('client/dist missing: npx vite build --logLevel warn');
    const r = spawn('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
    const code = await new Promise<number | null>((resolve) => r.once('exit', resolve));
    if (code !== 0) throw new Error(`vite build exited with ${code}`);
  }
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
