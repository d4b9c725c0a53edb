/**
 * What the fault tests post and what they compare with: a realistic mix of events (the demo
 * dealership), sent in batches with resends; the reference snapshot of the same events applied
 * once, in this process, under a prefix of its own; the state of the events queue.
 */
import { Job, Queue } from 'bullmq';
import { expect } from 'vitest';
import { Redis } from 'ioredis';
import type { PulseEvent } from '../../domain/events.js';
import type { Snapshot } from '../../domain/kpis.js';
import { STORES } from '../../launcher/demo/dealership.js';
import { generateStoreEvents } from '../../launcher/demo/generate.js';
import { KpiService } from '../../core/kpi/kpi-service.js';
import { queuePrefix } from '../../core/redis/keys.js';
import { applyEvents } from '../../workers/apply-events.processor.js';
import { EVENTS_QUEUE, type ApplyEventsJob, type ApplyEventsResult } from '../../core/jobs/queues.js';
import { shuffled } from './events.js';
import { ADMIN_TOKEN, applyDeps, readOptions, waitFor } from './stack.js';
import { areLogged, loggedCount } from '../../core/events/event-log.js';

const DAY = 86_400_000;

/** `days` days of the demo store `code` up to a minute ago, ordered by time. */
export function demoEvents(code: string, days: number, seed: number): PulseEvent[] {
  const store = STORES.find((s) => s.code === code)!;
  const now = Date.now() - 60_000;
  return generateStoreEvents(store, { seed, from: now - days * DAY, to: now + 1, now, demoStart: now - days * DAY });
}

/** The events as a retrying sender delivers them: in order, with `share` of them sent again later. */
export function withResends(events: PulseEvent[], share: number, seed: number): PulseEvent[] {
  const again = new Set(shuffled(events, seed).slice(0, Math.round(events.length * share)));
  const out: PulseEvent[] = [];
  const pending: PulseEvent[] = [];
  events.forEach((e, i) => {
    out.push(e);
    if (again.has(e)) pending.push(e);
    // Resent a little later, interleaved with new events.
    if (i % 7 === 6) out.push(...pending.splice(0, 3));
  });
  return [...out, ...pending];
}

export const batches = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export const distinctIds = (events: PulseEvent[]) => new Set(events.map((e) => e.id));

/** POST /api/v1/events; network failures and timeouts come back as status 0. */
export async function postEvents(baseUrl: string, events: PulseEvent[], timeoutMs = 5000): Promise<number> {
  try {
    const res = await fetch(`${baseUrl}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export async function getSnapshot(baseUrl: string, store: string): Promise<Snapshot> {
  const res = await fetch(`${baseUrl}/api/v1/stores/${store}/kpis`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (res.status !== 200) throw new Error(`GET kpis of ${store}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Snapshot;
}

/** A snapshot without what changes on every read or push: `seq`, `asOf` and the live socket's `freshness`. */
export function figures(s: Snapshot): Omit<Snapshot, 'seq' | 'asOf' | 'freshness'> {
  const rest: Partial<Snapshot> = { ...s };
  delete rest.seq;
  delete rest.asOf;
  delete rest.freshness;
  return rest as Omit<Snapshot, 'seq' | 'asOf' | 'freshness'>;
}

/**
 * The events applied once each, in order, by this process under a fresh prefix of the test run's
 * Redis: a function that reads the store's snapshot at any moment (take the `asOf` of the
 * snapshot it is compared with, as pending callbacks become missed with time).
 */
export async function referenceOf(
  name: string,
  events: PulseEvent[],
  store: string,
): Promise<{ at(now: number): Promise<Snapshot>; close(): void }> {
  const deps = applyDeps(name);
  const seen = new Set<string>();
  const once = events.filter((e) => !seen.has(e.id) && seen.add(e.id));
  for (const b of batches(once, 500)) await applyEvents(deps, b);
  const kpis = new KpiService(deps.redis, deps.stores, readOptions(deps.config));
  return {
    at: async (now) => (await kpis.store(store, now))!,
    close: () => deps.close(),
  };
}

/** The number of events in a store's log. */
export async function logSize(redisUrl: string, prefix: string, store: string): Promise<number> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    return await loggedCount(r, prefix, store);
  } finally {
    r.disconnect();
  }
}

/** Which of these ids are in the store's log. */
export async function idsInLog(redisUrl: string, prefix: string, store: string, ids: string[]): Promise<Set<string>> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const found = new Set<string>();
    for (const chunk of batches(ids, 1000)) {
      const present = await areLogged(r, prefix, store, chunk);
      chunk.forEach((id, i) => present[i] && found.add(id));
    }
    return found;
  } finally {
    r.disconnect();
  }
}

/** The events queue of a prefix, for looking at its jobs. */
export function eventsQueue(redisUrl: string, prefix: string): Queue<ApplyEventsJob, ApplyEventsResult> {
  const { hostname, port } = new URL(redisUrl);
  return new Queue<ApplyEventsJob, ApplyEventsResult>(EVENTS_QUEUE, {
    connection: { host: hostname, port: Number(port) },
    prefix: queuePrefix(prefix),
  });
}

/** Jobs not yet finished: waiting, active, delayed (retries) or prioritized. */
export async function unfinished(queue: Queue): Promise<number> {
  const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children');
  return Object.values(c).reduce((a, b) => a + b, 0);
}

/**
 * After a worker was killed holding `cutOff`: the queue drains with nothing failed, and each of
 * those jobs went through BullMQ's stalled-job recovery, then completed. `dump` (the processes'
 * output) explains a timeout.
 */
export async function expectRecovered(queue: Queue, cutOff: readonly Job[], dump: () => string): Promise<void> {
  await expectDrained(queue, dump);
  for (const { id } of cutOff) {
    const job = (await Job.fromId(queue, id!))!;
    expect(await job.getState(), `job ${id}`).toBe('completed');
    expect(job.stalledCounter, `job ${id} stalled`).toBeGreaterThanOrEqual(1);
  }
}

/** Waits for the queue to drain, then no job may have failed. `dump` (the processes' output) explains a timeout. */
export async function expectDrained(queue: Queue, dump: () => string, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => (await unfinished(queue)) === 0, timeoutMs, 'the queue to drain', dump);
  expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
}

/**
 * The store's figures on the server are those of `events` applied once each (worked out by
 * `referenceOf` under `name`, at the snapshot's own `asOf`). Returns the server's snapshot.
 */
export async function expectFiguresOf(baseUrl: string, store: string, events: PulseEvent[], name: string): Promise<Snapshot> {
  const reference = await referenceOf(name, events, store);
  try {
    const actual = await getSnapshot(baseUrl, store);
    expect(figures(actual)).toEqual(figures(await reference.at(Date.parse(actual.asOf))));
    return actual;
  } finally {
    reference.close();
  }
}
