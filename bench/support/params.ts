/** What a bench run measures, and at which sizes: `--smoke` (seconds, for CI), the full run, `--huge` (adds 10 M events). */
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SMOKE = process.argv.includes('--smoke');
export const HUGE = process.argv.includes('--huge');
/** `--only=ingest`, `--only=browser`, `--only=latency`, …: that measurement alone. */
export const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? null;
export const DAY = 86_400_000;
export const ADMIN_TOKEN = 'bench-admin-token-0123456789';
/** The product's default PULSE_WORKER_CONCURRENCY. */
export const CONCURRENCY = 4;

export const P = SMOKE
  ? { runs: 1, ingestDays: 1, ingestStores: 2, histories: [2_000], readCalls: 5, groups: [5] }
  : {
      runs: 5,
      ingestDays: 30,
      ingestStores: 4,
      histories: [10_000, 0, 1_000_000, ...(HUGE ? [10_000_000] : [])],
      readCalls: 60,
      groups: [50, 500],
    };
/** `--runs=N`: the ingest repetitions (default 5; smoke 1), e.g. for a quick before and after. */
const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 0) || null;
if (RUNS) P.runs = RUNS;
/** Above this, applying a history is cut short (it is reported). */
export const HISTORY_BUDGET_MS = HUGE ? 900_000 : 180_000;
