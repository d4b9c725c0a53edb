/**
 * Every complete bench run kept as a file (bench/history/<date-time>.json; smoke runs under
 * bench/history/smoke/, not committed), and the before/after of bench/RESULTS.md computed from two
 * of them: the latest and the one before it, or the latest and `--against=<file>`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { round } from './support/measure.js';
import { ROOT } from './support/params.js';

const dirOf = (smoke: boolean) => join(ROOT, smoke ? 'bench/history/smoke' : 'bench/history');

/**
 * Keeps a run's results under its date-time; answers the file, relative to the repository. A run of
 * one section (`--only=NAME`) is kept as `<date-time>.NAME.json`, holding that section alone: a
 * figure's before can come from it.
 */
export function storeRun(results: { machine: { date?: unknown } }, smoke: boolean, only?: string | null): string {
  const dir = dirOf(smoke);
  mkdirSync(dir, { recursive: true });
  const stamp = String(results.machine.date ?? new Date().toISOString())
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const file = join(dir, only ? `${stamp}.${only}.json` : `${stamp}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  return relative(ROOT, file);
}

export interface StoredRun {
  file: string;
  results: unknown;
}

const load = (file: string): StoredRun => ({ file: relative(ROOT, file), results: JSON.parse(readFileSync(file, 'utf8')) });

export interface Comparison {
  /** Every stored run, complete and single-section, newest first. */
  runs: StoredRun[];
  /** `--against=<file>`: the before of every figure it measured. */
  against: StoredRun | null;
}

/**
 * The stored runs to compare. For each figure, after: the newest stored run that measured it;
 * before: `against` where it measured the figure, else the newest run before that after which did.
 */
export function comparisonPair(smoke: boolean, against?: string): Comparison | null {
  const dir = dirOf(smoke);
  if (!existsSync(dir)) return null;
  const runs = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .reverse()
    .map((f) => load(join(dir, f)));
  if (runs.length === 0) return null;
  if (!against) return { runs, against: null };
  const file = [against, join(ROOT, against), join(dir, against)].find((f) => existsSync(f));
  if (!file) throw new Error(`--against=${against}: no such stored run`);
  return { runs, against: load(file) };
}

/** A figure of a stored run, or undefined where that run did not measure it. */
type Reader = (r: any) => number | undefined;

const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const groupOf = (r: any, stores: number) => r?.snapshot?.groups?.find((g: any) => g.stores === stores);
const cellOf = (r: any, sockets: number, rate: number, tickMs: number) =>
  r?.latency?.cells?.find((c: any) => c.system === 'pulse' && c.sockets === sockets && c.rate === rate && c.tickMs === tickMs);
const historyOf = (r: any, i: number) => r?.snapshot?.histories?.[i];
const phoneOf = (r: any, name: string) => r?.phone?.conditions?.find((c: any) => c.name.startsWith(name));

/** The figures compared, each with its unit and which way is better. */
const FIGURES: { name: string; unit: string; better: 'higher' | 'lower'; read: Reader }[] = [
  {
    name: 'ingest through the product (events/s)',
    unit: '',
    better: 'higher',
    read: (r) => num(r?.throughput?.ingest?.medianPerSec),
  },
  {
    name: 'limit (a): the event scripts pipelined into Redis (events/s)',
    unit: '',
    better: 'higher',
    read: (r) => num(r?.throughput?.scripts?.medianPerSec),
  },
  {
    name: 'limit (b): bare BullMQ, same jobs, same scripts (events/s)',
    unit: '',
    better: 'higher',
    read: (r) => num(r?.throughput?.bullmq?.medianPerSec),
  },
  { name: 'product ingest ÷ limit (a)', unit: '', better: 'higher', read: (r) => num(r?.throughput?.productShare) },
  {
    name: 'ingest through the product, Redis AOF everysec (events/s)',
    unit: '',
    better: 'higher',
    read: (r) => num(r?.throughput?.aof?.ingest?.medianPerSec),
  },
  {
    name: 'limit (a), Redis AOF everysec (events/s)',
    unit: '',
    better: 'higher',
    read: (r) => num(r?.throughput?.aof?.scripts?.medianPerSec),
  },
  {
    name: 'product ingest ÷ limit (a), Redis AOF everysec',
    unit: '',
    better: 'higher',
    read: (r) => num(r?.throughput?.aof?.productShare),
  },
  {
    name: 'KpiService.store(), 10 k events of history',
    unit: ' ms',
    better: 'lower',
    read: (r) => num(historyOf(r, 0)?.store?.medianMs),
  },
  {
    name: 'KpiService.store(), 1 M events of history',
    unit: ' ms',
    better: 'lower',
    read: (r) => num(historyOf(r, 2)?.store?.medianMs),
  },
  { name: 'group snapshot, 50 stores, cold', unit: ' ms', better: 'lower', read: (r) => num(groupOf(r, 50)?.group?.medianMs) },
  { name: 'group snapshot, 500 stores, cold', unit: ' ms', better: 'lower', read: (r) => num(groupOf(r, 500)?.group?.medianMs) },
  {
    name: 'group snapshot, 500 stores, one store changed',
    unit: ' ms',
    better: 'lower',
    read: (r) => num(groupOf(r, 500)?.warm?.medianMs),
  },
  {
    name: 'group snapshot, 500 stores, at a store-local midnight',
    unit: ' ms',
    better: 'lower',
    read: (r) => num(groupOf(r, 500)?.moments?.midnight?.ms),
  },
  { name: 'wall JS + CSS, gzip', unit: ' KiB', better: 'lower', read: (r) => (num(r?.client?.totalGzipBytes) ?? NaN) / 1024 },
  { name: 'first figures in Chromium', unit: ' ms', better: 'lower', read: (r) => num(r?.browser?.firstFigures?.medianMs) },
  {
    name: 'staff page LCP, phone, slow 4G',
    unit: ' ms',
    better: 'lower',
    read: (r) => num(phoneOf(r, 'staff page, phone, CPU 4× slower, slow 4G')?.lcpMs),
  },
  {
    name: 'event → screen p50, 1,000 sockets, 1,000 events/s, a POST every 50 ms',
    unit: ' ms',
    better: 'lower',
    read: (r) => num(cellOf(r, 1000, 1000, 50)?.latency?.p50),
  },
  {
    name: 'event → screen p99, same cell',
    unit: ' ms',
    better: 'lower',
    read: (r) => num(cellOf(r, 1000, 1000, 50)?.latency?.p99),
  },
  {
    name: 'wall soak: heap, largest ÷ smallest after warm-up',
    unit: '',
    better: 'lower',
    read: (r) => num(r?.soak?.ratios?.heap),
  },
  {
    name: 'Redis memory per kept event, one store × 2 years',
    unit: ' B',
    better: 'lower',
    read: (r) => num(r?.memory?.shapes?.[0]?.bytesPerEvent),
  },
  {
    name: 'Redis memory per kept event, 50 stores × 30 days',
    unit: ' B',
    better: 'lower',
    read: (r) => num(r?.memory?.shapes?.[1]?.bytesPerEvent),
  },
];

const machineOf = (r: any) => {
  const m = r?.machine ?? {};
  return `${m.cpus ?? '?'} CPUs, ${m.model ?? '?'}, Node ${m.node ?? '?'}, redis-server ${m.redis ?? '?'}`;
};

const stampOf = (run: StoredRun) => basename(run.file, '.json');

/** The section of bench/RESULTS.md comparing stored runs, figure by figure. */
export function beforeAfterLines(pair: Comparison | null): string[] {
  if (!pair) return ['## Before and after', '', 'No run is stored (bench/history/): nothing to compare yet.', ''];
  const { runs, against } = pair;
  const show = (x: number | undefined, unit: string) => (x === undefined || Number.isNaN(x) ? '—' : `${round(x, 2)}${unit}`);
  const value = (f: (typeof FIGURES)[number], run: StoredRun) => {
    const x = f.read(run.results);
    return x === undefined || Number.isNaN(x) ? undefined : x;
  };
  const machines = new Set<string>();
  const rows = FIGURES.map((f) => {
    const i = runs.findIndex((run) => value(f, run) !== undefined);
    const after = i >= 0 ? runs[i] : undefined;
    const before =
      after &&
      (against && against.file < after.file && value(f, against) !== undefined
        ? against
        : runs.slice(i + 1).find((run) => value(f, run) !== undefined));
    const a = after && value(f, after);
    const b = before && value(f, before);
    for (const run of [before, after]) if (run) machines.add(machineOf(run.results));
    const change =
      a === undefined || b === undefined || b === 0
        ? '—'
        : `${a >= b ? '+' : '−'}${round((Math.abs(a - b) / b) * 100)} %${a === b ? '' : a > b === (f.better === 'higher') ? ' (better)' : ' (worse)'}`;
    const at = (run: StoredRun | undefined) => (run ? ` <sub>${stampOf(run)}</sub>` : '');
    return `| ${f.name} | ${show(b, f.unit)}${at(before)} | ${show(a, f.unit)}${at(after)} | ${change} |`;
  });
  return [
    '## Before and after',
    '',
    'Each figure from two stored runs (bench/history/, named under each value): after, the newest run that measured it;',
    'before, the newest run before that one which measured it' + (against ? `, or \`${against.file}\` where it did.` : '.'),
    'A run of one section (`--only`) is kept as `<date-time>.<section>.json`.',
    machines.size === 1
      ? `All on ${[...machines][0]}.`
      : `Machines: ${[...machines].join('; ')} (figures of different machines compare machines as much as code).`,
    '`npm run bench -- --against=<file>` takes the before of every figure it measured from that run. A dash: no such run.',
    '',
    '| figure | before | after | change |',
    '|---|---|---|---|',
    ...rows,
    '',
  ];
}
