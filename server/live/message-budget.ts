/**
 * How many messages one live socket may send: a token bucket of `burst` messages refilled at
 * `perSecond`. A message past it is refused (a `rate_limited` ack, nothing else done). Refusals
 * fill a second bucket, drained at the same pace: a socket that goes on sending another `burst`
 * messages while refused is dropped — a client that slows down when told keeps its connection.
 * The clock is handed in, so the arithmetic can be checked against a clock of a test's own.
 */
export type MessageVerdict = { kind: 'ok' } | { kind: 'refused'; retryInMs: number } | { kind: 'drop' };

export class MessageBudget {
  private tokens: number;
  private refusals = 0;
  private at: number;

  /** `perSecond` 0: no limit. */
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.at = clock();
  }

  take(): MessageVerdict {
    if (this.perSecond <= 0) return { kind: 'ok' };
    const now = this.clock();
    const refill = (Math.max(0, now - this.at) / 1000) * this.perSecond;
    this.at = now;
    this.tokens = Math.min(this.burst, this.tokens + refill);
    this.refusals = Math.max(0, this.refusals - refill);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { kind: 'ok' };
    }
    this.refusals += 1;
    if (this.refusals > this.burst) return { kind: 'drop' };
    return { kind: 'refused', retryInMs: Math.ceil(((1 - this.tokens) / this.perSecond) * 1000) };
  }
}
