/**
 * Plans the demo's history off the main thread: planning a store's quarter takes about a second of
 * CPU, and on the main thread it would hold up the API and the workers loading the quarter before.
 * Asked for (store, seed, months), it answers with `historySpan`'s months.
 */
import { parentPort } from 'node:worker_threads';
import { STORES } from './dealership.js';
import { historySpan } from './history-backfill.js';

export interface SpanRequest {
  store: string;
  seed: number;
  months: string[];
}

parentPort?.on('message', (req: SpanRequest) => {
  const store = STORES.find((s) => s.code === req.store)!;
  parentPort!.postMessage(historySpan(store, req.seed, req.months));
});
