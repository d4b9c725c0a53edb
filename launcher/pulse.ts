/**
 * `npm start`: API, live sockets, the wall and the workers in one process.
 * `npm run server` (--role=server): API, live sockets and the wall only; `npm run worker`
 * (--role=worker): the BullMQ workers only. Any number of each work together through one Redis.
 * `npm run demo` (--demo): everything, fed with a realistic dealership through the public API.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startWorkers } from '../workers/index.js';
import { createQueues } from '../core/jobs/queues.js';
import { createApp } from '../server/app.js';
import { DEFAULT_WORKER_METRICS_PORT, loadConfig } from '../core/config.js';
import { createLogger, type Logger, type ProcessRole } from '../core/observability/logger.js';
import { createRegistry } from '../core/observability/metrics.js';
import { connectRedis, describeTarget, isRedisAway, watchConnection, type RedisTarget } from '../core/redis/connections.js';
import { persistenceWarning, resolveTarget } from './redis-launcher.js';

const demo = process.argv.includes('--demo');
const roleArg = process.argv.find((a) => a.startsWith('--role='))?.slice('--role='.length) ?? 'all';
if (!['all', 'server', 'worker'].includes(roleArg)) {
  console.error(`--role must be all, server or worker (got ${roleArg})`);
  process.exit(2);
}
const runsServer = roleArg !== 'worker';
const runsWorkers = roleArg !== 'server';

/** Set once everything runs. A signal that comes while starting is handled then (a second one exits at once). */
let onSignal: ((signal: NodeJS.Signals) => void) | null = null;
let signalledEarly: NodeJS.Signals | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (onSignal) onSignal(signal);
    else if (signalledEarly) process.exit(1);
    else signalledEarly = signal;
  });
}

async function main() {
  const config = loadConfig();
  // Human lines (the addresses to open) go to stdout as text; everything else is a JSON log line.
  const role = roleArg as ProcessRole;
  const log = createLogger({ role, level: config.logLevel });
  // A failed promise nobody waited for is a bug, not a reason to drop every wall and request in
  // flight: log it loudly (the fault tests fail on such a line) and keep serving.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  // One registry for the process: in role=all, /metrics on the API port shows the workers' metrics too.
  const registry = createRegistry(role);
  if (runsServer && !config.adminToken) {
    config.adminToken = randomBytes(18).toString('base64url');
    console.log(`PULSE_ADMIN_TOKEN was not set; this run uses the admin key ${config.adminToken}`);
  }
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (runsServer && !existsSync(new URL('../client/dist/index.html', import.meta.url))) {
    console.log('Building the wall display (first start)…');
    const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('building the wall display failed');
  }
  const redis = await resolveTarget(config);
  console.log(
    `Redis: ${describeTarget(redis.target)}${redis.child ? ' (started here, AOF under ' + config.dataDir + '/redis)' : ''}`,
  );
  const warning = await persistenceWarning(redis.target);
  if (warning) log.warn(warning);

  const app = runsServer ? await createApp(config, redis.target, { log, registry }) : null;
  const queues = app?.deps.queues ?? workerQueues(redis.target, config.prefix, log);
  const metricsPort = app ? undefined : (config.metricsPort ?? DEFAULT_WORKER_METRICS_PORT);
  // Several workers on one machine: the second and later take a free port unless one was set.
  const metricsPortOrFree = config.metricsPort === undefined;
  const workers = runsWorkers
    ? await startWorkers(config, redis.target, queues, { log, registry, metricsPort, metricsPortOrFree })
    : null;
  if (workers && !app) {
    console.log(`Showroom Pulse workers are running (prefix ${config.prefix}); metrics on :${workers.metricsPort}/metrics.`);
  }

  const abort = new AbortController();
  if (app) {
    const port = await app.listen(config.port, config.host);
    const base = `http://localhost:${port}`;
    const kiosk = await app.deps.keys.create({ name: 'wall kiosk', scopes: ['read'] });
    console.log(`Showroom Pulse is running on ${base}${workers ? '' : ' (no workers in this process: run npm run worker)'}`);
    console.log(`Open the wall:  ${base}/wall?token=${kiosk.token}`);
    if (demo) {
      const { runDemo } = await import('./demo/feed.js');
      console.log('Demo: feeding a dealer group through the API (Ctrl+C to stop)…');
      runDemo({
        baseUrl: `http://127.0.0.1:${port}`,
        token: config.adminToken!,
        signal: abort.signal,
        log: (m) => console.log(`[demo] ${m}`),
      }).catch((err: unknown) => log.error({ err }, 'demo feed stopped'));
      console.log(`Showroom TV:    ${base}/screen/lobby?token=${kiosk.token}`);
      console.log(`Staff page:     ${base}/staff?token=${kiosk.token}`);
    }
  }

  // SIGTERM or Ctrl+C (docs/operations-faults.md): /readyz turns 503 at once; after the drain
  // delay the server tells its sockets to reconnect, stops accepting connections and finishes the
  // requests in flight; the workers take no new job and finish those in flight. A second signal,
  // or the shutdown timeout, exits at once (a job cut off is taken over by another worker).
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    const { drainDelayMs, timeoutMs } = config.shutdown;
    log.info({ signal, drainDelayMs: app ? drainDelayMs : 0, timeoutMs }, 'shutting down');
    setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown took too long: exiting now');
      process.exit(1);
    }, timeoutMs);
    abort.abort();
    app?.drain();
    await Promise.all([app && new Promise((r) => setTimeout(r, drainDelayMs)), workers?.close()]);
    await app?.close();
    if (!app) await Promise.all(Object.values(queues).map((q) => q.close()));
    await redis.stop();
    log.info('stopped');
    process.exit(0);
  };
  onSignal = (signal) => void stop(signal);
  if (signalledEarly) onSignal(signalledEarly);
}

/** A worker-only process's queues (notifications, schedules): they wait through a Redis restart. */
function workerQueues(target: RedisTarget, prefix: string, log: Logger) {
  const connection = connectRedis(target, { maxRetriesPerRequest: null });
  watchConnection(connection, log, 'queues');
  const queues = createQueues(connection, prefix);
  for (const q of Object.values(queues)) {
    q.on('error', (err) => isRedisAway(err) || log.error({ err, queue: q.name }, 'queue error'));
  }
  return queues;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
