/**
 * `npm run bench`: throughput, latency and cost measurements against a redis-server of its own
 * (loopback, free port, no persistence). Writes bench/results.json and bench/RESULTS.md.
 *
 *   npx tsx bench/run.ts          full run (minutes)
 *   npx tsx bench/run.ts --smoke  everything tiny (seconds), for CI
 *   npx tsx bench/run.ts --huge   also a 10 M-event history (long)
 *
 * Not part of `npm test`.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { clientSize } from './client-size.js';
import { ceilingRun, ingestRun } from './ingest.js';
import { markdown } from './report.js';
import { groupSnapshot, snapshotVsHistory } from './snapshot.js';
import { log, median, round } from './support/measure.js';
import { CONCURRENCY, P, ROOT, SMOKE } from './support/params.js';
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
  const redis = await startRedis();
  const redisVersion = await (async () => {
    const r = new Redis(redis.url);
    const info = await r.info('server');
    r.disconnect();
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  })();
  try {
    const ingestRuns = [];
    const ceilingRuns = [];
    for (let run = 0; run < P.runs; run++) {
      const ingest = await ingestRun(redis.url, run);
      log('ingest', ingest);
      ingestRuns.push(ingest);
      const ceiling = await ceilingRun(redis.url, run);
      log('ceiling', ceiling);
      ceilingRuns.push(ceiling);
    }
    const ingestPerSec = median(ingestRuns.map((r) => r.perSec));
    const ceilingPerSec = median(ceilingRuns.map((r) => r.perSec));
    const throughput = {
      ingest: {
        runs: ingestRuns,
        medianPerSec: ingestPerSec,
        batch: 500,
        inFlight: 4,
        stores: P.ingestStores,
        days: P.ingestDays,
      },
      ceiling: { runs: ceilingRuns, medianPerSec: ceilingPerSec, concurrency: CONCURRENCY, addBulkChunk: 500 },
      ratio: round(ingestPerSec / ceilingPerSec, 3),
    };

    const histories = [];
    for (const n of P.histories) {
      const h = await snapshotVsHistory(redis.url, n);
      log('history', h);
      histories.push(h);
    }
    const groups = [];
    for (const s of P.groups) {
      const g = await groupSnapshot(redis.url, s);
      log('group', g);
      groups.push(g);
    }
    const client = await clientSize();
    log('client', client);

    const results = { machine: { ...machine, redis: redisVersion }, throughput, snapshot: { histories, groups }, client };
    const name = SMOKE ? 'results.smoke' : 'results';
    writeFileSync(join(ROOT, `bench/${name}.json`), JSON.stringify(results, null, 2) + '\n');
    writeFileSync(join(ROOT, `bench/${SMOKE ? 'RESULTS.smoke' : 'RESULTS'}.md`), markdown(results));
    log(`wrote bench/${name}.json and bench/${SMOKE ? 'RESULTS.smoke' : 'RESULTS'}.md`);
  } finally {
    await stop(redis.child);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
