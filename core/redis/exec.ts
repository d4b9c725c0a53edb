/** Runs transactions and pipelines, and throws their first command error (ioredis returns them in the answers). */
import type { ChainableCommander } from 'ioredis';
import type { RedisConn } from './connections.js';

export async function execAll(m: ChainableCommander): Promise<unknown[]> {
  return ((await m.exec()) ?? []).map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}

/**
 * Queues one command (or script) per item and runs them; the answers come in the order of the
 * items. On one Redis: one pipeline, one round trip. On a Redis Cluster a pipeline must stay on one
 * slot: one pipeline per group — items whose keys share a hash tag, such as a store's — sent
 * together. Items of one group keep their order.
 */
export async function pipelineByGroup<T>(
  redis: RedisConn,
  items: readonly T[],
  groupOf: (item: T) => string,
  queue: (p: ChainableCommander, item: T) => void,
): Promise<[Error | null, unknown][]> {
  if (!redis.isCluster) {
    const p = redis.pipeline();
    for (const item of items) queue(p, item);
    return (await p.exec()) ?? [];
  }
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const key = groupOf(item);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  const answers = new Array<[Error | null, unknown]>(items.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const p = redis.pipeline();
      for (const i of indexes) queue(p, items[i]!);
      const res = (await p.exec()) ?? [];
      indexes.forEach((i, j) => (answers[i] = res[j] ?? [new Error('short pipeline answer'), null]));
    }),
  );
  return answers;
}
