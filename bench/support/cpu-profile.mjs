/**
 * `NODE_OPTIONS=--import <this file>`: a V8 CPU profile of a product process (`--role=server` or
 * `--role=worker`), written to `$BENCH_CPU_PROFILE/<role>-<pid>.cpuprofile` when it exits (open it
 * in Chrome DevTools or speedscope). Node refuses --cpu-prof in NODE_OPTIONS.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const role = process.argv.find((a) => a.startsWith('--role='))?.slice('--role='.length);
const dir = process.env.BENCH_CPU_PROFILE;
if (role && dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // The session is in this thread: the callback runs before post() returns.
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/${role}-${process.pid}.cpuprofile`, JSON.stringify(res.profile));
    });
  });
}
