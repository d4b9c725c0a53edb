/**
 * The processes of one fault test, started through the group: their output together (then their
 * Redis', when the test has its own) explains a failed check, and at the end none of them may
 * have written a crash-like line.
 */
import { expect } from 'vitest';
import { startPulse, type OwnRedis, type PulseOptions, type PulseProcess, type Role } from './processes.js';

export class PulseGroup {
  readonly procs: PulseProcess[] = [];

  /** `tail`: how much of each process' output a dump shows (characters). */
  constructor(private readonly options: { redis?: OwnRedis; tail?: number } = {}) {}

  async start(role: Role, opts: PulseOptions): Promise<PulseProcess> {
    const p = await startPulse(role, opts);
    this.procs.push(p);
    return p;
  }

  /** Every process' recent output, then the Redis'. */
  readonly dump = (): string => {
    const { redis, tail = 3000 } = this.options;
    return [...this.procs.map((p) => p.output(tail)), ...(redis ? [redis.output()] : [])].join('\n');
  };

  /** No unhandled rejection, uncaught exception or unhandled Redis error in any process. */
  expectNoProblems(): void {
    for (const p of this.procs) expect(p.problems, p.output()).toEqual([]);
  }
}
