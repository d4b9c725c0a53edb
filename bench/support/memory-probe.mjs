/**
 * `NODE_OPTIONS=--import <this file>` with BENCH_MEMORY_DIR set: on SIGUSR2 a product server
 * process collects its garbage fully and writes `process.memoryUsage()` to
 * `$BENCH_MEMORY_DIR/<pid>.json`, so that memory per socket is read after a GC, not before one.
 */
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const dir = process.env.BENCH_MEMORY_DIR;
if (dir) {
  // `gc` without --expose-gc on the command line (NODE_OPTIONS refuses it): the flag, then a fresh context's global.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  process.on('SIGUSR2', () => {
    gc();
    writeFileSync(`${dir}/${process.pid}.json`, JSON.stringify(process.memoryUsage()));
  });
}
