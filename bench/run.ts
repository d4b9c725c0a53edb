/**
 * `npm run bench`: throughput, latency and cost measurements against a redis-server of its own
 * (loopback, free port, no persistence). Writes bench/results.json, bench/RESULTS.md and
 * bench/history/<date-time>.json.
 *
 *   npx tsx bench/run.ts          full run (minutes)
 *   npx tsx bench/run.ts --smoke  everything tiny (seconds), for CI
 *   npx tsx bench/run.ts --huge   also a 10 M-event history (long)
 *   npx tsx bench/run.ts --only=ingest  ingest and its limits (Redis without persistence and with
 *                                      AOF everysec) alone, likewise
 *   npx tsx bench/run.ts --only=ingest --runs=2  the same, 2 repetitions instead of 5
 *   npx tsx bench/run.ts --only=browser  the browser figures alone, into the last results of that mode
 *   npx tsx bench/run.ts --only=latency  event → screen latency alone, likewise
 *   npx tsx bench/run.ts --only=snapshot  snapshot cost (history sizes, the group) alone, likewise
 *   npx tsx bench/run.ts --only=soak  the wall soak (100,000 pushes, heap flat) alone, likewise
 *   npx tsx bench/run.ts --only=memory  Redis memory per kept event (bench/memory.ts) alone, likewise
 *   npx tsx bench/run.ts --only=phone  the staff page on a phone (LCP, TBT, CLS) alone, likewise;
 *                                      with --label=NAME also kept as the run NAME (before/after)
 *   npx tsx bench/run.ts --latency-servers=2  latency through 2 server processes (default 1)
 *   npx tsx bench/run.ts --only=latency --latency-group  the dealer group's shape alone (bench/latency-group.ts),
 *                                      beside the other latency cells of the last results
 *   npx tsx bench/run.ts --against=bench/history/<date-time>.json  before/after against that stored run
 *                                      (default: the stored run before the latest)
 *
 * A complete run is kept in bench/history/<date-time>.json (smoke runs in bench/history/smoke/);
 * `--only` runs amend bench/results.json and are kept as bench/history/<date-time>.<only>.json.
 *
 * Not part of `npm test`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { browserFigures } from './browser.js';
import { clientSize } from './client-size.js';
import { ingestLoad, ingestRun } from './ingest.js';
import { BATCH, IN_FLIGHT, bullmqRun, dropPrefix, scriptsRun } from './ingest-limits.js';
import { latencyBench } from './latency.js';
import { groupShapeBench } from './latency-group.js';
import { memoryFigures } from './memory.js';
import { phoneFigures } from './phone.js';
import { markdown, type Results } from './report.js';
import { comparisonPair, storeRun } from './history.js';
import { groupSnapshot, snapshotVsHistory } from './snapshot.js';
import { soak } from './soak.js';
import { log, median, round } from './support/measure.js';
import { ONLY, P, ROOT, SMOKE } from './support/params.js';
import { startRedis, stop } from './support/processes.js';

async function main() {
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    date: new Date().toISOString(),
    mode: SMOKE ? 'smoke' : 'full',
  };
  log(machine);
  if (ONLY && !['ingest', 'browser', 'latency', 'snapshot', 'soak', 'phone', 'memory'].includes(ONLY)) {
    throw new Error(`--only=${ONLY}: only ingest, browser, latency, snapshot, soak, phone or memory run alone`);
  }
  const redis = await startRedis();
  const redisVersion = await (async () => {
    const r = new Redis(redis.url);
    const info = await r.info('server');
    r.disconnect();
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  })();
  const label = process.argv.find((a) => a.startsWith('--label='))?.slice('--label='.length);
  const latencyServers = Number(process.argv.find((a) => a.startsWith('--latency-servers='))?.split('=')[1] ?? 1);
  const name = SMOKE ? 'results.smoke' : 'results';
  const against = process.argv.find((a) => a.startsWith('--against='))?.slice('--against='.length);
  /**
   * A complete run is also stored (bench/history/); before/after compares stored runs.
   * `section`: a run of one section (`--only`), also kept on its own as `<date-time>.<only>.json`
   * so that its figures can be a before or an after (bench/history.ts).
   */
  const save = (results: Results, complete = false, section?: Partial<Results>) => {
    if (complete) log(`stored ${storeRun(results, SMOKE)}`);
    if (section && ONLY) {
      const machineNow = { ...machine, redis: redisVersion, date: new Date().toISOString(), only: ONLY, label };
      log(`stored ${storeRun({ machine: machineNow, ...section }, SMOKE, ONLY)}`);
    }
    writeFileSync(join(ROOT, `bench/${name}.json`), JSON.stringify(results, null, 2) + '\n');
    writeFileSync(
      join(ROOT, `bench/${SMOKE ? 'RESULTS.smoke' : 'RESULTS'}.md`),
      markdown(results, comparisonPair(SMOKE, against)),
    );
    log(`wrote bench/${name}.json and bench/${SMOKE ? 'RESULTS.smoke' : 'RESULTS'}.md`);
  };
  const file = join(ROOT, `bench/${name}.json`);
  const last = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Results) : null;
  /** The phone figures of this run, and the labelled runs kept so far with this one among them. */
  const phoneOf = (phone: Results['phone']) => ({
    phone,
    phoneRuns: { ...last?.phoneRuns, ...(label && phone ? { [label]: phone } : {}) },
  });
  try {
    if (ONLY === 'ingest') {
      const throughput = await throughputRuns(redis.url);
      if (last) save({ ...last, throughput }, false, { throughput });
      else log(`no bench/${name}.json to add them to: run the whole bench first`);
      return;
    }
    if (ONLY === 'browser') {
      const browser = await browserFigures(redis.url);
      log('browser', JSON.stringify(browser));
      const file = join(ROOT, `bench/${name}.json`);
      if (existsSync(file)) save({ ...(JSON.parse(readFileSync(file, 'utf8')) as Results), browser }, false, { browser });
      else log(`no bench/${name}.json to add them to: run the whole bench first`);
      return;
    }
    if (ONLY === 'snapshot') {
      const snapshot = await snapshotRuns(redis.url);
      const file = join(ROOT, `bench/${name}.json`);
      if (existsSync(file)) save({ ...(JSON.parse(readFileSync(file, 'utf8')) as Results), snapshot }, false, { snapshot });
      else log(`no bench/${name}.json to add them to: run the whole bench first`);
      return;
    }
    if (ONLY === 'soak') {
      const soakResults = await soak(redis.url);
      log('soak', JSON.stringify(soakResults.ratios));
      const file = join(ROOT, `bench/${name}.json`);
      if (existsSync(file))
        save({ ...(JSON.parse(readFileSync(file, 'utf8')) as Results), soak: soakResults }, false, { soak: soakResults });
      else log(`no bench/${name}.json to add them to: run the whole bench first`);
      return;
    }
    if (ONLY === 'phone') {
      const phone = await phoneFigures(redis.url);
      if (last) save({ ...last, ...phoneOf(phone) }, false, { phone });
      else log(`no bench/${name}.json to add them to: run the whole bench first`);
      return;
    }
    if (ONLY === 'memory') {
      const memory = await memoryFigures();
      if (last) save({ ...last, memory }, false, { memory });
      else log(`no bench/${name}.json to add them to: run the whole bench first`);
      return;
    }
    if (ONLY === 'latency') {
      // --latency-group: the dealer group's shape alone, beside the cells of the last results.
      const latency =
        process.argv.includes('--latency-group') && last?.latency
          ? { ...last.latency, group: await groupShapeBench(redis.url, { servers: latencyServers }) }
          : await latencyBench(redis.url, { servers: latencyServers });
      const file = join(ROOT, `bench/${name}.json`);
      if (existsSync(file)) save({ ...(JSON.parse(readFileSync(file, 'utf8')) as Results), latency }, false, { latency });
      else log(`no bench/${name}.json to add them to: run the whole bench first`);
      return;
    }
    const throughput = await throughputRuns(redis.url);

    const snapshot = await snapshotRuns(redis.url);
    const client = await clientSize();
    log('client', client);
    const browser = await browserFigures(redis.url);
    log('browser', JSON.stringify(browser));
    const phone = await phoneFigures(redis.url);
    const latency = await latencyBench(redis.url, { servers: latencyServers });
    const soakResults = await soak(redis.url);
    log('soak', JSON.stringify(soakResults.ratios));
    const memory = await memoryFigures();

    save(
      {
        machine: { ...machine, redis: redisVersion },
        throughput,
        snapshot,
        client,
        browser,
        ...phoneOf(phone),
        latency,
        soak: soakResults,
        memory,
      },
      true,
    );
  } finally {
    await stop(redis.child);
  }
}

