/**
 * The turn to push a live room, against the test run's Redis: two "servers" (two connections,
 * two claimants) on one prefix. One wins, the other waits; nothing new means no push; a
 * heartbeat is due after a while without one; a turn held by a dead server ends after its bound.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { GROUP } from '../domain/protocol.js';
import { PushClaims, type Claim, type PushTiming } from '../server/live/push-claim.js';
import { connectRedis } from '../core/redis/connections.js';
import { pushTurnKey, seqKeys } from '../core/redis/keys.js';
import { uniquePrefix } from './support/stack.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('claim');
const connA = connectRedis(redisUrl);
const connB = connectRedis(redisUrl);
afterAll(() => {
  connA.disconnect();
  connB.disconnect();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TIMING: PushTiming = { minGapMs: 250, heartbeatDueMs: 60_000, holdMs: 2000 };
/** Two servers' claimants. */
const servers = (timing: PushTiming = TIMING) =>
  [new PushClaims(connA, prefix, timing), new PushClaims(connB, prefix, timing)] as const;
let stores = 0;
/** A store of its own for each test, with its seq at 1. */
async function freshStore(): Promise<string> {
  const store = `CL${++stores}`;
  await connA.set(seqKeys(prefix, store).seq, 1);
  return store;
}
const bump = (store: string) => connA.incr(seqKeys(prefix, store).seq);

function turnOf(c: Claim) {
  if (c.kind !== 'turn') throw new Error(`expected the turn, got ${JSON.stringify(c)}`);
  return c;
}
function waitOf(c: Claim) {
  if (c.kind !== 'wait') throw new Error(`expected a wait, got ${JSON.stringify(c)}`);
  return c.retryInMs;
}

describe('the turn to push a room', () => {
  it('goes to one of two servers asking at once; the other is told how long to wait', async () => {
    const [a, b] = servers();
    const store = await freshStore();
    const answers = await Promise.all([a.claim(store), b.claim(store)]);
    expect(answers.map((c) => c.kind).sort()).toEqual(['turn', 'wait']);
    const turn = turnOf(answers.find((c) => c.kind === 'turn')!);
    expect(turn).toMatchObject({ lastSeq: -1, lastPushAgeMs: -1, heartbeatDue: true });
    const wait = waitOf(answers.find((c) => c.kind === 'wait')!);
    expect(wait).toBeGreaterThan(1900);
    expect(wait).toBeLessThanOrEqual(2000);
  });

  it('passes after a push only once the minimum gap is over, and only for a newer seq', async () => {
    const [a, b] = servers();
    const store = await freshStore();
    const turn = turnOf(await a.claim(store));
    expect(await a.done(store, turn.token, 1)).toBe(true);
    // The winner itself asks again at once: the gap holds for it too.
    const wait = waitOf(await a.claim(store));
    expect(wait).toBeGreaterThan(200);
    expect(wait).toBeLessThanOrEqual(250);
    await sleep(wait + 5);
    // Seq 1 was pushed: nothing new for anyone.
    const nothing = await b.claim(store);
    expect(nothing.kind).toBe('nothing');
    expect(nothing.kind === 'nothing' && nothing.lastPushAgeMs).toBeGreaterThanOrEqual(250);
    await bump(store);
    expect(turnOf(await b.claim(store))).toMatchObject({ lastSeq: 1, heartbeatDue: false });
  });

  it('is given back at once when nothing was pushed', async () => {
    const [a, b] = servers();
    const store = await freshStore();
    const turn = turnOf(await a.claim(store));
    expect(waitOf(await b.claim(store))).toBeGreaterThan(0);
    expect(await a.done(store, turn.token, null)).toBe(true);
    // No push recorded: the other server may go now, and seq 1 still counts as new.
    expect(turnOf(await b.claim(store))).toMatchObject({ lastSeq: -1 });
  });

  it('comes with a heartbeat due once the last push is old enough, even with nothing new', async () => {
    const [a, b] = servers({ minGapMs: 50, heartbeatDueMs: 400, holdMs: 2000 });
    const store = await freshStore();
    const turn = turnOf(await a.claim(store));
    await a.done(store, turn.token, 1);
    await sleep(100);
    expect((await b.claim(store)).kind).toBe('nothing');
    await sleep(350);
    const due = turnOf(await b.claim(store));
    expect(due).toMatchObject({ lastSeq: 1, heartbeatDue: true });
    expect(due.lastPushAgeMs).toBeGreaterThanOrEqual(400);
    await b.done(store, due.token, 1);
    // The heartbeat was pushed once: the first server finds nothing to do.
    await sleep(60);
    expect((await a.claim(store)).kind).toBe('nothing');
  });

  it('is lost by a server that holds it past the bound (it died); its late push is refused', async () => {
    const [a, b] = servers({ minGapMs: 250, heartbeatDueMs: 60_000, holdMs: 300 });
    const store = await freshStore();
    const stuck = turnOf(await a.claim(store));
    const wait = waitOf(await b.claim(store));
    expect(wait).toBeLessThanOrEqual(300);
    await sleep(wait + 5);
    const taken = turnOf(await b.claim(store));
    expect(await a.done(store, stuck.token, 1)).toBe(false);
    expect(await b.done(store, taken.token, 1)).toBe(true);
    expect(await connA.hget(pushTurnKey(prefix, store), 'seq')).toBe('1');
  });

  it('of the group leaves the comparison of seqs to the caller (the group seq is a sum)', async () => {
    const [a, b] = servers();
    const first = turnOf(await a.claim(GROUP));
    expect(await a.done(GROUP, first.token, 10)).toBe(true);
    await sleep(waitOf(await b.claim(GROUP)) + 5);
    const next = turnOf(await b.claim(GROUP));
    expect(next).toMatchObject({ lastSeq: 10, heartbeatDue: false });
    expect(next.lastPushAgeMs).toBeGreaterThanOrEqual(250);
    // Its snapshot was not newer: nothing pushed, the turn given back.
    expect(await b.done(GROUP, next.token, null)).toBe(true);
    expect(turnOf(await a.claim(GROUP))).toMatchObject({ lastSeq: 10 });
  });

  it("lives under the store's hash tag, next to its seq, and expires when unused", async () => {
    expect(pushTurnKey('pulse', 'HZ01')).toBe('pulse:{HZ01}:push');
    expect(seqKeys('pulse', 'HZ01').seq).toBe('pulse:{HZ01}:seq');
    const [a] = servers();
    const store = await freshStore();
    await a.claim(store);
    const ttl = await connA.pttl(pushTurnKey(prefix, store));
    expect(ttl).toBeGreaterThan(60_000);
  });
});
