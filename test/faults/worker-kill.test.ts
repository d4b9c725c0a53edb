/**
 * A worker process SIGKILLed while it applies batches loses nothing and doubles nothing: its
 * active jobs are stalled, a new worker takes them over, and the store ends exactly as if every
 * distinct event had been applied once.
 */
import { inject } from 'vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { Job } from 'bullmq';
import { batches, demoEvents, distinctIds, eventsQueue, figures, logSize, postEvents, referenceOf, unfinished, withResends } from '../support/faults.js';
import { killAll, startPulse, type PulseProcess } from '../support/processes.js';
import { uniquePrefix, waitFor } from '../support/stack.js';

const STORE = 'HZ01';
const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('fkill');
const queue = eventsQueue(redisUrl, prefix);
const cleanup: (() => unknown)[] = [];

afterAll(async () => {
  await killAll();
  await queue.close();
  cleanup.forEach((c) => c());
});

describe('a worker killed mid-batch', () => {
  it('applies every event exactly once after a new worker takes over', async () => {
    const events = demoEvents(STORE, 7, 11);
    const sent = withResends(events, 0.3, 11);
    const jobs = batches(sent, 50);
    expect(events.length).toBeGreaterThan(2000);

    const server = await startPulse('server', { redisUrl, prefix });
    const procs: PulseProcess[] = [server];
    const dump = () => procs.map((p) => p.output()).join('\n');
    // The backlog first, so the worker has plenty in hand when it dies.
    for (const b of jobs) expect(await postEvents(server.baseUrl, b), dump()).toBe(202);

    const first = await startPulse('worker', { redisUrl, prefix });
    procs.push(first);
    await waitFor(
      async () => {
        const c = await queue.getJobCounts('completed', 'active');
        return (c.completed ?? 0) >= jobs.length / 4 && (c.active ?? 0) > 0;
      },
      20_000,
      'a quarter of the jobs done and some active',
    );
    await first.kill9();
    const cutOff = await queue.getActive();
    expect(cutOff.length, 'jobs active when the worker died').toBeGreaterThan(0);
    expect(await unfinished(queue)).toBeGreaterThan(0);

    const second = await startPulse('worker', { redisUrl, prefix });
    procs.push(second);
    await waitFor(async () => (await unfinished(queue)) === 0, 30_000, 'the queue to drain').catch((err: Error) => {
      throw new Error(`${err.message}\n${dump()}`);
    });
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });

    // The jobs cut off went through BullMQ's stalled-job recovery and completed.
    for (const j of cutOff) {
      const job = await Job.fromId(queue, j.id!);
      expect(await job!.getState(), `job ${j.id}`).toBe('completed');
      expect(job!.stalledCounter, `job ${j.id} stalled`).toBeGreaterThanOrEqual(1);
    }

    const reference = await referenceOf(`fkillref`, events, STORE);
    cleanup.push(reference.close);
    expect(await logSize(redisUrl, prefix, STORE)).toBe(distinctIds(sent).size);
    const actual = await waitFor(async () => {
      const res = await fetch(`${server.baseUrl}/api/v1/stores/${STORE}/kpis`, {
        headers: { authorization: `Bearer test-admin-token-0123456789` },
      });
      return res.status === 200 ? ((await res.json()) as import('../../domain/kpis.js').Snapshot) : null;
    });
    const expected = await reference.at(Date.parse(actual.asOf));
    expect(figures(actual)).toEqual(figures(expected));
    expect(second.alive && server.alive, dump()).toBe(true);
  }, 60_000);
});
