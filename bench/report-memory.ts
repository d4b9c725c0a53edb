/** The memory section of bench/RESULTS.md (bench/memory.ts). */
import type { MemoryResults } from './memory.js';
import { round } from './support/measure.js';

/** The target of issue 17: Redis memory per kept event. */
export const MEMORY_TARGET_BYTES = 200;

export function memoryLines(m: MemoryResults): string[] {
  const mb = (b: number) => `${round(b / 1e6, 1)} MB`;
  const lines = [
    '## Redis memory per kept event',
    '',
    "Each shape applied in-process by the product's event scripts into a fresh redis-server of its own (no persistence,",
    `its defaults: ${Object.entries(m.config)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); \`used_memory\` after minus before, divided by the events the store logs keep.`,
    `Target: ≤ ${MEMORY_TARGET_BYTES} bytes an event.`,
    '',
    '| shape | events kept | used_memory added | bytes per event | keys (MEMORY USAGE) | applied in |',
    '|---|---|---|---|---|---|',
    ...m.shapes.map(
      (s) =>
        `| ${s.name} | ${s.events.toLocaleString('en')} | ${mb(s.usedBytes)} | **${s.bytesPerEvent}** | ${mb(s.keyBytes)} | ${round(s.applyMs / 1000, 1)} s |`,
    ),
    '',
  ];
  for (const s of m.shapes) {
    const per = (pick: (f: (typeof s.families)[number]) => boolean) =>
      round(s.families.filter(pick).reduce((sum, f) => sum + f.bytes, 0) / s.events, 1);
    const has = (f: (typeof s.families)[number], e: string) => (f.encodings[e] ?? 0) > 0;
    // The log: its buckets (`log:*`), the count beside them and a hash written before the buckets.
    const isLog = (f: (typeof s.families)[number]) => f.family === 'log' || f.family === 'log:*' || f.family === 'logged';
    lines.push(
      `By structure, ${s.name}, bytes per event: the log ${per(isLog)}; sorted sets kept as skiplists ${per((f) => has(f, 'skiplist'))};` +
        ` other hashes and sets kept as hash tables ${per((f) => !isLog(f) && has(f, 'hashtable'))};` +
        ` small keys (listpack, intset, strings) ${per((f) => !isLog(f) && !has(f, 'skiplist') && !has(f, 'hashtable'))};` +
        ` outside the keys (the keyspace's own tables, allocator) ${round((s.usedBytes - s.keyBytes) / s.events, 1)}.`,
      '',
    );
    lines.push(
      `Where the bytes go, ${s.name} (\`MEMORY USAGE key SAMPLES 0\` summed per key family; the largest ten):`,
      '',
      '| key family | keys | encodings | bytes | bytes per event | share |',
      '|---|---|---|---|---|---|',
      ...s.families.slice(0, 10).map(
        (f) =>
          `| \`${f.family}\` | ${f.keys} | ${Object.entries(f.encodings)
            .map(([e, n]) => `${e} ${n}`)
            .join(', ')} | ${mb(f.bytes)} | ${f.bytesPerEvent} | ${round(f.share * 100, 1)} % |`,
      ),
      '',
    );
  }
  return lines;
}
