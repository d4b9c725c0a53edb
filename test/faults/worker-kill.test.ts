/**
 * A worker process SIGKILLed while it applies batches loses nothing and doubles nothing: its
 * active jobs are stalled, a new worker takes them over, and the store ends exactly as if every
 * distinct event had been applied once.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  batches,
  demoEvents,
  distinctIds,
  eventsQueue,
  expectFiguresOf,
  expectRecovered,
  logSize,
  postEvents,
  withResends,
} from '../support/faults.js';
import { killAll } from '../support/processes.js';
import { PulseGroup } from '../support/pulse-group.js';
import { uniquePrefix, waitFor } from '../support/stack.js';

const STORE = 'HZ01';
const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('fkill');
const queue = eventsQueue(redisUrl, prefix);

afterAll(async () => {
  await killAll();
  await queue.close();
});

describe('a worker killed mid-batch', () => {
  it('applies every event exactly once after a new worker takes over', async () => {
    // A week of a dealership (every event type), 30 % of it sent twice, in batches of 50.
    const events = demoEvents(STORE, 7, 11);
    const sent = withResends(events, 0.3, 11);
    const jobs = batches(sent, 50);
    expect(events.length).toBeGreaterThan(2000);

    const group = new PulseGroup();
    const server = await group.start('server', { redisUrl, prefix });
    const { dump } = group;
    // The backlog first, so that the worker has plenty in hand when it dies.
    for (const b of jobs) expect(await postEvents(server.baseUrl, b), dump()).toBe(202);

    const first = await group.start('worker', { redisUrl, prefix });
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

    const second = await group.start('worker', { redisUrl, prefix });
    await expectRecovered(queue, cutOff, dump);

    // Exactly once: one log entry per distinct id, and the figures of each event applied once.
    expect(await logSize(redisUrl, prefix, STORE)).toBe(distinctIds(sent).size);
    await expectFiguresOf(server.baseUrl, STORE, events, 'fkillref');
    expect(second.alive && server.alive, dump()).toBe(true);
    group.expectNoProblems();
  }, 60_000);
});