/**
 * Ingest through the product, and its two limits on the same events in the same run: the event
 * scripts pipelined into Redis (a) and bare BullMQ carrying the same jobs through them (b). The
 * three in turn in every repetition, so that other work on the machine slows them alike; and each
 * of them twice, against the run's Redis without persistence and against a Redis of its own that
 * writes its append-only file every second, as production does, each beside its own limits.
 */
async function throughputRuns(redisUrl: string): Promise<Results['throughput']> {
  const load = ingestLoad();
  const aofRedis = await startRedis('aof');
  const systems = [
    ['product', ingestRun],
    ['scripts', scriptsRun],
    ['bullmq', bullmqRun],
  ] as const;
  type Runs = Record<(typeof systems)[number][0], Results['throughput']['ingest']['runs']>;
  const ways = [
    { persistence: 'none', url: redisUrl, runs: { product: [], scripts: [], bullmq: [] } as Runs },
    { persistence: 'aof', url: aofRedis.url, runs: { product: [], scripts: [], bullmq: [] } as Runs },
  ] as const;
  try {
    for (let run = 0; run < P.runs; run++) {
      const tag = `${run}${Date.now().toString(36)}`;
      for (const way of ways) {
        for (const [name, measure] of systems) {
          const prefix = `b${name[0]}${tag}`;
          const r = await measure(way.url, load, prefix);
          log(name, way.persistence, r);
          way.runs[name].push(r);
          await dropPrefix(way.url, prefix);
        }
      }
    }
  } finally {
    await stop(aofRedis.child);
  }
  const med = (xs: { perSec: number }[]) => median(xs.map((r) => r.perSec));
  const figures = (runs: Runs) => {
    const [product, scripts, bullmq] = [med(runs.product), med(runs.scripts), med(runs.bullmq)];
    return {
      ingest: { runs: runs.product, medianPerSec: product },
      scripts: { runs: runs.scripts, medianPerSec: scripts },
      bullmq: { runs: runs.bullmq, medianPerSec: bullmq },
      productShare: round(product / scripts, 3),
      bullmqShare: round(bullmq / scripts, 3),
    };
  };
  const none = figures(ways[0].runs);
  const aof = figures(ways[1].runs);
  log('throughput', { none: [none.productShare, none.bullmqShare], aof: [aof.productShare, aof.bullmqShare] });
  return {
    events: load.expected,
    stores: P.ingestStores,
    days: P.ingestDays,
    batch: BATCH,
    inFlight: IN_FLIGHT,
    persistence: 'none',
    ...none,
    aof: { appendfsync: 'everysec', ...aof },
  };
}

async function snapshotRuns(redisUrl: string): Promise<Results['snapshot']> {
  const histories = await snapshotVsHistory(redisUrl, P.histories);
  log('histories', histories);
  const groups = [];
  for (const s of P.groups) {
    const g = await groupSnapshot(redisUrl, s);
    log('group', g);
    groups.push(g);
  }
  return { histories, groups };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
