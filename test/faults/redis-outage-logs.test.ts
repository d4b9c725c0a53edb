/**
 * A Redis outage in the logs: each connection says once that it lost Redis (a warning, no stack)
 * and once that it is back — not a line per reconnection attempt, per BullMQ retry or per timer.
 * A real worker and a real server through a real 3-second outage (SIGKILL, then a restart on the
 * same port), and events posted afterwards are applied.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { batches, demoEvents, distinctIds, eventsQueue, logSize, postEvents, unfinished } from '../support/faults.js';
import { killAll, OwnRedis, type PulseProcess } from '../support/processes.js';
import { PulseGroup } from '../support/pulse-group.js';
import { uniquePrefix, waitFor } from '../support/stack.js';

const STORE = 'SH01';
const prefix = uniquePrefix('flog');
let redis: OwnRedis | undefined;

afterAll(async () => {
  await killAll();
  await redis?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const LOST = 'Redis connection lost; reconnecting';
const BACK = 'Redis connection back';

interface Line {
  level?: string;
  msg?: string;
  connection?: string;
  text: string;
}

/** The same counts with their keys in order, to compare. */
const sorted = (per: Record<string, number>) => Object.fromEntries(Object.entries(per).sort(([a], [b]) => a.localeCompare(b)));

const parse = (text: string): Line => {
  try {
    return { ...(JSON.parse(text) as Omit<Line, 'text'>), text };
  } catch {
    return { text };
  }
};

/** What a process wrote about the outage: its lost and back lines per connection, and the rest. */
function outageLines(p: PulseProcess, from: number) {
  const lines = p.lines(from).map(parse);
  const count = (msg: string) => {
    const per: Record<string, number> = {};
    for (const l of lines) if (l.msg === msg) per[l.connection ?? '?'] = (per[l.connection ?? '?'] ?? 0) + 1;
    return per;
  };
  return {
    lost: count(LOST),
    back: count(BACK),
    /** Lines with a stack trace: a JSON line's `err.stack`, or a raw `    at …` frame. */
    withStack: lines.filter((l) => /"stack":|^\s+at /.test(l.text)).map((l) => l.text.slice(0, 300)),
    /** Lines at warn or above other than the lost ones, and any raw (non-JSON) line. */
    others: lines
      .filter((l) => l.msg !== LOST && l.msg !== BACK && (l.level === undefined || ['warn', 'error', 'fatal'].includes(l.level)))
      .map((l) => l.text.slice(0, 300)),
    total: lines.length,
  };
}

describe('a Redis outage in the logs', () => {
  it('is logged once per connection when lost and once when back, with no stack, and work resumes', async () => {
    redis = await OwnRedis.create();
    const own = redis;
    const events = demoEvents(STORE, 1, 53);
    const [first, ...rest] = batches(events, 40);
    expect(rest.length).toBeGreaterThan(2);
    const group = new PulseGroup({ redis: own, tail: 6000 });
    const server = await group.start('server', { redisUrl: own.url, prefix });
    await group.start('worker', { redisUrl: own.url, prefix });
    const { procs, dump } = group;

    // Working before the outage.
    expect(await postEvents(server.baseUrl, first!)).toBe(202);
    await waitFor(async () => (await logSize(own.url, prefix, STORE)) === distinctIds(first!).size, 10_000, 'the first batch');
    // Idle when Redis goes: a job in hand would lose its lock, which is worth a line of its own.
    const queue = eventsQueue(own.url, prefix);
    await waitFor(async () => (await unfinished(queue)) === 0, 10_000, 'the first job to finish');
    await queue.close();

    // A 3-second outage: Redis killed, then started again on the same port and data.
    const marks = procs.map((p) => p.lines().length);
    await own.kill9();
    await sleep(3000);
    await own.start();

    // Back: every connection that said it lost Redis says it is back, by itself.
    await waitFor(
      async () =>
        procs.every((p, i) => {
          const seen = outageLines(p, marks[i]!);
          return Object.keys(seen.lost).length > 0 && JSON.stringify(sorted(seen.back)) === JSON.stringify(sorted(seen.lost));
        }),
      10_000,
      'every connection back',
      dump,
    );
    // The same processes accept and apply events.
    for (const b of rest) expect(await postEvents(server.baseUrl, b), dump()).toBe(202);
    await waitFor(async () => (await logSize(own.url, prefix, STORE)) === distinctIds(events).size, 15_000, 'every event', dump);
    // Give late lines (a reconnection, a retried job) the time to be written.
    await sleep(1500);

    const [fromServer, fromWorker] = procs.map((p, i) => outageLines(p, marks[i]!));
    const report = JSON.stringify({ fromServer, fromWorker }, null, 1);
    // Each connection: lost once, back once. The worker's are its scripts', BullMQ's, the scans'
    // and its queues'; the server's its requests', its queues', pub/sub and the live adapter's.
    const once = (names: string[]) => Object.fromEntries(names.map((n) => [n, 1]));
    const workerConns = once(['queues', 'scans', 'scripts', 'workers']);
    const serverConns = once(['live adapter publish', 'live adapter subscribe', 'pubsub', 'queues', 'requests']);
    expect([sorted(fromWorker!.lost), sorted(fromWorker!.back)], report).toEqual([workerConns, workerConns]);
    expect([sorted(fromServer!.lost), sorted(fromServer!.back)], report).toEqual([serverConns, serverConns]);
    for (const seen of [fromServer!, fromWorker!]) {
      // No stack, and no other warning or error: the outage is not a bug of anyone's.
      expect(seen.withStack, report).toEqual([]);
      expect(seen.others, report).toEqual([]);
    }
    // The worker wrote nothing else at all (it was idle): 4 lines lost, 4 back.
    expect(fromWorker!.total, report).toBe(8);
    group.expectNoProblems();
  }, 60_000);
});
